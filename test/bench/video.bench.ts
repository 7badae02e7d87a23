/**
 * Video bench: CPU of the live relay (the edge process and its ffmpeg) for 1, 10 and 50 viewers of one camera,
 * and glass-to-glass latency of the H.264 passthrough from capture times stamped into the frames, next to the same
 * measurement for ffmpeg decoding the camera directly (no relay) in the same run. The edge runs as its own process so the viewers' CPU
 * (here) is not counted as the relay's. Needs GStreamer (python3-gi) and ffmpeg.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OnvifMock } from '../support/onvif-mock.js';
import { RtspServer, readStamp } from '../support/rtsp-server.js';
import { mockCamera, testVideoConfig } from '../support/video-config.js';
import { ffmpegFor, Viewer } from '../support/video-processes.js';
import { cpuTicks, TICKS } from './measure.js';

const VIEWER_COUNTS = [1, 10, 50] as const;
const WARMUP_MS = 2000;
// CPU time in /proc counts in 10 ms ticks: at ~2 % of a core a 6 s window is ~12 ticks, so one tick moved the
// 50:1 ratio by ~8 %. 20 s windows bring that to ~2.5 % (VIDEO_BENCH_MEASURE_MS overrides).
const MEASURE_MS = Number(process.env.VIDEO_BENCH_MEASURE_MS ?? 20_000);
const CPU_FLAT_LIMIT = 1.2; // goal: 50 viewers cost at most 20 % more than one
const LATENCY_LIMIT_MS = 1000; // goal on loopback

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
}

const WIDTH = 640;
const HEIGHT = 360;

/**
 * Glass-to-glass samples (ms): decodes a stream with ffmpeg to grey frames and reads the capture time the GStreamer
 * camera stamped into each frame (`rtsp-server.py --stamp`), minus the time the decoded frame is in our hands.
 */
class StampReader {
  readonly samples: number[] = [];
  private readonly proc: ReturnType<typeof spawn>;
  private pending = Buffer.alloc(0);

  constructor(input: string[]) {
    this.proc = spawn('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-fflags',
      'nobuffer',
      '-flags',
      'low_delay',
      '-probesize',
      '32768',
      '-analyzeduration',
      '0',
      ...input,
      '-an',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'gray',
      'pipe:1',
    ]);
    this.proc.stdin?.on('error', () => {});
    this.proc.stdout?.on('data', (c: Buffer) => {
      this.pending = Buffer.concat([this.pending, c]);
      const size = WIDTH * HEIGHT;
      while (this.pending.length >= size) {
        const frame = this.pending.subarray(0, size);
        this.pending = this.pending.subarray(size);
        const stamp = readStamp(frame, WIDTH);
        const latency = Date.now() - stamp;
        if (latency >= 0 && latency < 60_000) this.samples.push(latency); // a misread stamp is not a sample
      }
    });
  }

  write(chunk: Buffer): void {
    this.proc.stdin?.write(chunk);
  }

  stop(): void {
    this.proc.kill('SIGKILL');
  }
}

async function startEdge(
  dir: string,
  videoConfig: unknown,
): Promise<{ child: ChildProcess; port: number; token: string }> {
  const file = join(dir, 'video.json');
  writeFileSync(file, JSON.stringify(videoConfig));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/support/video-edge-process.ts', join(dir, 'data'), file],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  child.stderr?.on('data', (c: Buffer) => {
    err = (err + c.toString()).slice(-2000);
  });
  const [port, token] = await new Promise<[number, string]>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`edge did not start: ${err}`)), 60_000);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /READY (\d+) (\S+)/.exec(out);
      if (m?.[1] && m[2]) {
        clearTimeout(timer);
        resolve([Number(m[1]), m[2]]);
      }
    });
    child.once('exit', (code) => reject(new Error(`edge exited ${code}: ${err}`)));
  });
  return { child, port, token };
}

