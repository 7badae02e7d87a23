import Flatbush from 'flatbush';
import { isLat, isLon } from '../geo/check.js';
import { parseOrThrow } from '../validation.js';
import { prepareGeometry, searchBox, signedDistanceM } from './geometry.js';
import { compileSchedule, isActive } from './schedule.js';
import {
  type EngineOptions,
  type EngineOptionsInput,
  engineOptionsSchema,
  type FenceInput,
  fencesSchema,
} from './schema.js';
import { type CompiledFence, type FenceState, isPlain, newFenceState, stepFence } from './tracker.js';
import type { Alarm, EngineStats, Fix } from './types.js';

interface DeviceState {
  group: string;
  lastTs: number;
  lat: number;
  lon: number;
  /** An offline alarm was raised for the current silence. */
  offlineNoticed: boolean;
  /** Fence index → state, only for pairs not in the plain "outside, idle" state. */
  readonly fences: Map<number, FenceState>;
}

type Counters = { -readonly [K in keyof Omit<EngineStats, 'devices'>]: number };

/**
 * Geofence alarms from a stream of vehicle and handset fixes: enter / exit / cross, overspeed inside a fence,
 * off-route for corridors, and offline after silence. Pure and deterministic: no I/O, no timers, time comes from
 * the fixes and from tick(now). State lives in memory, per device; see the README for what that costs.
 */
export class GeofenceEngine {
  private readonly options: EngineOptions;
  private readonly fences: readonly CompiledFence[];
  /** Search box per fence (4 numbers each): outside it the fix is surely beyond every margin. */
  private readonly boxes: Float64Array;
  private readonly tree: Flatbush | undefined;
  /** Off-route corridors by group: tested on every fix, since being far away is exactly the alarm. */
  private readonly offRouteByGroup = new Map<string, number[]>();
  private readonly devices = new Map<string, DeviceState>();
  /** Distances beyond this are clamped: the engine only compares them with the margins. */
  private readonly capM: number;
  // Per-fix "already collected" marks, so a fence found several ways is stepped once.
  private readonly seen: Uint32Array;
  private mark = 0;
  private readonly counters: Counters = { processed: 0, outOfOrder: 0, duplicates: 0, invalid: 0, forgotten: 0 };

  /** Validates fences and options (a bad one throws a ValidationError naming `fences[i]…` or `options…`). */
  constructor(fences: readonly FenceInput[], options: EngineOptionsInput = {}) {
    this.options = parseOrThrow(engineOptionsSchema, options, 'options');
    const parsed = parseOrThrow(fencesSchema, fences, 'fences');
    const marginM = Math.max(this.options.enterMarginM, this.options.exitMarginM);
    this.capM = marginM + 1;
    this.fences = parsed.map((fence) => ({
      id: fence.id,
      geometry: prepareGeometry(fence),
      schedule: compileSchedule(fence.schedule),
      groups: new Set(fence.groups),
      rules: {
        enter: fence.rules.enter,
        exit: fence.rules.exit,
        cross: fence.rules.cross,
        speedLimitKmh: fence.rules.speedLimitKmh,
        offRoute: fence.kind === 'route' && fence.rules.offRoute,
        raiseIntakeCandidate: fence.kind === 'route' && fence.rules.raiseIntakeCandidate,
      },
    }));
    this.seen = new Uint32Array(this.fences.length);
    this.boxes = new Float64Array(this.fences.length * 4);
    this.fences.forEach((fence, i) => {
      this.boxes.set(searchBox(fence.geometry, marginM), i * 4);
      if (!fence.rules.offRoute) return;
      for (const group of fence.groups) {
        const list = this.offRouteByGroup.get(group) ?? [];
        list.push(i);
        this.offRouteByGroup.set(group, list);
      }
    });
    if (this.fences.length > 0) {
      const tree = new Flatbush(this.fences.length);
      for (let i = 0; i < this.fences.length; i++) {
        const b = this.boxes;
        tree.add(b[i * 4] ?? 0, b[i * 4 + 1] ?? 0, b[i * 4 + 2] ?? 0, b[i * 4 + 3] ?? 0);
      }
      tree.finish();
      this.tree = tree;
    }
  }

  /**
   * Feeds one fix and returns the alarms it raises, fences in definition order. A fix older than the device's
   * last one is ignored and counted (`outOfOrder`), so is a repeat of the same ts; an invalid fix is counted too.
   */
  process(input: Fix): Alarm[] {
    const fix = normalise(input, this.fix);
    if (fix === undefined) {
      this.counters.invalid += 1;
      return [];
    }
    let dev = this.devices.get(fix.deviceKey);
    const baseline = dev === undefined;
    if (dev === undefined) {
      dev = { group: fix.group, lastTs: fix.ts, lat: fix.lat, lon: fix.lon, offlineNoticed: false, fences: new Map() };
      this.devices.set(fix.deviceKey, dev);
    } else if (fix.ts < dev.lastTs) {
      this.counters.outOfOrder += 1;
      return [];
    } else if (fix.ts === dev.lastTs) {
      this.counters.duplicates += 1;
      return [];
    }
    dev.group = fix.group;
    dev.lastTs = fix.ts;
    dev.lat = fix.lat;
    dev.lon = fix.lon;
    dev.offlineNoticed = false;
    this.counters.processed += 1;

    const out: Alarm[] = [];
    const ids = this.relevantFences(dev, fix);
    for (let k = 0; k < ids.length; k++) {
      const i = ids[k] as number;
      const fence = this.fences[i];
      if (fence === undefined) continue;
      const state = dev.fences.get(i) ?? newFenceState();
      const distanceM = this.inBox(i, fix.lon, fix.lat)
        ? signedDistanceM(fence.geometry, fix.lon, fix.lat, this.capM)
        : Number.NEGATIVE_INFINITY;
      const active = isActive(fence.schedule, fix.ts, this.options.utcOffsetMinutes);
      stepFence(this.options, fence, state, { fix, distanceM, baseline, active }, out);
      if (isPlain(state)) dev.fences.delete(i);
      else dev.fences.set(i, state);
    }
    return out;
  }

