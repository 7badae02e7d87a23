import type { CameraDefinitionInput } from '../../edge/video/camera.schema.js';
import { TEST_GRID } from './edge-harness.js';

/** A point inside TEST_GRID (the harness's one imported unit grid). */
export const IN_GRID = { lon: 119.485, lat: 31.42 };
export { TEST_GRID };

export const CAMERA_PASSWORD = 'cam-s3cret-Pa55';

export const garbageRule = {
  topic: 'tns1:RuleEngine/ObjectDetection/Garbage',
  when: { item: 'IsGarbage', value: 'true' },
  rule: 'garbage',
  category: '06010',
  description: '摄像头识别到暴露垃圾',
  cooldownS: 600,
};

/** A camera entry for the edge config pointing at an ONVIF mock, with credentials that must never leave. */
export function mockCamera(
  id: string,
  onvifUrl: string,
  extra: Partial<CameraDefinitionInput> = {},
): CameraDefinitionInput {
  return {
    id,
    name: `测试摄像头 ${id}`,
    onvif: { url: onvifUrl },
    credentials: { username: 'admin', password: CAMERA_PASSWORD },
    position: IN_GRID,
    ...extra,
  };
}

/** The `video` config section for tests: short timings so renewals, retries and idle stops happen in seconds. */
export function testVideoConfig(cameras: CameraDefinitionInput[], extra: Record<string, unknown> = {}) {
  return {
    enabled: true,
    cameras,
    rules: [garbageRule],
    onvif: {
      requestTimeoutMs: 1000,
      terminationS: 6,
      pullTimeoutS: 1,
      backoff: { initialMs: 100, maxMs: 1000 },
    },
    snapshot: { timeoutMs: 3000 },
    ...extra,
  };
}

/** Polls until the check passes (returns its value) or the time is up (throws with the last failure). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000, stepMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw last;
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
