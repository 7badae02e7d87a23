import type { Server } from 'node:http';
import type { FeatureFactory } from '../feature.js';
import type { CandidateSink } from './camera-events.js';
import type { CameraDiscovery } from './discovery.js';
import { wsDiscovery } from './discovery.js';
import { OnvifMock } from './onvif-mock.js';
import { isLivePath } from './relay/live-relay.js';
import { UpgradeRouter } from './relay/upgrade-router.js';
import type { VideoConfig } from './video.config.js';
import { registerVideoMetrics } from './video.metrics.js';
import { videoRoutes } from './video.routes.js';
import { VideoService } from './video.service.js';

/** Test seam: replaces WS-Discovery (no multicast in tests). */
export const videoTestSeams: { discovery: CameraDiscovery | null } = { discovery: null };

/**
 * The video feature: camera registry and health, ONVIF events → intake candidates, snapshots, and the live relay
 * on the api server's port. Off until `video.enabled`.
 */
export const videoFeature: FeatureFactory = (ctx) => {
  const config = ctx.config.video;
  if (!config.enabled) return null;
  const { geocoder } = ctx;
  const sink: CandidateSink = ctx.services.candidates;
  const video: VideoService = new VideoService({
    config,
    auth: ctx.services.auth,
    sink,
    locate: (lon, lat) => geocoder.locate(lon, lat),
    discovery: videoTestSeams.discovery ?? wsDiscovery,
    now: ctx.now,
  });
  registerVideoMetrics(ctx.services.metrics.registry, video);
  const demoMocks: OnvifMock[] = [];
  let detach: (() => void) | null = null;
  return {
    name: 'video',
    routes(app, registry) {
      videoRoutes(app, registry, video);
    },
    async start(s) {
      // Through the server's one upgrade router: an upgrade on a path no feature serves gets a 404, not a hang.
      detach = UpgradeRouter.of(s as Server).add('video live view', isLivePath, video.relay.onUpgrade);
      await startDemoMocks(config.demo, video, demoMocks);
      await video.start();
    },
    async stop() {
      detach?.();
      detach = null;
      await video.stop();
      await Promise.all(demoMocks.map((m) => m.close()));
    },
  };
};

/** `npm start`: in-process ONVIF mock cameras emitting garbage events (live view has no stream: it says so). */
async function startDemoMocks(demo: VideoConfig['demo'], video: VideoService, mocks: OnvifMock[]): Promise<void> {
  for (let i = 0; i < demo.mockCameras; i++) {
    const mock = await new OnvifMock({ rtspUrl: 'rtsp://127.0.0.1:9/no-demo-stream', ptz: i === 0 }).start();
    mocks.push(mock);
    const base = demo.position ?? { lon: 119.484, lat: 31.416 };
    video.registry.upsert(
      {
        id: `demo-cam-${i + 1}`,
        name: `演示摄像头 ${i + 1}`,
        onvif: { url: mock.url, preserveAddress: true },
        position: { lon: base.lon + i * 0.002, lat: base.lat + i * 0.001 },
        events: true,
      },
      'config',
    );
    const emit = () => mock.emit('tns1:RuleEngine/ObjectDetection/Garbage', { IsGarbage: 'true' });
    // The first report comes soon after start, so a newcomer sees a candidate without waiting the full period.
    const first = setTimeout(emit, Math.min(demo.eventEveryS * 1000, 20_000 + i * 5000));
    const timer = setInterval(emit, demo.eventEveryS * 1000);
    first.unref();
    timer.unref();
    const close = mock.close.bind(mock);
    mock.close = async () => {
      clearTimeout(first);
      clearInterval(timer);
      await close();
    };
  }
}