  /**
   * Offline detection at `now` (epoch ms): one alarm per device silent longer than its group's threshold, once per
   * silence (the next processed fix clears it). Also forgets devices silent longer than forgetAfterSeconds.
   */
  tick(now: number): Alarm[] {
    const out: Alarm[] = [];
    if (!Number.isFinite(now)) return out;
    const forgetMs = this.options.forgetAfterSeconds * 1000;
    for (const [deviceKey, dev] of this.devices) {
      const silentMs = now - dev.lastTs;
      if (!dev.offlineNoticed && silentMs > this.offlineAfterMs(dev.group)) {
        dev.offlineNoticed = true;
        const episodeId = `offline:${encodeURIComponent(deviceKey)}:${dev.lastTs}`;
        out.push({ type: 'offline', deviceKey, ts: now, lat: dev.lat, lon: dev.lon, episodeId });
      }
      if (silentMs > forgetMs) {
        this.devices.delete(deviceKey);
        this.counters.forgotten += 1;
      }
    }
    return out;
  }

  /** Drops everything known about a device (decommissioned tracker); its next fix starts afresh. */
  forget(deviceKey: string): boolean {
    return this.devices.delete(deviceKey);
  }

  stats(): EngineStats {
    return { devices: this.devices.size, ...this.counters };
  }

  private offlineAfterMs(group: string): number {
    return (this.options.offline.byGroup[group] ?? this.options.offline.afterSeconds) * 1000;
  }

  private inBox(i: number, lon: number, lat: number): boolean {
    const b = this.boxes;
    const j = i * 4;
    return lon >= (b[j] ?? 0) && lat >= (b[j + 1] ?? 0) && lon <= (b[j + 2] ?? 0) && lat <= (b[j + 3] ?? 0);
  }

  /** Fences of the fix's group that are near it, off-route corridors, and fences the device has state for. */
  private relevantFences(dev: DeviceState, fix: Fix): number[] {
    if (this.mark === 0xffffffff) {
      this.seen.fill(0);
      this.mark = 0;
    }
    this.mark += 1;
    // No allocation per fix: the search visitor and `take` read the fix's group and fill one reused list (process
    // is not re-entered, and reads the list before the next fix).
    const ids = this.takeIds;
    ids.length = 0;
    this.takeGroup = fix.group;
    this.tree?.search(fix.lon, fix.lat, fix.lon, fix.lat, this.visitFence);
    const offRoute = this.offRouteByGroup.get(fix.group);
    if (offRoute !== undefined) for (const i of offRoute) this.take(i);
    if (dev.fences.size > 0) {
      for (const i of dev.fences.keys()) {
        // The device changed group: the old group's fences no longer apply, and are dropped silently.
        if (this.fences[i]?.groups.has(fix.group)) this.take(i);
        else dev.fences.delete(i);
      }
    }
    return ids.length > 1 ? ids.sort((a, b) => a - b) : ids;
  }

  private takeGroup = '';
  private readonly takeIds: number[] = [];
  /** The normalised input of the fix being processed (copied: the engine keeps no reference to it). */
  private readonly fix: { -readonly [K in keyof Fix]: Fix[K] } = {
    deviceKey: '',
    group: '',
    ts: 0,
    lat: 0,
    lon: 0,
    speedKmh: undefined,
  };

  private take(i: number): void {
    if (this.seen[i] === this.mark || !this.fences[i]?.groups.has(this.takeGroup)) return;
    this.seen[i] = this.mark;
    this.takeIds.push(i);
  }

  private readonly visitFence = (i: number): boolean => {
    this.take(i);
    return false;
  };
}

/**
 * The fix as the engine uses it, written into `into`, or undefined when unusable; a negative or non-finite speed
 * counts as absent.
 */
function normalise(fix: Fix, into: { -readonly [K in keyof Fix]: Fix[K] }): Fix | undefined {
  if (typeof fix !== 'object' || fix === null) return undefined;
  const { deviceKey, group, ts, lat, lon, speedKmh } = fix;
  if (typeof deviceKey !== 'string' || deviceKey === '' || typeof group !== 'string') return undefined;
  if (!Number.isFinite(ts) || !isLon(lon) || !isLat(lat)) return undefined;
  const speedOk = speedKmh === undefined || (Number.isFinite(speedKmh) && speedKmh >= 0);
  into.deviceKey = deviceKey;
  into.group = group;
  into.ts = ts;
  into.lat = lat;
  into.lon = lon;
  into.speedKmh = speedOk ? speedKmh : undefined;
  return into;
}
