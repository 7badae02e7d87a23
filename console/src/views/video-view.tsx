import { lazy, Suspense } from 'preact/compat';
import { Loading } from '../ui/common.js';

const VideoWall = lazy(() => import('../video/video-wall.js').then((m) => ({ default: m.VideoWall })));

/** The video wall loads its players (MSE, JSMpeg) on demand. */
export function VideoView() {
  return (
    <Suspense fallback={<Loading />}>
      <VideoWall />
    </Suspense>
  );
}
