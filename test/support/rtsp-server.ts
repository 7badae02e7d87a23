import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'rtsp-server.py');

export { freePort } from './ports.js';

export interface RtspServerOptions {
  fps?: number;
  gop?: number;
  width?: number;
  height?: number;
  bitrateK?: number;
  /** videotestsrc pattern; `snow` is incompressible (the stream runs at the full bitrate). */
  pattern?: string;
  /** Frames stamped with their capture time (see rtsp-server.py --stamp and `readStamp`). */
  stamp?: boolean;
}

/** The capture time (epoch ms) stamped into a decoded 8-bit grey frame by `rtsp-server.py --stamp`. */
export function readStamp(gray: Buffer, width: number): number {
  let t = 0;
  for (let i = 0; i < 48; i++) {
    const v = gray[6 * width + i * 12 + 6] ?? 0; // the middle of block i
    t = t * 2 + (v > 128 ? 1 : 0);
  }
  return t;
}

/**
 * The GStreamer RTSP test camera (`/usr/bin/python3 rtsp-server.py`, python3-gi + gst-rtsp-server) on a free port,
 * in its own process group; `stop()` kills the group. A missing GStreamer fails loudly (no skip).
 */
export class RtspServer {
  url = '';
  port = 0;
  private child: ChildProcess | null = null;

  constructor(private readonly opts: RtspServerOptions = {}) {}

  /** The URL of a mount that does not exist (DESCRIBE answers 404). */
  get missingUrl(): string {
    return `rtsp://127.0.0.1:${this.port}/no-such-stream`;
  }

  async start(): Promise<this> {
    let lastError = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      try {
        this.url = await this.launch(port);
        this.port = port;
        return this;
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
      }
    }
    throw new Error(`GStreamer RTSP server did not start: ${lastError}`);
  }

  private launch(port: number): Promise<string> {
    const o = this.opts;
    const args = [SCRIPT, '--port', String(port)];
    if (o.fps) args.push('--fps', String(o.fps));
    if (o.gop) args.push('--gop', String(o.gop));
    if (o.width) args.push('--width', String(o.width));
    if (o.height) args.push('--height', String(o.height));
    if (o.bitrateK) args.push('--bitrate', String(o.bitrateK));
    if (o.pattern) args.push('--pattern', o.pattern);
    if (o.stamp) args.push('--stamp');
    const child = spawn('/usr/bin/python3', args, { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    return new Promise((resolve, reject) => {
      let out = '';
      let err = '';
      const timer = setTimeout(() => {
        this.kill();
        reject(new Error(`no READY within 15 s; stderr: ${err.slice(-500)}`));
      }, 15_000);
      child.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
        const ready = /READY (\S+)/.exec(out);
        if (ready?.[1]) {
          clearTimeout(timer);
          resolve(ready[1]);
        } else if (out.includes('ERROR')) {
          clearTimeout(timer);
          this.kill();
          reject(new Error(out.trim()));
        }
      });
      child.stderr?.on('data', (c: Buffer) => {
        err = (err + c.toString()).slice(-4000);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`rtsp-server.py exited with ${code}: ${err.slice(-500)}`));
      });
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  private kill(): void {
    const pid = this.child?.pid;
    if (!pid) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    const timer = setTimeout(() => this.kill(), 3000);
    await exited;
    clearTimeout(timer);
    this.kill();
    this.child = null;
  }
}
