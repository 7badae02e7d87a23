import { Cam } from 'onvif';
import { OnvifError } from './soap.js';

/** What connecting to an ONVIF device yields; stored server-side with the camera. */
export interface OnvifDeviceInfo {
  profiles: { token: string; name: string; encoding?: string; width?: number; height?: number; fps?: number }[];
  /** The profile streamed (configured, else the first H.264 one, else the device default). */
  profileToken: string | undefined;
  streamUri: string | undefined;
  snapshotUri: string | undefined;
  eventsUrl: string | undefined;
  presets: { token: string; name: string }[];
  /** Camera clock minus ours, from GetSystemDateAndTime (WS-Security needs the camera's time). */
  clockOffsetMs: number;
  manufacturer?: string;
  model?: string;
}

export interface ConnectOptions {
  url: string;
  username?: string;
  password?: string;
  timeoutMs: number;
  preserveAddress: boolean;
  profile?: string;
  now: () => number;
}

/** Classifies the `onvif` package's plain Errors into our kinds, so health counters say what went wrong. */
export function classify(err: unknown): OnvifError {
  if (err instanceof OnvifError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string } | null)?.code;
  if (/timeout/i.test(message) || code === 'ETIMEDOUT') return new OnvifError('timeout', message);
  if (/SOAP Fault/i.test(message)) return new OnvifError('fault', message.slice(0, 300));
  if (/authentication|401|NotAuthorized/i.test(message)) return new OnvifError('auth', message);
  if (code && /^E[A-Z]+$/.test(code)) return new OnvifError('connection', message);
  return new OnvifError('malformed', message.slice(0, 300));
}

/**
 * Calls one callback method of the `onvif` Cam as a promise with our own deadline. The package may call a callback
 * twice (an exception in its own parsing re-enters it with the error) or never (a socket that never answers):
 * only the first outcome counts, and the deadline always ends the wait.
 */
function call<T>(timeoutMs: number, run: (cb: (err: unknown, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => finish(new OnvifError('timeout', `no answer within ${timeoutMs} ms`)), timeoutMs);
    function finish(err: unknown, value?: T) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) reject(classify(err));
      else resolve(value as T);
    }
    try {
      run(finish);
    } catch (err) {
      finish(err);
    }
  });
}

/** Connects with the `onvif` package (device, media, PTZ services) and reads what the relay and events need. */
export async function connectOnvif(o: ConnectOptions): Promise<OnvifDeviceInfo> {
  const u = new URL(o.url);
  const cam = new Cam({
    hostname: u.hostname,
    port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)),
    path: u.pathname,
    useSecure: u.protocol === 'https:',
    timeout: o.timeoutMs,
    autoconnect: false,
    preserveAddress: o.preserveAddress,
    ...(o.username ? { username: o.username, password: o.password ?? '' } : {}),
  });
  // The package emits 'warning' on partial media support; an EventEmitter 'error' without listener would throw.
  cam.on('warning', () => {});
  cam.on('error', () => {});
  await call<void>(o.timeoutMs * 3, (cb) => cam.connect((err) => cb(err)));
  const profiles = (cam.profiles ?? []).map((p) => {
    const enc = p.videoEncoderConfiguration as
      | {
          encoding?: string;
          resolution?: { width?: number; height?: number };
          rateControl?: { frameRateLimit?: number };
        }
      | undefined;
    return {
      token: String((p.$ as { token?: string } | undefined)?.token ?? p.token ?? ''),
      name: String(p.name ?? ''),
      ...(enc?.encoding ? { encoding: String(enc.encoding) } : {}),
      ...(typeof enc?.resolution?.width === 'number' ? { width: enc.resolution.width } : {}),
      ...(typeof enc?.resolution?.height === 'number' ? { height: enc.resolution.height } : {}),
      ...(typeof enc?.rateControl?.frameRateLimit === 'number' ? { fps: enc.rateControl.frameRateLimit } : {}),
    };
  });
  const profileToken =
    o.profile ??
    profiles.find((p) => p.encoding?.toUpperCase() === 'H264')?.token ??
    cam.activeSource?.profileToken ??
    profiles[0]?.token;
  const opts = profileToken ? { profileToken } : {};
  const stream = await call<{ uri?: string }>(o.timeoutMs, (cb) =>
    cam.getStreamUri({ protocol: 'RTSP', ...opts }, (err, v) => cb(err, v)),
  );
  const snapshot = await call<{ uri?: string }>(o.timeoutMs, (cb) =>
    cam.getSnapshotUri(opts, (err, v) => cb(err, v)),
  ).catch(() => undefined); // snapshots are optional: a frame from the stream stands in
  let presets: { token: string; name: string }[] = [];
  if (cam.uri?.ptz && profileToken) {
    presets = await call<Record<string, unknown>>(o.timeoutMs, (cb) => cam.getPresets(opts, (err, v) => cb(err, v)))
      .then(() =>
        Object.entries(cam.presets ?? {}).map(([token, p]) => ({
          token,
          name: String((p as unknown as { name?: string }).name ?? token),
        })),
      )
      .catch(() => []);
  }
  const eventsUrl = cam.uri?.events?.href;
  const info: OnvifDeviceInfo = {
    profiles,
    profileToken,
    streamUri: typeof stream?.uri === 'string' ? stream.uri : undefined,
    snapshotUri: typeof snapshot?.uri === 'string' ? snapshot.uri : undefined,
    eventsUrl: typeof eventsUrl === 'string' ? eventsUrl : undefined,
    presets,
    // timeShift is camera time minus process uptime; convert to an offset against our wall clock.
    clockOffsetMs: typeof cam.timeShift === 'number' ? cam.timeShift + process.uptime() * 1000 - Date.now() : 0,
  };
  return info;
}

/** Moves a PTZ camera to a preset (ONVIF PTZ GotoPreset). */
export async function gotoPreset(o: ConnectOptions, preset: string): Promise<void> {
  const u = new URL(o.url);
  const cam = new Cam({
    hostname: u.hostname,
    port: Number(u.port || 80),
    path: u.pathname,
    timeout: o.timeoutMs,
    autoconnect: false,
    preserveAddress: o.preserveAddress,
    ...(o.username ? { username: o.username, password: o.password ?? '' } : {}),
  });
  cam.on('warning', () => {});
  await call<void>(o.timeoutMs * 3, (cb) => cam.connect((err) => cb(err)));
  const profileToken = o.profile ?? cam.activeSource?.profileToken;
  await call<unknown>(o.timeoutMs, (cb) =>
    cam.gotoPreset({ preset, ...(profileToken ? { profileToken } : {}) }, (err, v) => cb(err, v)),
  );
}
