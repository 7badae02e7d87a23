import { isUtf8 } from 'node:buffer';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { Alarm, FenceInput, Fix } from '../../shared/geofence/index.js';
import { GeofenceEngine } from '../../shared/geofence/index.js';
import {
  type AlarmV1,
  createTopicDecoder,
  type DecodeFailureReason,
  formatTopic,
  type PositionFix,
  subscriptionsFor,
} from '../../shared/mqtt/index.js';
import type { CandidateSink } from '../intake/candidates.js';
import type { GpsConfig } from './gps.config.js';
import { LiveHub } from './live.js';
import { PersistWorker } from './persist-worker.js';
import {
  type Handler,
  motionHandler,
  orderHandler,
  Pipeline,
  type PipelineItem,
  sanityHandler,
  tapHandler,
  validateHandler,
} from './pipeline.js';
import { RetentionPruner } from './retention.js';
import {
  type Device,
  type DeviceInput,
  FLAG_LATE,
  FLAG_MOVING,
  type PositionRow,
  TracksStore,
} from './tracks.store.js';

// One definition of the candidate sink, in intake (re-exported for this feature's callers).
export type { CandidateSink } from '../intake/candidates.js';

export interface GpsServiceDeps {
  config: GpsConfig;
  /** 6-digit division code of the district (topics). */
  district: string;
  origin: string;
  dataDir: string;
  now: () => number;
  candidates?: CandidateSink | undefined;
  log?: (entry: Record<string, unknown>) => void;
}

export interface IngestCounters {
  received: number;
  /** Topic not in the device-to-edge topic map. */
  unknownTopic: number;
  /** Decoded, but the device is not enrolled. */
  unknownDevice: number;
  rejected: Partial<Record<DecodeFailureReason, number>>;
  fixes: number;
  offline: number;
  transitions: number;
  persisted: number;
  /** Rows the store already had (a repeat older than the order handler remembers, a redelivery after a restart). */
  persistIgnored: number;
  persistBatches: number;
  persistErrors: number;
  alarms: number;
  alarmPublishErrors: number;
  candidates: number;
  candidateErrors: number;
  connects: number;
  reconnects: number;
}

const defaultLog = (entry: Record<string, unknown>) => console.log(JSON.stringify(entry));

/**
 * The GPS feature's engine room: MQTT ingest (persistent session), decoders, the ordered pipeline, the geofence
 * engine, alarms (stored, published, intake candidates), the live hub, batched persistence and retention.
 */
export class GpsService {
  readonly store: TracksStore;
  readonly live = new LiveHub();
  readonly pipeline: Pipeline;
  readonly retention: RetentionPruner;
  readonly counters: IngestCounters = {
    received: 0,
    unknownTopic: 0,
    unknownDevice: 0,
    rejected: {},
    fixes: 0,
    offline: 0,
    transitions: 0,
    persisted: 0,
    persistIgnored: 0,
    persistBatches: 0,
    persistErrors: 0,
    alarms: 0,
    alarmPublishErrors: 0,
    candidates: 0,
    candidateErrors: 0,
    connects: 0,
    reconnects: 0,
  };
  candidates: CandidateSink | undefined;
  /** performance.now() of the first message received (the bench times a queued backlog from it). */
  firstMessageAt: number | undefined;
  private engine: GeofenceEngine;
  private extraFences: FenceInput[] = [];
  private readonly motion: ReturnType<typeof motionHandler>;
  private readonly order: ReturnType<typeof orderHandler>;
  private readonly byKey = new Map<string, Device>();
  private readonly byId = new Map<number, Device>();
  private readonly decode: ReturnType<typeof createTopicDecoder>;
  private readonly log: (entry: Record<string, unknown>) => void;
  private pending: PositionRow[] = [];
  private readonly writer: PersistWorker | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private timers: NodeJS.Timeout[] = [];
  private client: MqttClient | undefined;
  private lastRejectLog = 0;
  private brokerUrl: string | undefined;
  private readonly geofenceInput: { -readonly [K in keyof Fix]: Fix[K] } = {
    deviceKey: '',
    group: '',
    ts: 0,
    lat: 0,
    lon: 0,
    speedKmh: undefined,
  };

