import { readdirSync, readFileSync } from 'node:fs';
import WebSocket from 'ws';

export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  comm: string;
  cmdline: string;
}

/** Every process on the machine, read from /proc (no `ps` parsing). */
export function processes(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      if (fields[0] === 'Z') continue; // zombies are dead, only not yet reaped
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      out.push({ pid: Number(name), ppid: Number(fields[1]), pgid: Number(fields[2]), comm, cmdline });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** ffmpeg processes reading the given RTSP URL (each test's GStreamer server has its own port). */
export function ffmpegFor(rtspPort: number): ProcInfo[] {
  return processes().filter((p) => p.comm === 'ffmpeg' && p.cmdline.includes(`127.0.0.1:${rtspPort}/`));
}

/** Members of a process group still alive. */
export function groupMembers(pgid: number): ProcInfo[] {
  return processes().filter((p) => p.pgid === pgid);
}

/** A live-view client: collects text and binary messages. */
export class Viewer {
  readonly ws: WebSocket;
  readonly texts: Record<string, unknown>[] = [];
  readonly binaries: Buffer[] = [];
  bytes = 0;
  closed: { code: number } | null = null;
  readonly opened: Promise<void>;

  constructor(url: string, headers: Record<string, string>) {
    this.ws = new WebSocket(url, { headers });
    this.ws.on('message', (data, isBinary) => {
      if (isBinary) {
        const b = data as Buffer;
        this.bytes += b.length;
        if (this.binaries.length < 400) this.binaries.push(b);
      } else this.texts.push(JSON.parse(String(data)) as Record<string, unknown>);
    });
    this.ws.on('close', (code) => {
      this.closed = { code };
    });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      this.ws.once('error', reject);
    });
  }

  close(): void {
    this.ws.close();
  }
}
