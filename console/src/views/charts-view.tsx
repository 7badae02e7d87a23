import { lazy, Suspense } from 'preact/compat';
import { Loading } from '../ui/common.js';

const ChartsScreen = lazy(() => import('../charts/charts-screen.js').then((m) => ({ default: m.ChartsScreen })));

export function ChartsView() {
  return (
    <Suspense fallback={<Loading />}>
      <ChartsScreen />
    </Suspense>
  );
}