  constructor(private readonly deps: GpsServiceDeps) {
    const c = deps.config;
    this.log = deps.log ?? defaultLog;
    this.candidates = deps.candidates;
    this.store = new TracksStore(join(deps.dataDir, 'tracks.db'));
    if (c.persist.worker) {
      this.writer = new PersistWorker(
        join(deps.dataDir, 'tracks.db'),
        c.persist.batchSize,
        (r) => {
          if ('written' in r) {
            this.counters.persisted += r.written;
            this.counters.persistIgnored += r.rows - r.written;
            this.counters.persistBatches += 1;
          } else {
            this.counters.persistErrors += 1;
            this.log({ level: 'error', msg: 'gps persist failed', rows: r.rows, error: r.error });
          }
        },
        this.log,
      );
    }
    for (const d of this.store.devices()) this.remember(d);
    this.decode = createTopicDecoder({
      maxPayloadBytes: c.decode.maxPayloadBytes,
      futureToleranceMs: c.decode.futureToleranceMs,
      maxAgeMs: c.decode.maxAgeMs,
    });
    this.engine = new GeofenceEngine(c.geofence.fences, c.geofence.options);
    this.motion = motionHandler(c.pipeline);
    this.order = orderHandler(c.pipeline.reorderWindowMs);
    this.pipeline = new Pipeline(this.handlers(), this.log);
    this.retention = new RetentionPruner(this.writer ?? this.store, c.retention, deps.now, this.log);
  }

  /** The ordered handlers (DESIGN.md §5): validate → order → sanity → geofence → motion → persist → live. */
  private handlers(): Handler[] {
    const c = this.deps.config;
    return [
      validateHandler({
        futureToleranceMs: c.decode.futureToleranceMs,
        maxAgeMs: Math.min(c.decode.maxAgeMs, c.retention.days * 86_400_000),
      }),
      this.order,
      sanityHandler(c.pipeline),
      tapHandler('geofence', (item) => {
        if (item.late) return;
        const { fix, device } = item;
        // One scratch input for every fix: the engine copies what it keeps.
        const g = this.geofenceInput;
        g.deviceKey = device.deviceKey;
        g.group = device.group;
        g.ts = fix.ts;
        g.lat = fix.lat;
        g.lon = fix.lon;
        g.speedKmh = fix.speedKmh;
        const alarms = this.engine.process(g);
        for (let i = 0; i < alarms.length; i++) this.onAlarm(alarms[i] as Alarm, device);
      }),
      this.motion,
      tapHandler('persist', (item) => this.enqueue(item)),
      tapHandler('live', (item) => {
        if (!item.late) this.live.updateFix(item.device, item.fix, item.moving, item.receivedAt);
      }),
    ];
  }

  // ---- devices ------------------------------------------------------------------------------------------------

  private remember(d: Device): void {
    const old = this.byId.get(d.id);
    if (old && old.deviceKey !== d.deviceKey) this.byKey.delete(old.deviceKey);
    this.byKey.set(d.deviceKey, d);
    this.byId.set(d.id, d);
  }

  enrol(input: DeviceInput): { device: Device; created: boolean } {
    const before = this.byKey.get(input.deviceKey);
    const r = this.store.upsertDevice(input, this.deps.now());
    if (before && before.group !== r.device.group) this.engine.forget(before.deviceKey);
    if (!r.device.enabled) this.live.remove(r.device.id);
    this.remember(r.device);
    return r;
  }

  device(id: number): Device | undefined {
    return this.byId.get(id);
  }

  devices(): Device[] {
    return [...this.byId.values()].sort((a, b) => a.id - b.id);
  }

