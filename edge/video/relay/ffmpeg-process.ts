import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';

/**
 * Runs ffmpeg under a small /bin/sh watchdog in its own process group. Node has no prctl(PR_SET_PDEATHSIG), so
 * the watchdog reads our stdin pipe: when this process dies (even by SIGKILL) the pipe reaches EOF and the
 * watchdog kills ffmpeg. ffmpeg itself gets `-nostdin` and /dev/null; stopping kills the whole group.
 */
const WATCHDOG = [
  'exec 3<&0',
  '"$0" -nostdin "$@" </dev/null 3<&- &',
  'f=$!',
  '{ while read -r _ <&3; do :; done; kill -9 "$f" 2>/dev/null; } &',
  'w=$!',
  'exec 3<&-',
  'wait "$f"',
  's=$?',
  'kill "$w" 2>/dev/null',
  'exit "$s"',
].join('\n');

export interface FfmpegHandle {
  /** The watchdog shell's pid, which is also the process group id. */
  readonly pgid: number;
  readonly child: ChildProcessWithoutNullStreams;
  /** Resolves with the exit code (or null on a signal) once the group leader is gone. */
  readonly exited: Promise<number | null>;
  /** SIGTERM to the group, SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export function spawnFfmpeg(ffmpegPath: string, args: readonly string[]): FfmpegHandle {
  const child = spawn('/bin/sh', ['-c', WATCHDOG, ffmpegPath, ...args], {
    detached: true, // own process group: one kill(-pgid) reaches the shell, ffmpeg and the stdin reader
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const pgid = child.pid ?? -1;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  // A write error on the stdin pipe after the child died is expected; nothing to do.
  child.stdin.on('error', () => {});
  const signalGroup = (signal: NodeJS.Signals) => {
    if (pgid <= 0) return;
    try {
      process.kill(-pgid, signal);
    } catch {
      // ESRCH: the group is already gone
    }
  };
  return {
    pgid,
    child,
    exited,
    async stop(graceMs = 2000) {
      if (child.exitCode !== null || child.signalCode !== null) {
        signalGroup('SIGKILL'); // the leader is gone; make sure no member outlived it
        return;
      }
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      signalGroup('SIGKILL');
    },
  };
}

/** ffmpeg arguments for one live mode of one camera. */
export function ffmpegArgs(
  mode: 'mse' | 'jsmpeg',
  rtspUrl: string,
  o: { fragmentMs: number; jsmpegBitrateK: number },
): string[] {
  const input = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-fflags',
    'nobuffer',
    '-rtsp_transport',
    'tcp',
    // A camera that stops sending ends the process (exit, then the session retries with backoff).
    '-timeout',
    '10000000',
    '-i',
    rtspUrl,
    '-an',
  ];
  if (mode === 'mse')
    return [
      ...input,
      '-c:v',
      'copy',
      '-f',
      'mp4',
      '-movflags',
      'empty_moov+default_base_moof+frag_keyframe',
      '-frag_duration',
      String(o.fragmentMs * 1000),
      'pipe:1',
    ];
  return [
    ...input,
    '-c:v',
    'mpeg1video',
    '-b:v',
    `${o.jsmpegBitrateK}k`,
    '-bf',
    '0',
    '-g',
    '25',
    '-f',
    'mpegts',
    '-muxdelay',
    '0.001',
    'pipe:1',
  ];
}

/** Redacts userinfo from an RTSP URL for logs and health (credentials never leave the server). */
export function redactUrl(url: string): string {
  return url.replace(/^(\w+:\/\/)[^@/]*@/, '$1***@');
}
