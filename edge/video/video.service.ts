import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseOrThrow } from '../../shared/validation.js';
import type { AuthService } from '../auth/auth.service.js';
import { resolveEnv } from '../config/edge-config.js';
import { DomainError } from '../errors.js';
import type { CameraDefinition } from './camera.schema.js';
import { cameraDefinitionSchema, cameraFileSchema } from './camera.schema.js';
import type { CameraEventHandler, CandidateSink } from './camera-events.js';
import { CameraEventHandler as EventHandler } from './camera-events.js';
import type { CameraRecord } from './camera-registry.js';
import { CameraRegistry } from './camera-registry.js';
import type { CameraDiscovery } from './discovery.js';
import { discoveredId } from './discovery.js';
import { EventPuller } from './onvif/event-puller.js';
import { classify, connectOnvif, gotoPreset } from './onvif/onvif-device.js';
import { PullPointClient } from './onvif/pullpoint.js';
import type { Fragment } from './relay/fmp4.js';
import { LiveRelay } from './relay/live-relay.js';
import { fetchSnapshot, grabFrame } from './snapshot.js';
import type { VideoConfig } from './video.config.js';

export type Log = (level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown>) => void;

export const jsonLog: Log = (level, msg, fields) =>
  console.log(JSON.stringify({ level, area: 'video', msg, ...fields }));

export interface VideoDeps {
  config: VideoConfig;
  auth: AuthService;
  sink: CandidateSink;
  locate: (lon: number, lat: number) => CameraRecord['grid'] | undefined;
  discovery?: CameraDiscovery;
  now: () => number;
  log?: Log;
  /** Observes every fragment sent to MSE viewers (bench: latency from frame timestamps). */
  onFragment?: (cameraId: string, f: Fragment, timescale: number) => void;
  env?: NodeJS.ProcessEnv;
}

