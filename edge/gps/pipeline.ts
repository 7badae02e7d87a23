import { haversineRaw } from '../../shared/geo/distance.js';
import type { PositionFix } from '../../shared/mqtt/index.js';
import type { Device } from './tracks.store.js';

/** One fix of an enrolled device on its way through the handlers. */
export interface PipelineItem {
  readonly device: Device;
  readonly fix: PositionFix;
  /** Edge clock at receipt (epoch ms). */
  readonly receivedAt: number;
  /** Older than a fix of the same device already passed on: kept for playback, skips geofence, motion and live. */
  late: boolean;
  /** Set by the motion handler. */
  moving: boolean;
}

export type Next = (item: PipelineItem) => void;

/**
 * A small step of the GPS pipeline. `handle` passes the item on with `next` (zero, one or several times: a reorder
 * buffer releases later). A handler that drops an item says why with `drop`, which counts it.
 */
export interface Handler {
  readonly name: string;
  handle(item: PipelineItem, next: Next, drop: (reason: string) => void): void;
  /** Called on a timer and at stop (`final`): release what is held. */
  flush?(now: number, next: Next, final: boolean): void;
  /** The device's state is no longer needed (disenrolled). */
  forget?(deviceId: number): void;
}

export interface HandlerStats {
  in: number;
  errors: number;
  dropped: Record<string, number>;
}

export type PipelineLog = (entry: Record<string, unknown>) => void;

/**
 * The ordered handlers (DESIGN.md §5). Per-device order is kept because the chain runs synchronously per item on
 * one thread. A handler that throws is counted and logged (at most once per second per handler) and the item goes
 * on to the next handler as if it had passed: a broken geofence must not stop positions being stored.
 */
export class Pipeline {
  private readonly steps: Next[];
  private readonly flushSteps: ((now: number, final: boolean) => void)[];
  readonly stats: Record<string, HandlerStats>;
  private readonly lastLog = new Map<string, number>();

  constructor(
    private readonly handlers: readonly Handler[],
    private readonly log: PipelineLog = () => {},
  ) {
    this.stats = Object.fromEntries(handlers.map((h) => [h.name, { in: 0, errors: 0, dropped: {} }]));
    const end: Next = () => {};
    this.steps = new Array<Next>(handlers.length + 1);
    this.steps[handlers.length] = end;
    for (let i = handlers.length - 1; i >= 0; i--) {
      const handler = handlers[i] as Handler;
      const stats = this.stats[handler.name] as HandlerStats;
      const after = this.steps[i + 1] as Next;
      const drop = (reason: string) => {
        stats.dropped[reason] = (stats.dropped[reason] ?? 0) + 1;
      };
      // One `next` per step, not per item: the step remembers what its handler passed on, so that an item whose
      // handler threw after passing it on is not passed twice.
      let passed: PipelineItem | undefined;
      const next: Next = (x) => {
        passed = x;
        after(x);
      };
      this.steps[i] = (item) => {
        stats.in += 1;
        passed = undefined;
        try {
          handler.handle(item, next, drop);
        } catch (error) {
          this.failed(handler.name, stats, error);
          if (passed !== item) after(item);
        }
      };
    }
    this.flushSteps = handlers.map((handler, i) => {
      const stats = this.stats[handler.name] as HandlerStats;
      const after = this.steps[i + 1] as Next;
      return (now, final) => {
        if (!handler.flush) return;
        try {
          handler.flush(now, after, final);
        } catch (error) {
          this.failed(handler.name, stats, error);
        }
      };
    });
  }

  push(item: PipelineItem): void {
    (this.steps[0] as Next)(item);
  }

  /** Releases held items in handler order (a reorder buffer's releases pass through the later handlers' flush). */
  flush(now: number, final = false): void {
    for (const step of this.flushSteps) step(now, final);
  }

  forget(deviceId: number): void {
    for (const h of this.handlers) h.forget?.(deviceId);
  }