  /** Replaces the fences added at run time (the demo's), keeping the configured ones; rebuilds the engine. */
  setExtraFences(fences: FenceInput[]): void {
    this.extraFences = fences;
    this.engine = new GeofenceEngine(
      [...this.deps.config.geofence.fences, ...fences],
      this.deps.config.geofence.options,
    );
  }

  fences(): FenceInput[] {
    return [...this.deps.config.geofence.fences, ...this.extraFences];
  }

  // ---- ingest ---------------------------------------------------------------------------------------------------

  /** One MQTT message (also the entry for tests and the bench). Never throws. */
  ingest(topic: string, payload: Uint8Array | string, receivedAt = this.deps.now()): void {
    this.counters.received += 1;
    this.firstMessageAt ??= performance.now();
    // Valid UTF-8 (simdutf) decoded by Buffer is several times cheaper than the decoder's fatal TextDecoder; a
    // payload that is not UTF-8 goes to the decoder as bytes and is rejected there.
    // The string's UTF-8 size is the checked byte length: the decoder does not measure it again.
    const text =
      payload instanceof Buffer && payload.byteLength <= this.deps.config.decode.maxPayloadBytes && isUtf8(payload)
        ? payload.toString('utf8')
        : undefined;
    const decoded =
      text === undefined
        ? this.decode(topic, payload, receivedAt)
        : this.decode(topic, text, receivedAt, (payload as Buffer).byteLength);
    if (decoded === undefined) {
      this.counters.unknownTopic += 1;
      return;
    }
    const { result } = decoded;
    if (!result.ok) {
      this.counters.rejected[result.reason] = (this.counters.rejected[result.reason] ?? 0) + 1;
      if (receivedAt - this.lastRejectLog >= 10_000) {
        this.lastRejectLog = receivedAt;
        this.log({ level: 'warn', msg: 'gps payload rejected', topic, reason: result.reason, detail: result.detail });
      }
      return;
    }
    for (const m of result.messages) {
      const device = this.byKey.get(m.deviceKey);
      if (!device) {
        this.counters.unknownDevice += 1;
        continue;
      }
      if (m.kind === 'fix') {
        this.counters.fixes += 1;
        this.pipeline.push({ device, fix: m, receivedAt, late: false, moving: false });
      } else if (m.kind === 'offline') {
        this.counters.offline += 1;
        this.onAlarm(
          {
            type: 'offline',
            deviceKey: device.deviceKey,
            ts: m.ts,
            episodeId: `lwt:${encodeURIComponent(device.deviceKey)}:${m.connectedAt}`,
          },
          device,
        );
      } else {
        this.counters.transitions += 1;
      }
    }
  }

  private enqueue(item: PipelineItem): void {
    const f: PositionFix = item.fix;
    const flags = (item.late ? FLAG_LATE : 0) | (item.moving ? FLAG_MOVING : 0);
    if (this.writer) {
      // Straight into the writer's packed batch (no row object per fix).
      if (this.writer.addFix(item.device.id, f, flags, item.receivedAt)) this.flushPositions();
      else if (this.flushTimer === undefined) {
        this.flushTimer = setTimeout(() => this.flushPositions(), this.deps.config.persist.flushMs);
      }
      return;
    }
    const row: PositionRow = {
      deviceId: item.device.id,
      ts: f.ts,
      lat: f.lat,
      lon: f.lon,
      speed: f.speedKmh ?? null,
      heading: f.headingDeg ?? null,
      acc: f.accuracyM ?? null,
      flags,
      receivedAt: item.receivedAt,
    };
    this.pending.push(row);
    if (this.pending.length >= this.deps.config.persist.batchSize) this.flushPositions();
    else if (this.flushTimer === undefined) {
      this.flushTimer = setTimeout(() => this.flushPositions(), this.deps.config.persist.flushMs);
    }
  }

  /** Positions written and committed so far, after handing over what is pending (tests, bench, stop). */
  async drainPositions(): Promise<void> {
    this.flushPositions();
    await this.writer?.drain();
  }

