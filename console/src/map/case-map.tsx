import { useEffect, useRef, useState } from 'preact/hooks';
import { useI18n } from '../i18n.js';
import { colours, createMap, useCanvasLabel } from './maplibre.js';

/** A small map around one case: its grid outline and its position. */
export function CaseMap({ lon, lat }: { lon: number; lat: number }) {
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  useCanvasLabel(ref, t('case.map'));
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!ref.current) return;
    let map: ReturnType<typeof createMap>;
    try {
      map = createMap(ref.current, [lon, lat], 16, t('case.map'));
    } catch {
      setFailed(true);
      return;
    }
    map.on('load', () => {
      map.addSource('grids', { type: 'geojson', data: '/api/v1/console/grids' });
      map.addLayer({ id: 'grid-line', type: 'line', source: 'grids', paint: { 'line-color': colours.gridLine } });
      map.addSource('here', {
        type: 'geojson',
        data: { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [lon, lat] } },
      });
      map.addLayer({
        id: 'here',
        type: 'circle',
        source: 'here',
        paint: {
          'circle-radius': 8,
          'circle-color': colours.red,
          'circle-stroke-color': '#fff',
          'circle-stroke-width': 2,
        },
      });
    });
    return () => map.remove();
  }, [lon, lat]);
  if (failed) return <p class="muted">{t('app.error')}</p>;
  return (
    <div ref={ref} class="mini-map" role="img" aria-label={`${t('case.map')} ${lon.toFixed(5)}, ${lat.toFixed(5)}`} />
  );
}
