import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import type { VideoConfig } from '../video.config.js';
import type { FfmpegHandle } from './ffmpeg-process.js';
import { ffmpegArgs, redactUrl, spawnFfmpeg } from './ffmpeg-process.js';
import type { Fragment, InitSegment } from './fmp4.js';
import { Fmp4Splitter } from './fmp4.js';
import { ViewerGate } from './viewer-gate.js';
import { binaryFrames } from './ws-frame.js';

export type LiveMode = 'mse' | 'jsmpeg';

interface Viewer {
  ws: WebSocket;
  /** The upgraded socket under `ws`: media goes straight to it as pre-framed WebSocket frames. */
  socket: Duplex;
  gate: ViewerGate;
}

/** Media chunks framed once for all viewers: whole binary frames back to back, and where each one starts. */
interface Batch {
  data: Buffer;
  offsets: number[];
  /** Index of the first chunk a decoder can start at (MSE keyframe; every chunk for JSMpeg), -1 if none. */
  keyIndex: number;
}

export interface SessionHooks {
  /** Media arrived from the camera (last frame time in health). */
  frame(): void;
  error(message: string): void;
  /** A fragment left for the viewers (bench and tests read timing from it). */
  fragment?(f: Fragment, timescale: number): void;
}

export interface SessionStats {
  mode: LiveMode;
  viewers: number;
  running: boolean;
  /** Process group of the running ffmpeg (its watchdog shell's pid). */
  pgid: number | null;
  /** When the running ffmpeg was spawned (epoch ms): the earliest its first frame can have been captured. */
  startedAt: number | null;
  starts: number;
  skipped: number;
  dropped: number;
  retryInMs: number | null;
}

const TS_PACKET = 188;

/**
 * One camera in one live mode: a single ffmpeg shared by every viewer, started with the first viewer, stopped
 * `idleStopMs` after the last one left, restarted with backoff while viewers wait for a dead camera. Viewers that
 * cannot keep up are skipped ahead (to the next keyframe for MSE) and dropped after `lagDropMs`; nothing is
 * queued per viewer beyond the socket's own buffer, which is capped by `maxBufferedBytes`.
 */
export class LiveSession {
  private readonly viewers = new Set<Viewer>();
  private proc: FfmpegHandle | null = null;
  private init: InitSegment | null = null;
  private gop: Fragment[] = [];
  private gopBytes = 0;
  private tsRest: Buffer = Buffer.alloc(0);
  /** Media read from ffmpeg in this event-loop turn, framed and sent once per turn (fewer, larger writes). */
  private pending: { payload: Buffer; keyframe: boolean }[] = [];
  private pendingTs: Buffer[] = [];
  private flushImmediate: NodeJS.Immediate | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryAt: number | null = null;
  private backoffMs: number;
  private stopped = false;
  private startedAt = 0;
  private readonly stats = { starts: 0, skipped: 0, dropped: 0 };

