import type { GeoJSONSource, Map as MlMap } from 'maplibre-gl';
import { useEffect, useRef } from 'preact/hooks';
import { api } from '../api.js';
import { useI18n } from '../i18n.js';
import { colours, createMap, useCanvasLabel } from './maplibre.js';

type FC = { type: 'FeatureCollection'; features: { geometry: { coordinates: unknown } }[] };

/** Click to place a desk report: the unit grids for orientation, a marker where the problem is. */
export function PickMap({
  lon,
  lat,
  onPick,
}: {
  lon: number | null;
  lat: number | null;
  onPick: (lon: number, lat: number) => void;
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  useCanvasLabel(ref, t('report.pick'));
  const map = useRef<MlMap | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;

  useEffect(() => {
    if (!ref.current) return;
    const m = createMap(ref.current, [119.48, 31.42], 12, t('report.pick'));
    map.current = m;
    m.on('load', async () => {
      const grids = await api.get<FC>('/api/v1/console/grids').catch(() => null);
      if (grids) {
        m.addSource('grids', { type: 'geojson', data: grids as never });
        m.addLayer({ id: 'grid-line', type: 'line', source: 'grids', paint: { 'line-color': colours.gridLine } });
        let box: [number, number, number, number] | null = null;
        const visit = (c: unknown) => {
          if (Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number') {
            const [x, y] = c as [number, number];
            box = box
              ? [Math.min(box[0], x), Math.min(box[1], y), Math.max(box[2], x), Math.max(box[3], y)]
              : [x, y, x, y];
          } else if (Array.isArray(c)) for (const x of c) visit(x);
        };
        for (const f of grids.features) visit(f.geometry.coordinates);
        if (box) m.fitBounds(box, { padding: 10, duration: 0 });
      }
      m.addSource('pick', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
      m.addLayer({
        id: 'pick',
        type: 'circle',
        source: 'pick',
        paint: {
          'circle-radius': 8,
          'circle-color': colours.red,
          'circle-stroke-color': '#fff',
          'circle-stroke-width': 2,
        },
      });
      ref.current?.setAttribute('data-ready', '1');
    });
    m.on('click', (e) => pick.current(Number(e.lngLat.lng.toFixed(6)), Number(e.lngLat.lat.toFixed(6))));
    return () => m.remove();
    // The map is created once; the marker follows the fields below.
  }, []);

  useEffect(() => {
    const source = map.current?.getSource('pick') as GeoJSONSource | undefined;
    source?.setData(
      lon !== null && lat !== null
        ? { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [lon, lat] } }
        : { type: 'FeatureCollection', features: [] },
    );
  }, [lon, lat]);

  return <div ref={ref} class="mini-map pick-map" data-ready="0" />;
}
