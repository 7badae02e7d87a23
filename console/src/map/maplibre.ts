import 'maplibre-gl/dist/maplibre-gl.css';
import type { StyleSpecification } from 'maplibre-gl';
import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { PMTiles, Protocol } from 'pmtiles';
import type { RefObject } from 'preact';
import { useEffect } from 'preact/hooks';

// The worker is a bundled asset of the appliance, never fetched from anywhere else.
maplibregl.setWorkerUrl(workerUrl);

let protocol: Protocol | null = null;

/** Colours shared by the map layers and the legend (traffic light of DOMAIN.md §6). */
export const colours = {
  background: '#0f1720',
  gridLine: '#3b5068',
  green: '#2fb344',
  yellow: '#f2c200',
  red: '#e03131',
  none: '#5c7080',
  component: '#74c0fc',
  vehicle: '#9775fa',
  collector: '#ffa94d',
  camera: '#e599f7',
};

/**
 * The style with no online dependency: a plain background, no glyphs and no text layers (labels are in the
 * console around the map), and no sprite. An offline base map is added only when a PMTiles file is provisioned.
 */
export function emptyStyle(): StyleSpecification {
  return {
    version: 8,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': colours.background } }],
  };
}

/** Adds the provisioned PMTiles base map (vector or raster) under every other layer. */
export async function addBasemap(map: maplibregl.Map, path: string, before?: string): Promise<void> {
  if (!protocol) {
    protocol = new Protocol();
    maplibregl.addProtocol('pmtiles', protocol.tile);
  }
  const url = new URL(path, location.origin).href;
  const archive = new PMTiles(url);
  protocol.add(archive);
  const header = await archive.getHeader();
  const source = `pmtiles://${url}`;
  // tileType 1 = MVT (vector); 2–4 = PNG/JPEG/WebP raster.
  if (header.tileType !== 1) {
    map.addSource('basemap', { type: 'raster', url: source, tileSize: 256 });
    map.addLayer({ id: 'basemap-raster', type: 'raster', source: 'basemap' }, before);
    return;
  }
  map.addSource('basemap', { type: 'vector', url: source });
  // Layer names of the two common open schemas (Protomaps basemap, OpenMapTiles); absent layers draw nothing.
  const fills: [string, string][] = [
    ['earth', '#1b2631'],
    ['landuse', '#1e2b36'],
    ['landcover', '#1e2b36'],
    ['park', '#1d3327'],
    ['water', '#17344d'],
    ['buildings', '#2a3846'],
    ['building', '#2a3846'],
  ];
  for (const [layer, colour] of fills) {
    map.addLayer(
      {
        id: `basemap-${layer}`,
        type: 'fill',
        source: 'basemap',
        'source-layer': layer,
        paint: { 'fill-color': colour },
      },
      before,
    );
  }
  for (const layer of ['roads', 'transportation']) {
    map.addLayer(
      {
        id: `basemap-${layer}`,
        type: 'line',
        source: 'basemap',
        'source-layer': layer,
        paint: { 'line-color': '#4a5d70', 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.5, 16, 3] },
      },
      before,
    );
  }
}

/** A map in `container`; `label` names the map canvas for screen readers (MapLibre's own default is English). */
export function createMap(container: HTMLElement, center: [number, number], zoom: number, label: string) {
  const map = new maplibregl.Map({
    container,
    style: emptyStyle(),
    center,
    zoom,
    attributionControl: false,
    maplibreLogo: false,
    fadeDuration: 0,
    keyboard: true,
    renderWorldCopies: false,
    locale: { 'Map.Title': label },
  });
  map.getCanvas().setAttribute('aria-label', label);
  return map;
}

export { maplibregl };

/** Keeps the map canvas's accessible name in the console's current language (it is set once at creation). */
export function useCanvasLabel(container: RefObject<HTMLElement | null>, label: string): void {
  useEffect(() => {
    container.current?.querySelector('canvas')?.setAttribute('aria-label', label);
  }, [container, label]);
}
