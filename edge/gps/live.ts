import type { DeviceKind } from './tracks.store.js';

/** The latest state of one device, as the console's map shows it. */
export interface LiveState {
  deviceId: number;
  deviceKey: string;
  kind: DeviceKind;
  name: string;
  group: string;
  ts: number;
  lat: number;
  lon: number;
  speedKmh?: number;
  headingDeg?: number;
  moving: boolean;
  receivedAt: number;
  /** Hub version at the last change (clients ask for changes since the version they saw). */
  v: number;
}

/**
 * Latest position per device for live subscribers (SSE). Aggregated, not queued: a client asks for what changed
 * since the version it last saw and gets one entry per device, so a client on a slow link receives the newest
 * state at its own pace and the hub's memory is bounded by the number of devices.
 */
export class LiveHub {
  private readonly states = new Map<number, LiveState>();
  private version = 0;
  private readonly waiters = new Set<() => void>();

  get current(): number {
    return this.version;
  }

  update(state: Omit<LiveState, 'v'>): void {
    this.version += 1;
    const s = state as LiveState;
    s.v = this.version;
    // The caller hands over a fresh object: keep it (no copy per fix).
    this.states.set(state.deviceId, s);
    if (this.waiters.size > 0) this.wake();
  }

  /**
   * The same as `update` with the device's fields and a fix, changing the device's stored state in place when it
   * has the same optional fields (readers get copies from changedSince, so none sees the change half made).
   */
  updateFix(
    device: { id: number; deviceKey: string; kind: DeviceKind; name: string; group: string },
    fix: { ts: number; lat: number; lon: number; speedKmh?: number | undefined; headingDeg?: number | undefined },
    moving: boolean,
    receivedAt: number,
  ): void {
    const s = this.states.get(device.id);
    if (
      s === undefined ||
      s.deviceKey !== device.deviceKey ||
      (s.speedKmh === undefined) !== (fix.speedKmh === undefined) ||
      (s.headingDeg === undefined) !== (fix.headingDeg === undefined)
    ) {
      const fresh: Omit<LiveState, 'v'> = {
        deviceId: device.id,
        deviceKey: device.deviceKey,
        kind: device.kind,
        name: device.name,
        group: device.group,
        ts: fix.ts,
        lat: fix.lat,
        lon: fix.lon,
        ...(fix.speedKmh === undefined ? {} : { speedKmh: fix.speedKmh }),
        ...(fix.headingDeg === undefined ? {} : { headingDeg: fix.headingDeg }),
        moving,
        receivedAt,
      };
      this.update(fresh);
      return;
    }
    s.kind = device.kind;
    s.name = device.name;
    s.group = device.group;
    s.ts = fix.ts;
    s.lat = fix.lat;
    s.lon = fix.lon;
    if (fix.speedKmh !== undefined) s.speedKmh = fix.speedKmh;
    if (fix.headingDeg !== undefined) s.headingDeg = fix.headingDeg;
    s.moving = moving;
    s.receivedAt = receivedAt;
    this.version += 1;
    s.v = this.version;
    if (this.waiters.size > 0) this.wake();
  }

  private wake(): void {
    const ws = [...this.waiters];
    this.waiters.clear();
    for (const w of ws) w();
  }

  remove(deviceId: number): void {
    this.states.delete(deviceId);
  }

  /** Devices changed after version `since` (all devices for 0), copied so later updates do not alter them. */
  changedSince(since: number, filter?: (s: LiveState) => boolean): LiveState[] {
    const out: LiveState[] = [];
    for (const s of this.states.values()) if (s.v > since && (!filter || filter(s))) out.push({ ...s });
    return out;
  }

  /** Resolves at the next update, or after `timeoutMs`, or when `signal` aborts. */
  nextChange(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  get size(): number {
    return this.states.size;
  }
}
