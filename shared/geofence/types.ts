/** One position report, already decoded to WGS-84 (DESIGN.md §5); `ts` is epoch milliseconds from the device. */
export interface Fix {
  /** The tracked device (vehicle tracker or collector handset), unique within the district. */
  readonly deviceKey: string;
  /** The vehicle group the device belongs to now, e.g. `muck-permit-0142`, `sanitation`, `collectors`. */
  readonly group: string;
  readonly ts: number;
  readonly lat: number;
  readonly lon: number;
  readonly speedKmh?: number | undefined;
}

export const alarmTypes = ['enter', 'exit', 'cross', 'overspeed', 'off_route', 'offline'] as const;
export type AlarmType = (typeof alarmTypes)[number];

/**
 * Something the caller should publish (`wanmi/v1/<district>/alarms/...`). `episodeId` is the same string however
 * often the same input is replayed: enter, exit and cross of one visit share it, as do all alarms of one episode.
 */
export interface Alarm {
  readonly type: AlarmType;
  readonly deviceKey: string;
  readonly fenceId?: string;
  /** The fix time; for `offline`, the tick time at which the silence was noticed. */
  readonly ts: number;
  /** The fix position; for `offline`, the last known one. */
  readonly lat?: number;
  readonly lon?: number;
  readonly speedKmh?: number;
  readonly episodeId: string;
  /** On `off_route` only: the fence asks the caller to create one intake candidate for this episode. */
  readonly raiseIntakeCandidate?: boolean;
}

/** Counters since the engine was built. */
export interface EngineStats {
  /** Devices currently tracked. */
  readonly devices: number;
  readonly processed: number;
  /** Fixes older than the device's last fix: ignored. */
  readonly outOfOrder: number;
  /** Fixes with the same ts as the device's last fix: ignored as repeats. */
  readonly duplicates: number;
  /** Fixes with a missing key or group, a non-finite time, or coordinates out of range: ignored. */
  readonly invalid: number;
  /** Devices dropped by tick() after forgetAfterSeconds of silence. */
  readonly forgotten: number;
}
