import { lazy, Suspense } from 'preact/compat';
import { Loading } from '../ui/common.js';

const MapScreen = lazy(() => import('../map/map-screen.js').then((m) => ({ default: m.MapScreen })));

/** The map loads MapLibre on demand so the queues stay light. */
export function MapView() {
  return (
    <Suspense fallback={<Loading />}>
      <MapScreen />
    </Suspense>
  );
}
