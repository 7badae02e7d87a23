import type { CameraDefinition } from './camera.schema.js';
import type { OnvifDeviceInfo } from './onvif/onvif-device.js';
import { redactUrl } from './relay/ffmpeg-process.js';

/** Everything that can go wrong with a camera, each counted in its health and in /metrics. */
export const cameraErrorKinds = [
  'timeout',
  'connection',
  'malformed',
  'fault',
  'http',
  'auth',
  'snapshot',
  'stream',
  'candidate',
] as const;
export type CameraErrorKind = (typeof cameraErrorKinds)[number];

export interface CameraHealth {
  /** online: ONVIF answers; unreachable: it does not (or the stream fails); unknown: not tried yet. */
  state: 'unknown' | 'online' | 'unreachable' | 'degraded';
  reachable: boolean | null;
  lastContactAt: number | null;
  lastEventAt: number | null;
  lastFrameAt: number | null;
  lastSnapshotAt: number | null;
  lastError: { kind: CameraErrorKind; message: string; at: number } | null;
  errors: Record<CameraErrorKind, number>;
  events: { received: number; matched: number; candidates: number; suppressed: number };
  subscription: { active: boolean; expiresAt: number | null; created: number; renewals: number; clockJumps: number };
}

export interface CameraRecord {
  /** Server-side only: holds credentials. */
  def: CameraDefinition;
  source: 'file' | 'config' | 'discovery';
  grid: { gridCode: string; streetCode: string; communityCode: string } | null;
  onvif: OnvifDeviceInfo | null;
  health: CameraHealth;
}

const emptyErrors = () => Object.fromEntries(cameraErrorKinds.map((k) => [k, 0])) as Record<CameraErrorKind, number>;

function newHealth(): CameraHealth {
  return {
    state: 'unknown',
    reachable: null,
    lastContactAt: null,
    lastEventAt: null,
    lastFrameAt: null,
    lastSnapshotAt: null,
    lastError: null,
    errors: emptyErrors(),
    events: { received: 0, matched: 0, candidates: 0, suppressed: 0 },
    subscription: { active: false, expiresAt: null, created: 0, renewals: 0, clockJumps: 0 },
  };
}

/** The cameras this appliance knows, with their health; the only place camera state lives. */
export class CameraRegistry {
  private readonly cameras = new Map<string, CameraRecord>();

  constructor(
    private readonly deps: {
      now: () => number;
      locate: (lon: number, lat: number) => CameraRecord['grid'] | undefined;
      log: (level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown>) => void;
    },
  ) {}

  /** Adds or replaces a camera (a file entry wins over a discovered device with the same id). */
  upsert(def: CameraDefinition, source: CameraRecord['source']): CameraRecord {
    const existing = this.cameras.get(def.id);
    if (existing && existing.source !== 'discovery' && source === 'discovery') return existing;
    const record: CameraRecord = {
      def,
      source,
      grid: def.position ? (this.deps.locate(def.position.lon, def.position.lat) ?? null) : null,
      onvif: existing?.onvif ?? null,
      health: existing?.health ?? newHealth(),
    };
    this.cameras.set(def.id, record);
    return record;
  }

  get(id: string): CameraRecord | undefined {
    return this.cameras.get(id);
  }

  all(): CameraRecord[] {
    return [...this.cameras.values()].sort((a, b) => a.def.id.localeCompare(b.def.id));
  }

  /** Counts and logs an error and records it as the camera's last error; never throws. */
  error(id: string, kind: CameraErrorKind, message: string, fields: Record<string, unknown> = {}): void {
    const r = this.cameras.get(id);
    const text = redactUrl(message).slice(0, 300);
    this.deps.log('warn', 'camera error', { camera: id, kind, message: text, ...fields });
    if (!r) return;
    r.health.errors[kind] += 1;
    r.health.lastError = { kind, message: text, at: this.deps.now() };
    if (kind === 'timeout' || kind === 'connection') {
      r.health.reachable = false;
      r.health.state = 'unreachable';
    } else if (kind !== 'candidate' && r.health.state === 'online') r.health.state = 'degraded';
    else if (r.health.state === 'unknown') r.health.state = kind === 'stream' ? 'unreachable' : 'degraded';
  }

  /** The camera answered well-formed: it is reachable. */
  contact(id: string): void {
    const r = this.cameras.get(id);
    if (!r) return;
    r.health.reachable = true;
    r.health.lastContactAt = this.deps.now();
    // A camera that answers but recently sent garbage (faults, bad snapshots) stays degraded for a minute.
    const last = r.health.lastError;
    const recentBad =
      last && last.kind !== 'timeout' && last.kind !== 'connection' && this.deps.now() - last.at < 60_000;
    r.health.state = recentBad ? 'degraded' : 'online';
  }

  frame(id: string): void {
    const r = this.cameras.get(id);
    if (r) r.health.lastFrameAt = this.deps.now();
  }
}

/** The camera as the API shows it: no credentials, URIs without userinfo. */
export function publicCamera(r: CameraRecord, live: unknown[] = []): Record<string, unknown> {
  const streamUri = r.def.rtspUrl ?? r.onvif?.streamUri;
  const snapshotUri = r.def.snapshotUrl ?? r.onvif?.snapshotUri;
  return {
    id: r.def.id,
    name: r.def.name,
    source: r.source,
    position: r.def.position ?? null,
    grid: r.grid,
    onvif: r.def.onvif ? { url: redactUrl(r.def.onvif.url) } : null,
    hasCredentials: r.def.credentials !== undefined,
    profiles: r.onvif?.profiles ?? [],
    profileToken: r.onvif?.profileToken ?? r.def.profile ?? null,
    streamUri: streamUri ? redactUrl(streamUri) : null,
    snapshotUri: snapshotUri ? redactUrl(snapshotUri) : null,
    presets: r.onvif?.presets ?? [],
    events: r.def.events,
    health: r.health,
    live,
  };
}