  constructor(
    private readonly deps: {
      cameraId: string;
      mode: LiveMode;
      /** The stream URL with credentials (server-side only); undefined while unknown. */
      rtspUrl: () => string | undefined;
      config: VideoConfig['relay'];
      hooks: SessionHooks;
      now: () => number;
      log: (level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown>) => void;
      /** Called when the session has neither viewers nor a process (the relay forgets it). */
      idle: () => void;
    },
  ) {
    this.backoffMs = deps.config.backoff.initialMs;
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  snapshot(): SessionStats {
    return {
      mode: this.deps.mode,
      viewers: this.viewers.size,
      running: this.proc !== null,
      pgid: this.proc?.pgid ?? null,
      startedAt: this.proc ? this.startedAt : null,
      ...this.stats,
      retryInMs: this.retryAt === null ? null : Math.max(0, this.retryAt - this.deps.now()),
    };
  }

  add(ws: WebSocket, socket: Duplex): void {
    const c = this.deps.config;
    const gate = new ViewerGate({
      maxBufferedBytes: c.maxBufferedBytes,
      lagDropMs: c.lagDropMs,
      keyframes: this.deps.mode === 'mse',
    });
    const viewer: Viewer = { ws, socket, gate };
    this.viewers.add(viewer);
    ws.on('close', () => this.remove(viewer));
    ws.on('error', () => this.remove(viewer));
    // Viewers only listen; anything they send is ignored (and never buffered).
    ws.on('message', () => {});
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
    if (this.deps.mode === 'mse' && this.init) {
      this.sendInit(viewer, this.init);
      // Late joiners start at the cached keyframe: playback begins at once instead of after a whole GOP.
      if (this.gop.length > 0) this.deliver(viewer, batchOf(this.gop), this.deps.now());
    }
    if (!this.proc && !this.retryTimer) this.spawn();
  }

  /** Ends the session now (feature stop): closes viewers, kills ffmpeg. */
  async close(): Promise<void> {
    this.stopped = true;
    for (const v of this.viewers) v.ws.close(1001, 'relay stopping');
    this.viewers.clear();
    this.clearTimers();
    this.cancelFlush();
    await this.kill();
  }

  private remove(viewer: Viewer): void {
    if (!this.viewers.delete(viewer)) return;
    if (this.viewers.size > 0 || this.stopped) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.viewers.size > 0) return;
      this.clearTimers();
      void this.kill().then(() => {
        if (this.viewers.size === 0) this.deps.idle();
      });
    }, this.deps.config.idleStopMs);
  }

  private scheduleFlush(): void {
    this.flushImmediate ??= setImmediate(this.flush);
  }

  private cancelFlush(): void {
    if (this.flushImmediate) clearImmediate(this.flushImmediate);
    this.flushImmediate = null;
    this.pending = [];
    this.pendingTs = [];
  }

  /** Frames what ffmpeg gave in this turn once, and writes that one Buffer to every viewer. */
  private readonly flush = (): void => {
    if (this.flushImmediate) clearImmediate(this.flushImmediate);
    this.flushImmediate = null;
    let batch: Batch | null = null;
    if (this.pending.length > 0) {
      batch = batchOf(this.pending.map((p) => ({ data: p.payload, keyframe: p.keyframe })));
      this.pending = [];
    } else if (this.pendingTs.length > 0) {
      // Whole 188-byte TS packets only, so a viewer never starts mid-packet.
      const data = Buffer.concat([this.tsRest, ...this.pendingTs]);
      this.pendingTs = [];
      const whole = data.length - (data.length % TS_PACKET);
      this.tsRest = Buffer.from(data.subarray(whole));
      if (whole > 0) batch = batchOf([{ data: data.subarray(0, whole), keyframe: true }]);
    }
    if (!batch) return;
    const now = this.deps.now();
    for (const v of this.viewers) this.deliver(v, batch, now);
  };

  private clearTimers(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.idleTimer = null;
    this.retryTimer = null;
    this.retryAt = null;
  }

  private async kill(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (p) await p.stop();
  }

  private spawn(): void {
    const url = this.deps.rtspUrl();
    if (!url) {
      this.deps.hooks.error('no stream URI known for this camera (ONVIF not connected yet)');
      this.scheduleRetry();
      return;
    }
    const c = this.deps.config;
    this.startedAt = Date.now();
    const proc = spawnFfmpeg(c.ffmpegPath, ffmpegArgs(this.deps.mode, url, c));
    this.proc = proc;
    this.stats.starts += 1;
    this.init = null;
    this.gop = [];
    this.gopBytes = 0;
    this.tsRest = Buffer.alloc(0);
    this.cancelFlush();
    let stderr = '';
    let healthy = false;
    const splitter =
      this.deps.mode === 'mse'
        ? new Fmp4Splitter({
            init: (segment) => {
              this.flush(); // fragments read before it belong before it
              this.init = segment;
              for (const v of this.viewers) this.sendInit(v, segment);
            },
            fragment: (f) => {
              if (!healthy) {
                healthy = true;
                this.backoffMs = c.backoff.initialMs;
              }
              this.deps.hooks.frame();
              this.cache(f);
              this.deps.hooks.fragment?.(f, this.init?.timescale ?? 90_000);
              this.pending.push({ payload: f.data, keyframe: f.keyframe });
              this.scheduleFlush();
            },
          })
        : null;
    proc.child.stdout.on('data', (chunk: Buffer) => {
      if (this.proc !== proc) return;
      if (splitter) {
        try {
          splitter.push(chunk);
        } catch (err) {
          this.deps.hooks.error(`bad fMP4 from ffmpeg: ${err instanceof Error ? err.message : String(err)}`);
          void proc.stop();
        }
        return;
      }
      if (!healthy) {
        healthy = true;
        this.backoffMs = c.backoff.initialMs;
      }
      this.deps.hooks.frame();
      this.pendingTs.push(chunk);
      this.scheduleFlush();
    });
    proc.child.stderr.on('data', (c2: Buffer) => {
      stderr = (stderr + c2.toString('utf8')).slice(-2000);
    });
    void proc.exited.then((code) => {
      if (this.proc !== proc) return; // stopped on purpose
      this.proc = null;
      const last = stderr.trim().split('\n').slice(-2).join(' | ');
      const message = `ffmpeg exited (${code}) for ${redactUrl(url)}: ${last || 'no output'}`;
      this.deps.hooks.error(message);
      this.deps.log('warn', 'live stream ended', { camera: this.deps.cameraId, mode: this.deps.mode, code });
      void proc.stop(0); // reap any member of the group that outlived the shell
      if (this.viewers.size > 0 && !this.stopped) this.scheduleRetry();
      else this.deps.idle();
    });
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer) return;
    const delay = Math.round(this.backoffMs * (0.75 + Math.random() * 0.5));
    this.backoffMs = Math.min(this.deps.config.backoff.maxMs, this.backoffMs * 2);
    this.retryAt = this.deps.now() + delay;
    for (const v of this.viewers) this.sendJson(v, { type: 'status', state: 'reconnecting', retryInMs: delay });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.retryAt = null;
      if (this.viewers.size > 0 && !this.stopped && !this.proc) this.spawn();
      else if (this.viewers.size === 0) this.deps.idle();
    }, delay);
  }

  private cache(f: Fragment): void {
    if (f.keyframe) {
      this.gop = [];
      this.gopBytes = 0;
    }
    if (this.gop.length === 0 && !f.keyframe) return;
    if (this.gopBytes + f.data.length > this.deps.config.gopCacheBytes) {
      this.gop = [];
      this.gopBytes = 0;
      return;
    }
    this.gop.push(f);
    this.gopBytes += f.data.length;
  }

  private sendJson(v: Viewer, msg: Record<string, unknown>): void {
    if (v.ws.readyState === WebSocket.OPEN) v.ws.send(JSON.stringify(msg));
  }

  private sendInit(v: Viewer, segment: InitSegment): void {
    const codec = segment.codec ?? 'avc1.42e01e';
    this.sendJson(v, { type: 'init', mime: `video/mp4; codecs="${codec}"`, codec });
    if (v.ws.readyState === WebSocket.OPEN) v.ws.send(segment.data);
    v.gate.reset();
  }

  private deliver(v: Viewer, batch: Batch, now: number): void {
    if (v.ws.readyState !== WebSocket.OPEN || v.socket.destroyed) return;
    // A viewer waiting for a keyframe that lies inside the batch gets the batch from that frame on.
    const from = v.gate.waitingForKeyframe && batch.keyIndex > 0 ? batch.keyIndex : 0;
    const decision = v.gate.decide(v.ws.bufferedAmount, batch.keyIndex === from, now);
    if (decision === 'send') {
      // The same pre-framed Buffer for every viewer: one write each, in order with ws's own (text) frames.
      v.socket.write(from === 0 ? batch.data : batch.data.subarray(batch.offsets[from]));
    } else if (decision === 'skip') this.stats.skipped += 1;
    else {
      this.stats.dropped += 1;
      this.deps.log('warn', 'slow viewer dropped', { camera: this.deps.cameraId, mode: this.deps.mode });
      // No close handshake: it would queue behind the full buffer.
      v.ws.terminate();
      this.remove(v);
    }
  }
}

function batchOf(chunks: readonly { data: Buffer; keyframe: boolean }[]): Batch {
  const { data, offsets } = binaryFrames(chunks.map((c) => c.data));
  return { data, offsets, keyIndex: chunks.findIndex((c) => c.keyframe) };
}
