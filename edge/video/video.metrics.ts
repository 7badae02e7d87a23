import type { Registry } from 'prom-client';
import { Gauge } from 'prom-client';
import { cameraErrorKinds } from './camera-registry.js';
import type { VideoService } from './video.service.js';

/**
 * Camera health as Prometheus gauges in the edge's one registry (served at /metrics), read from the camera
 * registry when scraped.
 */
export function registerVideoMetrics(registry: Registry, video: VideoService): void {
  const cameras = () => video.registry.all();
  const seconds = (ms: number | null) => (ms === null ? 0 : ms / 1000);
  new Gauge({
    name: 'wanmi_camera_up',
    help: 'camera answered its last ONVIF request (1), did not (0), not tried yet (-1)',
    labelNames: ['camera'],
    registers: [registry],
    collect() {
      this.reset();
      for (const r of cameras())
        this.set({ camera: r.def.id }, r.health.reachable === null ? -1 : r.health.reachable ? 1 : 0);
    },
  });
  for (const [name, help, pick] of [
    ['wanmi_camera_last_event_timestamp_seconds', 'time of the camera’s last ONVIF event (0 = none)', 'lastEventAt'],
    [
      'wanmi_camera_last_frame_timestamp_seconds',
      'time of the last video frame relayed or grabbed (0 = none)',
      'lastFrameAt',
    ],
    [
      'wanmi_camera_last_contact_timestamp_seconds',
      'time of the last well-formed ONVIF answer (0 = none)',
      'lastContactAt',
    ],
  ] as const) {
    new Gauge({
      name,
      help,
      labelNames: ['camera'],
      registers: [registry],
      collect() {
        this.reset();
        for (const r of cameras()) this.set({ camera: r.def.id }, seconds(r.health[pick]));
      },
    });
  }
  new Gauge({
    name: 'wanmi_camera_errors',
    help: 'camera errors since start, by kind (timeout, connection, malformed, fault, http, auth, snapshot, stream, candidate)',
    labelNames: ['camera', 'kind'],
    registers: [registry],
    collect() {
      this.reset();
      for (const r of cameras())
        for (const kind of cameraErrorKinds) this.set({ camera: r.def.id, kind }, r.health.errors[kind]);
    },
  });
  new Gauge({
    name: 'wanmi_camera_events',
    help: 'camera events since start: received, matched a rule, raised a candidate, suppressed by cooldown',
    labelNames: ['camera', 'outcome'],
    registers: [registry],
    collect() {
      this.reset();
      for (const r of cameras())
        for (const [outcome, n] of Object.entries(r.health.events)) this.set({ camera: r.def.id, outcome }, n);
    },
  });
  new Gauge({
    name: 'wanmi_camera_subscription_active',
    help: 'the camera’s PullPoint subscription is live',
    labelNames: ['camera'],
    registers: [registry],
    collect() {
      this.reset();
      for (const r of cameras()) this.set({ camera: r.def.id }, r.health.subscription.active ? 1 : 0);
    },
  });
  new Gauge({
    name: 'wanmi_video_viewers',
    help: 'live-view WebSocket viewers by camera and mode',
    labelNames: ['camera', 'mode'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of video.relay.allStats()) this.set({ camera: s.cameraId, mode: s.stats.mode }, s.stats.viewers);
    },
  });
  new Gauge({
    name: 'wanmi_video_ffmpeg_processes',
    help: 'ffmpeg relay processes running',
    registers: [registry],
    collect() {
      this.set(video.relay.allStats().filter((s) => s.stats.running).length);
    },
  });
}