/** Loads and validates `firmware-config/cameras/*.json` files (`${ENV}` placeholders resolved). */
export function loadCameraFiles(files: readonly string[], env: NodeJS.ProcessEnv = process.env): CameraDefinition[] {
  return files.flatMap((file) => {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(resolve(file), 'utf8'));
    } catch (err) {
      throw new Error(`${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return parseOrThrow(cameraFileSchema, resolveEnv(raw, env, file), file).cameras;
  });
}

/**
 * The camera side of the appliance: registry, ONVIF connections (retried with backoff), PullPoint event pullers,
 * snapshots, and the live relay. Constructed idle; `start` connects, `stop` undoes everything.
 */
export class VideoService {
  readonly registry: CameraRegistry;
  readonly relay: LiveRelay;
  private readonly events: CameraEventHandler;
  private readonly log: Log;
  private readonly pullers = new Map<string, EventPuller>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly connecting = new Set<string>();
  private stopped = false;

  constructor(private readonly deps: VideoDeps) {
    this.log = deps.log ?? jsonLog;
    this.registry = new CameraRegistry({ now: deps.now, locate: deps.locate, log: this.log });
    this.events = new EventHandler({
      rules: deps.config.rules,
      registry: this.registry,
      sink: deps.sink,
      snapshot: (id) => this.snapshot(id).catch(() => undefined),
      now: deps.now,
      log: this.log,
    });
    this.relay = new LiveRelay({
      config: deps.config.relay,
      auth: deps.auth,
      rtspUrl: (id) => this.streamUrl(id),
      exists: (id) => this.registry.get(id) !== undefined,
      hooks: (id) => ({
        frame: () => this.registry.frame(id),
        error: (message) => this.registry.error(id, 'stream', message),
        fragment: (f, timescale) => deps.onFragment?.(id, f, timescale),
      }),
      now: Date.now, // lag and retry timing: real time
      log: this.log,
    });
  }

  async start(): Promise<void> {
    const c = this.deps.config;
    for (const def of loadCameraFiles(c.cameraFiles, this.deps.env)) this.registry.upsert(def, 'file');
    for (const def of c.cameras) this.registry.upsert(def, 'config');
    for (const r of this.registry.all()) this.connect(r.def.id, c.onvif.backoff.initialMs);
    if (c.discovery.enabled && this.deps.discovery) void this.discover();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.all([...this.pullers.values()].map((p) => p.stop()));
    this.pullers.clear();
    await this.relay.close();
  }

  /** One WS-Discovery round; new devices join the registry and connect. Also runs every `intervalS`. */
  async discover(): Promise<number> {
    const c = this.deps.config.discovery;
    let added = 0;
    try {
      const found = (await this.deps.discovery?.probe(c.timeoutMs)) ?? [];
      for (const d of found) {
        const known = this.registry.all().some((r) => r.def.onvif && sameHost(r.def.onvif.url, d.xaddr));
        if (known) continue;
        const parsed = cameraDefinitionSchema.safeParse({
          id: discoveredId(d.urn),
          name: d.name ?? `ONVIF ${new URL(d.xaddr).host}`,
          onvif: { url: d.xaddr },
          ...(c.credentials ? { credentials: c.credentials } : {}),
        });
        if (!parsed.success) {
          this.log('warn', 'discovered device ignored', { xaddr: d.xaddr, reason: parsed.error.issues[0]?.message });
          continue;
        }
        if (this.registry.get(parsed.data.id)) continue;
        this.registry.upsert(parsed.data, 'discovery');
        this.connect(parsed.data.id, this.deps.config.onvif.backoff.initialMs);
        added += 1;
      }
    } catch (err) {
      this.log('warn', 'discovery failed', { error: err instanceof Error ? err.message : String(err) });
    }
    if (!this.stopped) this.after(c.intervalS * 1000, () => void this.discover());
    return added;
  }

  /** The stream URL with credentials (server-side only). */
  streamUrl(id: string): string | undefined {
    const r = this.registry.get(id);
    const uri = r?.def.rtspUrl ?? r?.onvif?.streamUri;
    if (!r || !uri) return undefined;
    const creds = r.def.credentials;
    if (!creds) return uri;
    try {
      const u = new URL(uri);
      if (!u.username) {
        u.username = encodeURIComponent(creds.username);
        u.password = encodeURIComponent(creds.password);
      }
      return u.toString();
    } catch {
      return uri;
    }
  }

  /** A JPEG/PNG of the camera now: its snapshot URI, else a frame grabbed from the stream. Errors are counted. */
  async snapshot(id: string): Promise<Buffer | undefined> {
    const r = this.registry.get(id);
    if (!r) return undefined;
    const c = this.deps.config;
    const uri = r.def.snapshotUrl ?? r.onvif?.snapshotUri;
    if (uri) {
      try {
        const img = await fetchSnapshot(uri, r.def.credentials, c.snapshot);
        r.health.lastSnapshotAt = this.deps.now();
        return img;
      } catch (err) {
        this.registry.error(id, 'snapshot', err instanceof Error ? err.message : String(err));
      }
    }
    const stream = this.streamUrl(id);
    if (!stream) return undefined;
    try {
      const img = await grabFrame(c.relay.ffmpegPath, stream, c.snapshot.timeoutMs, c.snapshot.maxBytes);
      r.health.lastSnapshotAt = this.deps.now();
      r.health.lastFrameAt = this.deps.now();
      return img;
    } catch (err) {
      this.registry.error(id, 'stream', err instanceof Error ? err.message : String(err));
      return undefined;
    }
  }

  /** Moves a PTZ camera to one of the presets it reported (tokens are checked: they go into SOAP as they are). */
  async gotoPreset(id: string, token: string): Promise<void> {
    const r = this.registry.get(id);
    if (!r) throw new DomainError('not_found', `no camera ${id}`);
    if (!r.def.onvif || !r.onvif?.presets.some((p) => p.token === token))
      throw new DomainError('not_found', `camera ${id} has no preset ${token}`, 'token');
    try {
      await gotoPreset(
        {
          url: r.def.onvif.url,
          ...(r.def.credentials ?? {}),
          timeoutMs: this.deps.config.onvif.requestTimeoutMs,
          preserveAddress: r.def.onvif.preserveAddress,
          ...(r.onvif.profileToken ? { profile: r.onvif.profileToken } : {}),
          now: this.deps.now,
        },
        token,
      );
      this.registry.contact(id);
    } catch (err) {
      const e = classify(err);
      this.registry.error(id, e.kind, `PTZ GotoPreset: ${e.message}`);
      throw new DomainError('unavailable', `camera ${id} did not move: ${e.kind}`);
    }
  }

  private after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, ms);
    this.timers.add(t);
  }

  /** Connects to the camera's ONVIF services; on failure retries with doubling backoff (capped). */
  private connect(id: string, delayMs: number): void {
    const r = this.registry.get(id);
    if (!r?.def.onvif || this.connecting.has(id) || this.stopped) return;
    this.connecting.add(id);
    const c = this.deps.config.onvif;
    const onvif = r.def.onvif;
    void connectOnvif({
      url: onvif.url,
      ...(r.def.credentials ?? {}),
      timeoutMs: c.requestTimeoutMs,
      preserveAddress: onvif.preserveAddress,
      ...(r.def.profile ? { profile: r.def.profile } : {}),
      now: this.deps.now,
    })
      .then((info) => {
        this.connecting.delete(id);
        if (this.stopped) return;
        r.onvif = info;
        this.registry.contact(id);
        this.log('info', 'camera connected', { camera: id, profiles: info.profiles.length, events: !!info.eventsUrl });
        if (r.def.events && info.eventsUrl && this.deps.config.rules.length > 0)
          this.startPuller(r, info.eventsUrl, info.clockOffsetMs);
      })
      .catch((err: unknown) => {
        this.connecting.delete(id);
        if (this.stopped) return;
        const e = classify(err);
        this.registry.error(id, e.kind, `ONVIF connect: ${e.message}`);
        const next = Math.min(c.backoff.maxMs, delayMs * 2);
        this.after(delayMs * (0.75 + Math.random() * 0.5), () => this.connect(id, next));
      });
  }

  private startPuller(r: CameraRecord, eventsUrl: string, clockOffsetMs: number): void {
    const id = r.def.id;
    if (this.pullers.has(id)) return;
    const onvifUrl = r.def.onvif ? new URL(r.def.onvif.url) : null;
    const preserve = r.def.onvif?.preserveAddress ?? false;
    const puller = new EventPuller({
      eventsUrl,
      config: this.deps.config.onvif,
      // Subscription timing follows the real clock; business time (ctx.now) may be held still by tests.
      now: Date.now,
      client: (signal) =>
        new PullPointClient({
          timeoutMs: this.deps.config.onvif.requestTimeoutMs,
          ...(r.def.credentials ? { auth: r.def.credentials } : {}),
          cameraNow: () => Date.now() + clockOffsetMs,
          signal,
          ...(preserve && onvifUrl
            ? {
                rewrite: (address: string) => {
                  const u = new URL(address);
                  u.host = onvifUrl.host;
                  u.protocol = onvifUrl.protocol;
                  return u.toString();
                },
              }
            : {}),
        }),
      hooks: {
        events: (events) => this.events.handle(id, events),
        error: (err) => this.registry.error(id, err.kind, `events: ${err.message}`),
        handlingFailed: (message) => this.registry.error(id, 'candidate', `events: ${message}`),
        contact: () => this.registry.contact(id),
        subscription: (s) => {
          const sub = r.health.subscription;
          sub.active = s.active;
          sub.expiresAt = s.expiresAt;
          if (s.created) sub.created += 1;
          if (s.renewed) sub.renewals += 1;
          if (s.clockJump) sub.clockJumps += 1;
        },
      },
    });
    this.pullers.set(id, puller);
    puller.start();
  }
}

function sameHost(a: string, b: string): boolean {
  try {
    return new URL(a).host === new URL(b).host;
  } catch {
    return false;
  }
}