  /** Writes pending positions in one transaction. On failure the batch is kept for the next attempt (bounded). */
  flushPositions(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.writer) {
      this.writer.flush();
      return;
    }
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    try {
      const written = this.store.insertPositions(rows);
      this.counters.persisted += written;
      this.counters.persistIgnored += rows.length - written;
      this.counters.persistBatches += 1;
    } catch (error) {
      this.counters.persistErrors += 1;
      this.log({ level: 'error', msg: 'gps persist failed', rows: rows.length, error: String(error) });
      // Keep at most ten batches' worth, so a full disk cannot eat the memory.
      if (this.pending.length + rows.length <= this.deps.config.persist.batchSize * 10) {
        this.pending = rows.concat(this.pending);
        this.flushTimer = setTimeout(() => this.flushPositions(), 1000);
      }
    }
  }

  // ---- alarms ---------------------------------------------------------------------------------------------------

  private onAlarm(a: Alarm, device: Device): void {
    const now = this.deps.now();
    const id = this.store.addAlarm({
      type: a.type,
      deviceId: device.id,
      fenceId: a.fenceId ?? null,
      ts: a.ts,
      lat: a.lat ?? null,
      lon: a.lon ?? null,
      speed: a.speedKmh ?? null,
      episodeId: a.episodeId,
      candidateId: null,
      createdAt: now,
    });
    if (id === undefined) return; // already stored for this episode (replay)
    this.counters.alarms += 1;
    this.publishAlarm(a);
    const c = this.deps.config.alarms;
    const wants = c.candidateTypes.includes(a.type) && (a.type !== 'off_route' || a.raiseIntakeCandidate === true);
    if (!wants || !this.candidates) return;
    const sink = this.candidates;
    const input = {
      source: 'gps' as const,
      sourceId: device.deviceKey,
      rule: a.fenceId ? `${a.type}:${a.fenceId}` : a.type,
      dedupeKey: a.episodeId,
      cooldownMs: c.candidateCooldownMs,
      observedAt: a.ts,
      ...(a.type === 'off_route' && c.offRouteCategory ? { category: c.offRouteCategory } : {}),
      description: describeAlarm(a, device),
      ...(a.lat !== undefined && a.lon !== undefined ? { position: { lon: a.lon, lat: a.lat } } : {}),
    };
    const failed = (error: unknown) => {
      this.counters.candidateErrors += 1;
      this.log({ level: 'error', msg: 'gps intake candidate failed', episodeId: a.episodeId, error: String(error) });
    };
    try {
      // The candidate service may be async (it stores a snapshot first); the stream does not wait for it.
      void Promise.resolve(sink.raise(input)).then((r) => {
        if (r.created) this.counters.candidates += 1;
        if (this.store.db.open) this.store.linkCandidate(id, r.id);
      }, failed);
    } catch (error) {
      failed(error);
    }
  }

  private publishAlarm(a: Alarm): void {
    const client = this.client;
    if (!client || !this.deps.config.broker.publishAlarms) return;
    const payload: AlarmV1 = {
      v: 1,
      type: a.type,
      deviceKey: a.deviceKey,
      ts: a.ts,
      episodeId: a.episodeId,
      ...(a.fenceId === undefined ? {} : { fenceId: a.fenceId }),
      ...(a.lat === undefined ? {} : { lat: a.lat }),
      ...(a.lon === undefined ? {} : { lon: a.lon }),
      ...(a.speedKmh === undefined ? {} : { speedKmh: Math.min(300, a.speedKmh) }),
      ...(a.raiseIntakeCandidate === undefined ? {} : { raiseIntakeCandidate: a.raiseIntakeCandidate }),
    };
    try {
      const topic = formatTopic('alarm', { district: this.deps.district, type: a.type });
      client.publish(topic, JSON.stringify(payload), { qos: 1 }, (error) => {
        if (error) this.counters.alarmPublishErrors += 1;
      });
    } catch {
      this.counters.alarmPublishErrors += 1;
    }
  }

  // ---- lifecycle ------------------------------------------------------------------------------------------------

  /** Connects to the broker (persistent session) and starts the timers. Resolves after the first connect. */
  async start(brokerUrl: string): Promise<void> {
    const c = this.deps.config;
    this.brokerUrl = brokerUrl;
    this.timers.push(setInterval(() => this.tick(), c.geofence.tickMs));
    if (c.pipeline.reorderWindowMs > 0) {
      this.timers.push(
        setInterval(() => this.pipeline.flush(this.deps.now()), Math.max(10, c.pipeline.reorderWindowMs / 2)),
      );
    }
    for (const t of this.timers) t.unref();
    this.retention.start();
    const connected = this.connect();
    // A broker that is down must not keep the appliance from starting: MQTT.js keeps retrying with backoff.
    let timer: NodeJS.Timeout | undefined;
    const waited = await Promise.race([
      connected.then(() => 'connected' as const),
      new Promise<'timeout'>((r) => {
        timer = setTimeout(() => r('timeout'), c.broker.connectWaitMs);
      }),
    ]).finally(() => clearTimeout(timer));
    if (waited === 'timeout') {
      this.log({ level: 'warn', msg: 'gps broker not reachable yet; retrying in the background', broker: brokerUrl });
      connected.catch(() => {});
    }
  }

  /** Resolves once the ingest is connected and subscribed (tests). */
  get ready(): Promise<void> {
    return this.readyPromise;
  }

  private readyPromise: Promise<void> = Promise.resolve();

  /** Offline detection; a fleet going silent at once (a broker outage) is stored in one transaction. */
  tick(): void {
    const alarms = this.engine.tick(this.deps.now());
    if (alarms.length === 0) return;
    this.store.db.transaction(() => {
      for (const a of alarms) {
        const device = this.byKey.get(a.deviceKey);
        if (device) this.onAlarm(a, device);
      }
    })();
  }

  private connect(): Promise<void> {
    const c = this.deps.config.broker;
    const statusTopic = formatTopic('status', { district: this.deps.district });
    const status = (state: 'online' | 'offline') =>
      JSON.stringify({ v: 1, origin: this.deps.origin, state, ts: this.deps.now() });
    const client = mqtt.connect(this.brokerUrl as string, {
      clientId: c.clientId,
      clean: false,
      protocolVersion: 4,
      keepalive: c.keepaliveSeconds,
      reconnectPeriod: c.reconnectMinMs,
      connectTimeout: 10_000,
      resubscribe: true,
      ...(c.username ? { username: c.username } : {}),
      ...(c.password ? { password: c.password } : {}),
      will: { topic: statusTopic, payload: Buffer.from(status('offline')), qos: 1, retain: true },
      // MQTT.js traces every packet through `debug` (several calls a message, measurable at 50,000 messages/s);
      // with DEBUG=mqttjs* it still does.
      ...(/mqttjs/.test(process.env.DEBUG ?? '') ? {} : { log: () => {} }),
    });
    this.client = client;
    client.on('message', (topic, payload) => this.ingest(topic, payload));
    // PUBACKs of one socket read go out in one write: MQTT.js corks the socket per packet and uncorks on the next
    // tick, before it handles the next packet, which costs a writev system call per message. An outer cork held
    // until setImmediate (after the packets of this read are handled) gathers them; acknowledgements are only ever
    // later, never earlier, than without it.
    let acksCorked = false;
    const gatherAcks = () => {
      const stream = client.stream as { cork?: () => void; uncork?: () => void } | undefined;
      if (acksCorked || !stream?.cork || !stream.uncork) return;
      acksCorked = true;
      stream.cork();
      setImmediate(() => {
        acksCorked = false;
        stream.uncork?.();
      });
    };
    // Backpressure: while the writer is far behind, hold the PUBACK (MQTT.js then reads no further packet), so the
    // backlog waits in the broker's queue for this session instead of in memory here.
    const writer = this.writer;
    const maxInflight = this.deps.config.persist.maxInflightBatches;
    client.handleMessage = (_packet, done) => {
      if (!writer || writer.inflightBatches <= maxInflight) {
        gatherAcks();
        done();
      } else void writer.drain().then(() => done());
    };
    client.on('reconnect', () => {
      this.counters.reconnects += 1;
      // Exponential backoff: MQTT.js reads reconnectPeriod each time it schedules the next attempt.
      client.options.reconnectPeriod = Math.min(
        c.reconnectMaxMs,
        (client.options.reconnectPeriod ?? c.reconnectMinMs) * 2,
      );
    });
    client.on('error', (error) => this.log({ level: 'warn', msg: 'gps mqtt error', error: error.message }));
    this.readyPromise = new Promise((resolve, reject) => {
      let first = true;
      client.on('connect', (connack) => {
        this.counters.connects += 1;
        client.options.reconnectPeriod = c.reconnectMinMs;
        client.publish(statusTopic, status('online'), { qos: 1, retain: true });
        if (!first) return;
        first = false;
        const subs = Object.fromEntries(subscriptionsFor(this.deps.district).map((s) => [s.filter, { qos: s.qos }]));
        client.subscribe(subs, (error, granted) => {
          const refused = granted?.filter((g) => g.qos === 128) ?? [];
          if (error || refused.length > 0) {
            this.log({ level: 'error', msg: 'gps subscribe refused', error: String(error ?? ''), refused });
            reject(error ?? new Error(`broker refused subscriptions ${refused.map((g) => g.topic).join(', ')}`));
            return;
          }
          this.log({
            level: 'info',
            msg: 'gps ingest connected',
            broker: this.brokerUrl,
            clientId: c.clientId,
            sessionPresent: connack.sessionPresent,
          });
          resolve();
        });
      });
    });
    return this.readyPromise;
  }

  /**
   * Clean stop: disconnect (unacknowledged QoS 1 messages stay with the broker for the same client id), release
   * held fixes, write pending positions, close tracks.db.
   */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.retention.stop();
    const client = this.client;
    this.client = undefined;
    if (client) {
      const statusTopic = formatTopic('status', { district: this.deps.district });
      const offline = JSON.stringify({ v: 1, origin: this.deps.origin, state: 'offline', ts: this.deps.now() });
      if (client.connected) {
        await new Promise<void>((r) => client.publish(statusTopic, offline, { qos: 1, retain: true }, () => r()));
      }
      await new Promise<void>((r) => client.end(false, {}, () => r()));
    }
    this.pipeline.flush(this.deps.now(), true);
    this.flushPositions();
    await this.writer?.close();
    this.store.close();
  }

  stats(): Record<string, unknown> {
    return {
      ingest: this.counters,
      handlers: this.pipeline.stats,
      geofence: this.engine.stats(),
      live: { devices: this.live.size, version: this.live.current },
      pendingPositions: this.writer ? this.writer.pendingRows : this.pending.length,
      persistInflightBatches: this.writer?.inflightBatches ?? 0,
      persistWriterRestarts: this.writer?.restarts ?? 0,
      held: this.order.held(),
      retention: { totalDeleted: this.retention.totalDeleted, lastRun: this.retention.lastRun },
      connected: this.client?.connected ?? false,
    };
  }
}

function describeAlarm(a: Alarm, d: Device): string {
  const what: Record<string, string> = {
    off_route: '偏离核准路线 (off the approved route)',
    overspeed: '超速 (overspeed)',
    enter: '驶入围栏 (entered a fence)',
    exit: '驶出围栏 (left a fence)',
    cross: '穿越围栏 (crossed a fence)',
    offline: '离线 (offline)',
  };
  const fence = a.fenceId ? ` · ${a.fenceId}` : '';
  return `${d.name} (${d.subjectId}): ${what[a.type] ?? a.type}${fence}`;
}