  private failed(name: string, stats: HandlerStats, error: unknown): void {
    stats.errors += 1;
    const now = Date.now();
    if ((this.lastLog.get(name) ?? 0) + 1000 > now) return;
    this.lastLog.set(name, now);
    this.log({
      level: 'error',
      msg: 'gps handler failed',
      handler: name,
      errors: stats.errors,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

// ---- handlers -------------------------------------------------------------------------------------------------

export interface ValidateOptions {
  futureToleranceMs: number;
  /** Fixes older than this before receipt are refused (the retention horizon or the decoder's max age). */
  maxAgeMs: number;
}

/** Ranges and the time window again, at the pipeline's door: whatever fed it, nothing absurd goes further. */
export function validateHandler(o: ValidateOptions): Handler {
  return {
    name: 'validate',
    handle(item, next, drop) {
      const { fix, receivedAt } = item;
      if (!Number.isFinite(fix.lat) || !Number.isFinite(fix.lon) || Math.abs(fix.lat) > 90 || Math.abs(fix.lon) > 180)
        return drop('out_of_range');
      if (!Number.isFinite(fix.ts)) return drop('bad_time');
      if (fix.ts - receivedAt > o.futureToleranceMs) return drop('far_future');
      if (receivedAt - fix.ts > o.maxAgeMs) return drop('too_old');
      if (fix.speedKmh !== undefined && !(fix.speedKmh >= 0 && fix.speedKmh <= 300)) return drop('out_of_range');
      if (!item.device.enabled) return drop('disabled');
      next(item);
    },
  };
}

const RECENT = 16;

interface OrderState {
  /** Newest ts passed on. */
  lastTs: number;
  /** The last RECENT ts passed on (ring), to drop repeats of recent fixes that are not the newest. */
  recent: number[];
  /** Held fixes, sorted by ts (only with a reorder window). */
  held: PipelineItem[];
}

/**
 * De-duplicate and reorder per device. A repeat of a recently seen ts (QoS 1 redelivery, a retained OwnTracks fix
 * at subscribe) is dropped. With a window, fixes are held `windowMs` (by receipt) and released in ts order; a fix
 * that still arrives older than the newest released one is marked `late`.
 */
export function orderHandler(windowMs: number): Handler & { held(): number } {
  const devices = new Map<number, OrderState>();
  let heldCount = 0;
  const state = (id: number): OrderState => {
    let s = devices.get(id);
    if (!s) {
      s = { lastTs: Number.NEGATIVE_INFINITY, recent: [], held: [] };
      devices.set(id, s);
    }
    return s;
  };
  const release = (s: OrderState, item: PipelineItem, next: Next, drop: (r: string) => void) => {
    const ts = item.fix.ts;
    if (s.recent.includes(ts)) return drop('duplicate');
    s.recent.push(ts);
    if (s.recent.length > RECENT) s.recent.shift();
    if (ts < s.lastTs) item.late = true;
    else s.lastTs = ts;
    next(item);
  };
  const noDrop = () => {};
  return {
    name: 'order',
    handle(item, next, drop) {
      const s = state(item.device.id);
      if (windowMs === 0) return release(s, item, next, drop);
      const ts = item.fix.ts;
      if (s.recent.includes(ts) || s.held.some((h) => h.fix.ts === ts)) return drop('duplicate');
      let i = s.held.length;
      while (i > 0 && (s.held[i - 1] as PipelineItem).fix.ts > ts) i--;
      s.held.splice(i, 0, item);
      heldCount += 1;
    },
    flush(now, next, final) {
      if (heldCount === 0) return;
      for (const s of devices.values()) {
        if (s.held.length === 0) continue;
        // Release in ts order everything held long enough; a newer fix waiting keeps older ones from being late.
        const ready = final ? s.held.length : s.held.filter((h) => now - h.receivedAt >= windowMs).length;
        if (ready === 0) continue;
        const newestReady = s.held.reduce((m, h) => (now - h.receivedAt >= windowMs || final ? h.fix.ts : m), -1);
        const out: PipelineItem[] = [];
        const keep: PipelineItem[] = [];
        for (const h of s.held) (h.fix.ts <= newestReady || final ? out : keep).push(h);
        s.held = keep;
        heldCount -= out.length;
        for (const h of out) release(s, h, next, noDrop);
      }
    },
    forget(id) {
      const s = devices.get(id);
      if (s) heldCount -= s.held.length;
      devices.delete(id);
    },
    held: () => heldCount,
  };
}

export interface SanityOptions {
  maxSpeedKmh: number;
  jumpToleranceM: number;
}

/**
 * Speed/jump sanity: a fix whose distance from the device's previous accepted fix implies more than `maxSpeedKmh`
 * is a multipath jump and is dropped; the previous fix stays the reference, so one bad fix cannot drag the track.
 */
export function sanityHandler(o: SanityOptions): Handler {
  const last = new Map<number, { ts: number; lat: number; lon: number }>();
  return {
    name: 'sanity',
    handle(item, next, drop) {
      if (item.late) return next(item);
      const { fix } = item;
      const prev = last.get(item.device.id);
      if (prev) {
        const d = haversineRaw(prev.lon, prev.lat, fix.lon, fix.lat);
        const dt = (fix.ts - prev.ts) / 1000;
        if (d > o.jumpToleranceM && (dt <= 0 || (d / dt) * 3.6 > o.maxSpeedKmh)) return drop('jump');
      }
      if (prev) {
        prev.ts = fix.ts;
        prev.lat = fix.lat;
        prev.lon = fix.lon;
      } else last.set(item.device.id, { ts: fix.ts, lat: fix.lat, lon: fix.lon });
      next(item);
    },
    forget(id) {
      last.delete(id);
    },
  };
}

export interface MotionOptions {
  stopSpeedKmh: number;
  stopRadiusM: number;
}

export interface MotionState {
  moving: boolean;
  /** Since when the device has been within `stopRadiusM` of its anchor (epoch ms). */
  stoppedSince: number | undefined;
}

/**
 * Motion/stop: moving when the reported speed is at least `stopSpeedKmh` or the device left a `stopRadiusM`
 * circle around where it last moved; otherwise stopped since the anchor's time.
 */
export function motionHandler(o: MotionOptions): Handler & { state(id: number): MotionState | undefined } {
  const anchors = new Map<number, { ts: number; lat: number; lon: number; moving: boolean }>();
  return {
    name: 'motion',
    handle(item, next) {
      if (item.late) return next(item);
      const { fix } = item;
      const a = anchors.get(item.device.id);
      const fast = fix.speedKmh !== undefined && fix.speedKmh >= o.stopSpeedKmh;
      const away = a === undefined || haversineRaw(a.lon, a.lat, fix.lon, fix.lat) > o.stopRadiusM;
      const moving = fast || away;
      if (a === undefined) anchors.set(item.device.id, { ts: fix.ts, lat: fix.lat, lon: fix.lon, moving });
      else if (moving) {
        a.ts = fix.ts;
        a.lat = fix.lat;
        a.lon = fix.lon;
        a.moving = true;
      } else a.moving = false;
      item.moving = a === undefined ? fast : moving;
      next(item);
    },
    forget(id) {
      anchors.delete(id);
    },
    state(id) {
      const a = anchors.get(id);
      return a ? { moving: a.moving, stoppedSince: a.moving ? undefined : a.ts } : undefined;
    },
  };
}

/** Calls `fn` for every item that passed (persist, geofence and live handlers are built from this). */
export function tapHandler(name: string, fn: (item: PipelineItem) => void): Handler {
  return {
    name,
    handle(item, next) {
      fn(item);
      next(item);
    },
  };
}
