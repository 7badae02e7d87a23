import type { z } from 'zod';
import type { videoConfigSchema } from './video.config.js';

/**
 * The `video` section of `npm start`: two in-process ONVIF mock cameras (edge/video/onvif-mock.ts) that report
 * exposed garbage (暴露垃圾) every five minutes, so candidates with snapshots appear without any camera or system
 * service. They have no video stream: live view reports them unreachable (health `stream` errors) — a real
 * camera, or `test/support/rtsp-server.py`, is needed for pictures.
 */
export function demoVideoConfig(_dataDir: string): z.input<typeof videoConfigSchema> {
  return {
    enabled: true,
    demo: { mockCameras: 2, eventEveryS: 300 },
    rules: [
      {
        topic: 'RuleEngine/ObjectDetection/Garbage',
        when: { item: 'IsGarbage', value: 'true' },
        rule: 'garbage',
        category: '06010',
        description: '摄像头识别到暴露垃圾',
        cooldownS: 900,
      },
    ],
    relay: { backoff: { initialMs: 5000, maxMs: 300_000 } },
  };
}
