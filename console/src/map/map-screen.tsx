import type { GeoJSONSource, Map as MlMap } from 'maplibre-gl';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useI18n } from '../i18n.js';
import { categoryLabel, useSession } from '../session.js';
import { ErrorNote } from '../ui/common.js';
import { useVehicles } from '../vehicles.js';
import { addBasemap, colours, createMap, useCanvasLabel } from './maplibre.js';

type GridRow = { gridCode: string; open: number; red: number; yellow: number };
type FC = { type: 'FeatureCollection'; features: { geometry: { coordinates: unknown } }[] };

const openColour = [
  'step',
  ['coalesce', ['feature-state', 'open'], 0],
  'rgba(0,0,0,0)',
  1,
  '#2b5f8a',
  3,
  '#3d84bf',
  6,
  '#74b3e8',
];
const lightColour = [
  'case',
  ['>', ['coalesce', ['feature-state', 'red'], 0], 0],
  colours.red,
  ['>', ['coalesce', ['feature-state', 'yellow'], 0], 0],
  colours.yellow,
  ['>', ['coalesce', ['feature-state', 'open'], 0], 0],
  colours.green,
  'rgba(0,0,0,0)',
];

/** GeoJSON point sources: tiled only down to level 12 (see the grids source), small tile buffer. */
const pointSource = { maxzoom: 12, buffer: 32 } as const;

function bboxOf(fc: FC): [number, number, number, number] | null {
  let b: [number, number, number, number] | null = null;
  const visit = (c: unknown) => {
    if (Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number') {
      const [x, y] = c as [number, number];
      b = b ? [Math.min(b[0], x), Math.min(b[1], y), Math.max(b[2], x), Math.max(b[3], y)] : [x, y, x, y];
    } else if (Array.isArray(c)) for (const x of c) visit(x);
  };
  for (const f of fc.features) visit(f.geometry.coordinates);
  return b;
}

