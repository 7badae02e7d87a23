import type { GeoJSONSource, Map as MlMap } from 'maplibre-gl';
import { useEffect, useRef, useState } from 'preact/hooks';
import { clockTime } from '../format.js';
import { useI18n } from '../i18n.js';
import { colours, createMap, useCanvasLabel } from './maplibre.js';

export interface Fix {
  ts: number;
  lat: number;
  lon: number;
  speed: number | null;
}

/** Track playback: the whole track as a line, a marker moved by a slider or the play button. */
export function TrackMap({ fixes, stops }: { fixes: Fix[]; stops: { lat: number; lon: number }[] }) {
  const { t, lang } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  useCanvasLabel(ref, t('vehicles.track'));
  const map = useRef<MlMap | null>(null);
  const [ready, setReady] = useState(false);
  const [index, setIndex] = useState(0);
  const [playing, setPlaying] = useState(false);

  useEffect(() => {
    if (!ref.current || fixes.length === 0) return;
    const first = fixes[0] as Fix;
    const m = createMap(ref.current, [first.lon, first.lat], 15, t('vehicles.track'));
    map.current = m;
    m.on('load', () => {
      m.addSource('track', {
        type: 'geojson',
        data: {
          type: 'Feature',
          properties: {},
          geometry: { type: 'LineString', coordinates: fixes.map((f) => [f.lon, f.lat]) },
        },
      });
      m.addLayer({
        id: 'track',
        type: 'line',
        source: 'track',
        paint: { 'line-color': colours.vehicle, 'line-width': 3 },
      });
      m.addSource('stops', {
        type: 'geojson',
        data: {
          type: 'FeatureCollection',
          features: stops.map((s) => ({
            type: 'Feature',
            properties: {},
            geometry: { type: 'Point', coordinates: [s.lon, s.lat] },
          })),
        },
      });
      m.addLayer({
        id: 'stops',
        type: 'circle',
        source: 'stops',
        paint: { 'circle-radius': 6, 'circle-color': colours.yellow },
      });
      m.addSource('at', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
      m.addLayer({
        id: 'at',
        type: 'circle',
        source: 'at',
        paint: {
          'circle-radius': 8,
          'circle-color': colours.red,
          'circle-stroke-color': '#fff',
          'circle-stroke-width': 2,
        },
      });
      const xs = fixes.map((f) => f.lon);
      const ys = fixes.map((f) => f.lat);
      m.fitBounds([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], {
        padding: 30,
        duration: 0,
        maxZoom: 17,
      });
      setReady(true);
    });
    return () => m.remove();
  }, [fixes, stops]);

  useEffect(() => {
    const f = fixes[index];
    if (!ready || !f) return;
    (map.current?.getSource('at') as GeoJSONSource | undefined)?.setData({
      type: 'Feature',
      properties: {},
      geometry: { type: 'Point', coordinates: [f.lon, f.lat] },
    });
  }, [ready, index, fixes]);

  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      setIndex((i) => {
        if (i >= fixes.length - 1) {
          setPlaying(false);
          return i;
        }
        return i + Math.max(1, Math.floor(fixes.length / 200));
      });
    }, 100);
    return () => clearInterval(timer);
  }, [playing, fixes.length]);

  const at = fixes[Math.min(index, fixes.length - 1)];
  return (
    <div class="track">
      <div ref={ref} class="mini-map" role="img" aria-label={t('vehicles.track')} data-ready={ready ? '1' : '0'} />
      <div class="row">
        <button type="button" onClick={() => setPlaying(!playing)} data-testid="track-play">
          {playing ? t('vehicles.pause') : t('vehicles.playback')}
        </button>
        <input
          type="range"
          min={0}
          max={Math.max(0, fixes.length - 1)}
          value={index}
          aria-label={t('vehicles.position')}
          onInput={(e) => setIndex(Number(e.currentTarget.value))}
        />
        <span class="mono">{at ? clockTime(new Date(at.ts), lang) : ''}</span>
      </div>
    </div>
  );
}