/** The same measurement for ffmpeg decoding the camera's RTSP directly: what the relay adds is the difference. */
async function directLatency(rtspUrl: string): Promise<number[]> {
  const reader = new StampReader(['-rtsp_transport', 'tcp', '-i', rtspUrl]);
  await sleep(MEASURE_MS);
  reader.stop();
  return reader.samples.slice(10);
}

async function waitForStream(api: string, headers: Record<string, string>): Promise<void> {
  for (let i = 0; i < 150; i++) {
    const cam = (await (await fetch(api, { headers })).json()) as { streamUri: string | null };
    if (cam.streamUri) return;
    await sleep(100);
  }
  throw new Error(`${api}: no stream URI`);
}

export async function run(): Promise<Record<string, unknown>> {
  // CPU on a busy picture at a camera-like bitrate; latency on frames stamped with their capture time.
  const busy = await new RtspServer({ fps: 25, gop: 50, pattern: 'snow', bitrateK: 2000 }).start();
  const stamped = await new RtspServer({ fps: 25, gop: 25, stamp: true }).start();
  const mockBusy = await new OnvifMock({ rtspUrl: busy.url }).start();
  const mockStamped = await new OnvifMock({ rtspUrl: stamped.url }).start();
  const dir = mkdtempSync(join(tmpdir(), 'wanmi-video-bench-'));
  let edge: ChildProcess | null = null;
  const viewers: Viewer[] = [];
  let probe: StampReader | null = null;
  try {
    const started = await startEdge(
      dir,
      // No event subscriptions: the tests' 1 s PullPoint long-polls would add a constant, non-relay load to every
      // phase of the edge process and flatter the ratio.
      testVideoConfig(
        [
          mockCamera('cam-cpu', mockBusy.url, { events: false }),
          mockCamera('cam-stamp', mockStamped.url, { events: false }),
        ],
        { relay: { idleStopMs: 30_000 } },
      ),
    );
    edge = started.child;
    const headers = { authorization: `Bearer ${started.token}` };
    const base = `127.0.0.1:${started.port}/api/v1/cameras`;
    await waitForStream(`http://${base}/cam-cpu`, headers);
    await waitForStream(`http://${base}/cam-stamp`, headers);

    // Two rounds, the second in reverse order; per viewer count the lower CPU of the two is kept: on a machine
    // shared with other work, interference only ever adds CPU, so the minimum is the better estimate.
    const phases: {
      viewers: number;
      ffmpegProcesses: number;
      relayNode: number;
      relayNodeSys: number;
      ffmpeg: number;
      MBps: number;
    }[] = [];
    for (const n of [...VIEWER_COUNTS, ...[...VIEWER_COUNTS].reverse()]) {
      while (viewers.length < n) viewers.push(new Viewer(`ws://${base}/cam-cpu/live?mode=mse`, headers));
      while (viewers.length > n) viewers.pop()?.close();
      await Promise.all(viewers.map((v) => v.opened));
      await sleep(WARMUP_MS);
      const ffmpeg = ffmpegFor(busy.port);
      const pids = [started.child.pid ?? 0, ...ffmpeg.map((p) => p.pid)];
      const before = pids.map(cpuTicks);
      const bytesBefore = viewers.reduce((s, v) => s + v.bytes, 0);
      const t0 = performance.now();
      await sleep(MEASURE_MS);
      const seconds = (performance.now() - t0) / 1000;
      const after = pids.map(cpuTicks);
      const ticks = (i: number, k: 0 | 1) => (after[i]?.[k] ?? 0) - (before[i]?.[k] ?? 0);
      const pct = (i: number) => ((ticks(i, 0) + ticks(i, 1)) / TICKS / seconds) * 100;
      phases.push({
        viewers: n,
        ffmpegProcesses: ffmpeg.length,
        relayNode: pct(0),
        relayNodeSys: (ticks(0, 1) / TICKS / seconds) * 100,
        ffmpeg: pids.slice(1).reduce((s, _, i) => s + pct(i + 1), 0),
        MBps: (viewers.reduce((s, v) => s + v.bytes, 0) - bytesBefore) / seconds / 1e6,
      });
    }
    for (const v of viewers) v.close();
    viewers.length = 0;
    const best = (n: number) => {
      const runs = phases.filter((p) => p.viewers === n);
      const min = runs.reduce((a, b) => (a.relayNode + a.ffmpeg <= b.relayNode + b.ffmpeg ? a : b));
      return {
        viewers: n,
        ffmpegProcesses: Math.max(...runs.map((r) => r.ffmpegProcesses)),
        relayNodeCpuPercent: Number(min.relayNode.toFixed(1)),
        relayNodeKernelCpuPercent: Number(min.relayNodeSys.toFixed(1)),
        ffmpegCpuPercent: Number(min.ffmpeg.toFixed(1)),
        totalCpuPercent: Number((min.relayNode + min.ffmpeg).toFixed(1)),
        roundsTotalCpuPercent: runs.map((r) => Number((r.relayNode + r.ffmpeg).toFixed(1))),
        deliveredMBps: Number(min.MBps.toFixed(2)),
      };
    };
    const summary = VIEWER_COUNTS.map(best);
    const total = (n: number) => summary.find((p) => p.viewers === n)?.totalCpuPercent ?? Number.NaN;
    const node = (n: number) => summary.find((p) => p.viewers === n)?.relayNodeCpuPercent ?? Number.NaN;
    const ratio50 = total(50) / total(1);

    // One viewer of the stamped camera; its media (init segment, fragments) is decoded as a browser would.
    const reader = new StampReader(['-f', 'mp4', '-i', 'pipe:0']);
    probe = reader;
    const watcher = new Viewer(`ws://${base}/cam-stamp/live?mode=mse`, headers);
    watcher.ws.on('message', (data, isBinary) => {
      if (isBinary) reader.write(data as Buffer);
    });
    viewers.push(watcher);
    await watcher.opened;
    await sleep(WARMUP_MS + MEASURE_MS);
    watcher.close();
    reader.stop();
    const relaySamples = reader.samples.slice(25); // the first second carries the connection set-up
    const direct = await directLatency(stamped.url);
    const relayP50 = percentile(relaySamples, 50);
    const relayP95 = percentile(relaySamples, 95);
    const directP50 = percentile(direct, 50);
    return {
      cpu: {
        phases: summary,
        ratio10to1: Number((total(10) / total(1)).toFixed(2)),
        ratio50to1: Number(ratio50.toFixed(2)),
        relayNodeRatio50to1: Number((node(50) / node(1)).toFixed(2)),
        limit: CPU_FLAT_LIMIT,
        ratioToLimit: Number((ratio50 / CPU_FLAT_LIMIT).toFixed(2)),
        note: `CPU of the edge process plus its ffmpeg, from /proc over ${MEASURE_MS / 1000} s per phase, two rounds (lower kept), one 2 Mbit/s H.264 camera, no event subscriptions; ffmpeg copies, the relay frames each fragment once and writes it to every viewer; the viewers are another process`,
      },
      latency: {
        method:
          'capture time stamped into each frame by the GStreamer camera, read back after decoding what a WebSocket viewer received (ffmpeg, as a browser would decode): glass-to-glass on loopback, fragment duration (100 ms) included',
        samples: relaySamples.length,
        relayP50Ms: Math.round(relayP50),
        relayP95Ms: Math.round(relayP95),
        directRtspDecodeP50Ms: Math.round(directP50),
        relayAddsP50Ms: Math.round(relayP50 - directP50),
        limitMs: LATENCY_LIMIT_MS,
        ratioToLimit: Number((relayP95 / LATENCY_LIMIT_MS).toFixed(2)),
      },
    };
  } finally {
    probe?.stop();
    for (const v of viewers) v.ws.terminate();
    if (edge?.exitCode === null) edge.kill('SIGTERM');
    await sleep(500);
    if (edge?.exitCode === null) edge.kill('SIGKILL');
    await mockBusy.close();
    await mockStamped.close();
    await busy.stop();
    await stamped.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