export function MapScreen() {
  const { t } = useI18n();
  const { settings, categories } = useSession();
  const ref = useRef<HTMLDivElement>(null);
  useCanvasLabel(ref, t('map.region'));
  const mapRef = useRef<MlMap | null>(null);
  const [ready, setReady] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [colourBy, setColourBy] = useState<'open' | 'light'>('light');
  const [showGrids, setShowGrids] = useState(true);
  const [showCases, setShowCases] = useState(true);
  const [showVehicles, setShowVehicles] = useState(true);
  const [showCameras, setShowCameras] = useState(true);
  const [basemapOn, setBasemapOn] = useState(settings.basemap !== null);
  const [componentCats, setComponentCats] = useState<{ code: string; count: number }[]>([]);
  const [component, setComponent] = useState('');
  const [selected, setSelected] = useState<GridRow | null>(null);
  const statusRef = useRef(new Map<string, GridRow>());
  // A button or finger is down on the map: a drag may start, so live updates wait (a data update re-renders the map).
  const held = useRef(false);
  const busy = (map: MlMap) => held.current || map.isMoving();
  const onRelease = useRef(() => {});
  const vehicles = useVehicles();

  useEffect(() => {
    if (!ref.current) return;
    let map: MlMap;
    try {
      map = createMap(ref.current, [119.48, 31.42], 12, t('map.region'));
    } catch (e) {
      setError(e);
      return;
    }
    mapRef.current = map;
    const release = () => {
      if (!held.current) return;
      held.current = false;
      onRelease.current();
    };
    map.on('mousedown', () => {
      held.current = true;
    });
    map.on('touchstart', () => {
      held.current = true;
    });
    addEventListener('pointerup', release);
    addEventListener('pointercancel', release);
    addEventListener('blur', release);
    (window as unknown as { __wanmiMap?: MlMap }).__wanmiMap = map;
    map.on('load', async () => {
      try {
        const grids = await api.get<FC>('/api/v1/console/grids');
        // Coarse source tiles (one or a few for a whole district instead of dozens): fewer draw calls and stencil
        // clips per frame, and a data update re-renders the map once instead of once per reloaded tile. Level 13
        // keeps grid edges to about 0.6 m; points (level 12) to about 1.2 m, finer than a GPS fix.
        map.addSource('grids', { type: 'geojson', data: grids as never, promoteId: 'code', maxzoom: 13, buffer: 16 });
        map.addLayer({
          id: 'grid-fill',
          type: 'fill',
          source: 'grids',
          // No antialiasing outline pass: the grid-line layer draws the edges.
          paint: { 'fill-color': lightColour as never, 'fill-opacity': 0.55, 'fill-antialias': false },
        });
        map.addLayer({
          id: 'grid-line',
          type: 'line',
          source: 'grids',
          paint: { 'line-color': colours.gridLine, 'line-width': 0.6 },
        });
        map.addSource('cases', { type: 'geojson', data: { type: 'FeatureCollection', features: [] }, ...pointSource });
        map.addLayer({
          id: 'cases',
          type: 'circle',
          source: 'cases',
          paint: {
            // Small dots at district zoom (10,000 of them; the grids carry the colour there), larger when zoomed in.
            'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 1.5, 15, 2.5, 17, 6],
            'circle-color': [
              'match',
              ['get', 'light'],
              'red',
              colours.red,
              'yellow',
              colours.yellow,
              'green',
              colours.green,
              colours.none,
            ],
          },
        });
        map.addSource('components', {
          type: 'geojson',
          data: { type: 'FeatureCollection', features: [] },
          ...pointSource,
        });
        map.addLayer({
          id: 'components',
          type: 'circle',
          source: 'components',
          paint: {
            'circle-radius': ['interpolate', ['linear'], ['zoom'], 12, 1.5, 17, 5],
            'circle-color': colours.component,
          },
        });
        map.addSource('cameras', {
          type: 'geojson',
          data: { type: 'FeatureCollection', features: [] },
          ...pointSource,
        });
        map.addLayer({
          id: 'cameras',
          type: 'circle',
          source: 'cameras',
          paint: {
            'circle-radius': 7,
            'circle-color': colours.camera,
            'circle-stroke-color': '#000',
            'circle-stroke-width': 1,
          },
        });
        // Cameras with a surveyed position, when the video feature is on (404 otherwise: the layer stays empty).
        api
          .get<{ cameras: { id: string; name: string; position: { lon: number; lat: number } | null }[] }>(
            '/api/v1/cameras',
          )
          .then((r) =>
            (map.getSource('cameras') as GeoJSONSource | undefined)?.setData({
              type: 'FeatureCollection',
              features: r.cameras.flatMap((c) =>
                c.position
                  ? [
                      {
                        type: 'Feature',
                        properties: { id: c.id },
                        geometry: { type: 'Point', coordinates: [c.position.lon, c.position.lat] },
                      },
                    ]
                  : [],
              ),
            }),
          )
          .catch(() => {});
        map.addSource('vehicles', {
          type: 'geojson',
          data: { type: 'FeatureCollection', features: [] },
          ...pointSource,
        });
        map.addLayer({
          id: 'vehicles',
          type: 'circle',
          source: 'vehicles',
          paint: {
            'circle-radius': 5,
            'circle-color': colours.vehicle,
            'circle-stroke-color': '#fff',
            'circle-stroke-width': 1,
          },
        });
        const b = bboxOf(grids);
        if (b) map.fitBounds(b, { padding: 20, duration: 0 });
        if (settings.basemap) await addBasemap(map, settings.basemap, 'grid-fill');
        map.on('click', 'grid-fill', (e) => {
          const code = e.features?.[0]?.properties?.code as string | undefined;
          if (code) setSelected(statusRef.current.get(code) ?? { gridCode: code, open: 0, red: 0, yellow: 0 });
        });
        setReady(true);
      } catch (e) {
        setError(e);
      }
    });
    api
      .get<{ categories: { code: string; count: number }[] }>('/api/v1/console/component-categories')
      .then((r) => setComponentCats(r.categories))
      .catch(() => setComponentCats([]));
    return () => {
      removeEventListener('pointerup', release);
      removeEventListener('pointercancel', release);
      removeEventListener('blur', release);
      map.remove();
      mapRef.current = null;
    };
  }, []);

  // Grid colours and case points refresh every 10 s (two grouped queries, cheap at 10,000 cases).
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    let stop = false;
    let shownPoints = '';
    const tick = async () => {
      if (busy(map)) return;
      try {
        const [status, points] = await Promise.all([
          api.get<{ grids: GridRow[] }>('/api/v1/console/grid-status'),
          api.get<FC>('/api/v1/console/case-points'),
        ]);
        if (stop) return;
        const next = new Map(status.grids.map((g) => [g.gridCode, g]));
        for (const code of statusRef.current.keys()) {
          if (!next.has(code)) map.setFeatureState({ source: 'grids', id: code }, { open: 0, red: 0, yellow: 0 });
        }
        for (const g of next.values()) {
          const was = statusRef.current.get(g.gridCode);
          if (was && was.open === g.open && was.red === g.red && was.yellow === g.yellow) continue;
          map.setFeatureState({ source: 'grids', id: g.gridCode }, { open: g.open, red: g.red, yellow: g.yellow });
        }
        statusRef.current = next;
        // Unchanged points are not sent again: each update re-tiles 10,000 points and re-renders the map.
        const key = JSON.stringify(points);
        if (key !== shownPoints) (map.getSource('cases') as GeoJSONSource | undefined)?.setData(points as never);
        shownPoints = key;
      } catch (e) {
        setError(e);
      }
    };
    void tick();
    const timer = setInterval(tick, 10_000);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, [ready]);

  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    map.setPaintProperty('grid-fill', 'fill-color', (colourBy === 'open' ? openColour : lightColour) as never);
    map.setLayoutProperty('grid-fill', 'visibility', showGrids ? 'visible' : 'none');
    map.setLayoutProperty('grid-line', 'visibility', showGrids ? 'visible' : 'none');
    map.setLayoutProperty('cases', 'visibility', showCases ? 'visible' : 'none');
    map.setLayoutProperty('vehicles', 'visibility', showVehicles ? 'visible' : 'none');
    map.setLayoutProperty('cameras', 'visibility', showCameras ? 'visible' : 'none');
    for (const layer of map.getStyle().layers ?? []) {
      if (layer.id.startsWith('basemap-'))
        map.setLayoutProperty(layer.id, 'visibility', basemapOn ? 'visible' : 'none');
    }
  }, [ready, colourBy, showGrids, showCases, showVehicles, showCameras, basemapOn]);

  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    const source = map.getSource('components') as GeoJSONSource | undefined;
    if (!component) {
      source?.setData({ type: 'FeatureCollection', features: [] });
      return;
    }
    api
      .get<FC>(`/api/v1/console/components?category=${component}`)
      .then((fc) => source?.setData(fc as never))
      .catch(setError);
  }, [ready, component]);

  // Live positions reach the map at most once a second, never in the middle of a pan or zoom nor while a button is
  // held on it; the latest positions are applied when it ends.
  const latestVehicles = useRef(vehicles.list);
  latestVehicles.current = vehicles.list;
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    let shown: unknown = null;
    const push = () => {
      if (busy(map) || shown === latestVehicles.current) return;
      shown = latestVehicles.current;
      (map.getSource('vehicles') as GeoJSONSource | undefined)?.setData({
        type: 'FeatureCollection',
        features: latestVehicles.current.map((v) => ({
          type: 'Feature',
          properties: { id: v.deviceKey, kind: v.kind },
          geometry: { type: 'Point', coordinates: [v.lon, v.lat] },
        })),
      });
    };
    push();
    const timer = setInterval(push, 1000);
    map.on('moveend', push);
    onRelease.current = push;
    return () => {
      clearInterval(timer);
      map.off('moveend', push);
      onRelease.current = () => {};
    };
  }, [ready]);

  return (
    <section class="map-screen" aria-labelledby="map-title">
      <h1 id="map-title" class="sr">
        {t('map.title')}
      </h1>
      <div class="map-side">
        <fieldset>
          <legend>{t('map.layers')}</legend>
          <label>
            <input type="checkbox" checked={showGrids} onChange={(e) => setShowGrids(e.currentTarget.checked)} />
            {t('map.grids')}
          </label>
          <label>
            <input type="checkbox" checked={showCases} onChange={(e) => setShowCases(e.currentTarget.checked)} />
            {t('map.cases')}
          </label>
          <label>
            <input type="checkbox" checked={showVehicles} onChange={(e) => setShowVehicles(e.currentTarget.checked)} />
            {t('map.vehicles')} ({vehicles.list.length})
          </label>
          <label>
            <input type="checkbox" checked={showCameras} onChange={(e) => setShowCameras(e.currentTarget.checked)} />
            {t('map.cameras')}
          </label>
        </fieldset>
        <label for="map-colour">{t('map.colourBy')}</label>
        <select
          id="map-colour"
          value={colourBy}
          onChange={(e) => setColourBy(e.currentTarget.value as 'open' | 'light')}
        >
          <option value="light">{t('map.colourBy.light')}</option>
          <option value="open">{t('map.colourBy.open')}</option>
        </select>
        <label for="map-components">{t('map.components')}</label>
        <select id="map-components" value={component} onChange={(e) => setComponent(e.currentTarget.value)}>
          <option value="">{t('map.components.none')}</option>
          {componentCats.map((c) => (
            <option key={c.code} value={c.code} class="data">
              {categoryLabel(categories, 'component', c.code)} ({c.count})
            </option>
          ))}
        </select>
        <fieldset>
          <legend>{t('map.basemap')}</legend>
          {settings.basemap ? (
            <label>
              <input type="checkbox" checked={basemapOn} onChange={(e) => setBasemapOn(e.currentTarget.checked)} />
              {basemapOn ? t('map.basemap.on') : t('map.basemap.off')}
            </label>
          ) : (
            <p class="muted" data-testid="no-basemap">
              {t('map.basemap.missing')}
            </p>
          )}
        </fieldset>
        <fieldset class="legend">
          <legend>{t('map.legend')}</legend>
          <span>
            <i style={{ background: colours.green }} />
            {t('light.green')}
          </span>
          <span>
            <i style={{ background: colours.yellow }} />
            {t('light.yellow')}
          </span>
          <span>
            <i style={{ background: colours.red }} />
            {t('light.red')}
          </span>
          <span>
            <i style={{ background: colours.component }} />
            {t('map.components')}
          </span>
          <span>
            <i style={{ background: colours.vehicle }} />
            {t('vehicles.kind.vehicle')}
          </span>
          <span>
            <i style={{ background: colours.collector }} />
            {t('vehicles.kind.collector')}
          </span>
          <span>
            <i style={{ background: colours.camera }} />
            {t('map.cameras')}
          </span>
        </fieldset>
        <p aria-live="polite" data-testid="grid-selected">
          {selected &&
            t('map.selected', {
              code: selected.gridCode,
              open: selected.open,
              yellow: selected.yellow,
              red: selected.red,
            })}
        </p>
        {error ? <ErrorNote error={error} /> : null}
      </div>
      <div ref={ref} class="map" data-ready={ready ? '1' : '0'} />
    </section>
  );
}
