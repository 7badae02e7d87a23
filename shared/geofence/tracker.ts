import type { PreparedGeometry } from './geometry.js';
import type { CompiledSchedule } from './schedule.js';
import type { EngineOptions } from './schema.js';
import type { Alarm, AlarmType, Fix } from './types.js';

/** A validated fence in the form the engine tests it. */
export interface CompiledFence {
  readonly id: string;
  readonly geometry: PreparedGeometry;
  readonly schedule: CompiledSchedule;
  readonly groups: ReadonlySet<string>;
  readonly rules: {
    readonly enter: boolean;
    readonly exit: boolean;
    readonly cross: boolean;
    readonly speedLimitKmh: number | undefined;
    readonly offRoute: boolean;
    readonly raiseIntakeCandidate: boolean;
  };
}

/**
 * What the engine remembers for one device and one fence. A pair in the plain state (outside, nothing pending,
 * no episode open) is not stored at all, so a device costs memory only for the fences it is in or near.
 */
export interface FenceState {
  inside: boolean;
  /** Whether the current visit began with an observed entry (not the device's first fix): needed for `cross`. */
  entered: boolean;
  /** Start of the current visit (entry or first fix), NaN when outside. */
  visitStart: number;
  /** Consecutive fixes beyond the margin on the other side (counts toward confirmFixes). */
  pending: number;
  /** Consecutive fixes on the other side of the line, within the margin or not (counts toward settleFixes). */
  settling: number;
  /** Consecutive over-limit fixes and the time of the first of them (NaN when none). */
  overFixes: number;
  overSince: number;
  /** Start of the open overspeed episode, NaN when none. */
  overEpisode: number;
  /** Start of the open off-route episode, NaN when none. */
  offRouteSince: number;
}

export function newFenceState(): FenceState {
  return {
    inside: false,
    entered: false,
    visitStart: Number.NaN,
    pending: 0,
    settling: 0,
    overFixes: 0,
    overSince: Number.NaN,
    overEpisode: Number.NaN,
    offRouteSince: Number.NaN,
  };
}

export function isPlain(s: FenceState): boolean {
  return !s.inside && s.pending === 0 && s.settling === 0 && s.overFixes === 0 && Number.isNaN(s.offRouteSince);
}

/** Deterministic episode id: the same inputs replayed give the same string. */
export function episodeId(kind: string, fenceId: string, deviceKey: string, startTs: number): string {
  return `${kind}:${encodeURIComponent(fenceId)}:${encodeURIComponent(deviceKey)}:${startTs}`;
}

/** One step input: the fix, its signed distance to the fence (m, + inside) and whether the schedule is active. */
export interface Step {
  readonly fix: Fix;
  readonly distanceM: number;
  /** The device's first fix since it was (re)tracked: sets the state without enter/exit alarms. */
  readonly baseline: boolean;
  readonly active: boolean;
}

/**
 * Advances one (device, fence) pair by one fix and appends its alarms to `out`, in the order membership
 * (enter, exit, cross), overspeed, off-route. Membership is tracked even while the schedule is inactive, so the
 * state is right when the window opens; alarms are raised only while it is active.
 */
export function stepFence(o: EngineOptions, f: CompiledFence, s: FenceState, step: Step, out: Alarm[]): void {
  const { fix, distanceM: d, active } = step;
  const emit = (type: AlarmType, kind: string, start: number, extra?: Partial<Alarm>) =>
    out.push(alarm(type, fix, f.id, episodeId(kind, f.id, fix.deviceKey, start), extra));

  if (step.baseline) {
    s.inside = d >= 0;
    s.visitStart = s.inside ? fix.ts : Number.NaN;
  } else {
    const beyond = s.inside ? d < -o.exitMarginM : d > o.enterMarginM;
    const across = s.inside ? d < 0 : d >= 0;
    s.pending = beyond ? s.pending + 1 : 0;
    s.settling = across ? s.settling + 1 : 0;
    if (s.pending >= o.confirmFixes || (o.settleFixes > 0 && s.settling >= o.settleFixes)) {
      s.pending = 0;
      s.settling = 0;
      if (s.inside) {
        if (active && f.rules.exit) emit('exit', 'visit', s.visitStart);
        if (active && f.rules.cross && s.entered) emit('cross', 'visit', s.visitStart);
        s.inside = false;
        s.entered = false;
        s.visitStart = Number.NaN;
      } else {
        s.inside = true;
        s.entered = true;
        s.visitStart = fix.ts;
        if (active && f.rules.enter) emit('enter', 'visit', s.visitStart);
      }
    }
  }

  const limit = f.rules.speedLimitKmh;
  if (limit !== undefined) {
    const v = fix.speedKmh;
    if (!s.inside || !active) clearOverspeed(s);
    // A fix without a speed leaves the streak and any open episode as they are.
    else if (v !== undefined) {
      if (!Number.isNaN(s.overEpisode)) {
        if (v < limit - o.overspeed.clearBelowKmh) clearOverspeed(s);
      } else if (v > limit) {
        if (s.overFixes === 0) s.overSince = fix.ts;
        s.overFixes += 1;
        if (s.overFixes >= o.overspeed.minFixes || fix.ts - s.overSince >= o.overspeed.minSeconds * 1000) {
          s.overEpisode = s.overSince;
          emit('overspeed', 'overspeed', s.overEpisode);
        }
      } else clearOverspeed(s);
    }
  }

  if (f.rules.offRoute) {
    if (!active || s.inside) s.offRouteSince = Number.NaN;
    else if (Number.isNaN(s.offRouteSince)) {
      s.offRouteSince = fix.ts;
      emit('off_route', 'off_route', fix.ts, { raiseIntakeCandidate: f.rules.raiseIntakeCandidate });
    }
  }
}

function clearOverspeed(s: FenceState): void {
  s.overFixes = 0;
  s.overSince = Number.NaN;
  s.overEpisode = Number.NaN;
}

function alarm(type: AlarmType, fix: Fix, fenceId: string, id: string, extra?: Partial<Alarm>): Alarm {
  const base = { type, deviceKey: fix.deviceKey, fenceId, ts: fix.ts, lat: fix.lat, lon: fix.lon };
  const withSpeed = fix.speedKmh === undefined ? base : { ...base, speedKmh: fix.speedKmh };
  return { ...withSpeed, episodeId: id, ...extra };
}
