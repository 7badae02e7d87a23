import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnvifMock } from '../support/onvif-mock.js';
import { RtspServer } from '../support/rtsp-server.js';
import { eventually, mockCamera, testVideoConfig } from '../support/video-config.js';
import { ffmpegFor, groupMembers, Viewer } from '../support/video-processes.js';

describe('ffmpeg never outlives the relay', () => {
  const rtsp = new RtspServer();
  let mock: OnvifMock;
  const dir = mkdtempSync(join(tmpdir(), 'wanmi-video-kill-'));
  let edge: ChildProcess | null = null;

  beforeAll(async () => {
    await rtsp.start();
    mock = await new OnvifMock({ rtspUrl: rtsp.url }).start();
  });
  afterAll(async () => {
    if (edge?.pid && edge.exitCode === null) edge.kill('SIGKILL');
    for (const p of ffmpegFor(rtsp.port)) process.kill(p.pid, 'SIGKILL');
    await mock?.close();
    await rtsp.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('SIGKILL of the edge process takes its ffmpeg (and the whole process group) down', async () => {
    const configFile = join(dir, 'video.json');
    writeFileSync(configFile, JSON.stringify(testVideoConfig([mockCamera('cam-k', mock.url)])));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/support/video-edge-process.ts', join(dir, 'data'), configFile],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    edge = child;
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-2000);
    });
    const [port, token] = await new Promise<[string, string]>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`edge did not start: ${stderr}`)), 60_000);
      child.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /READY (\d+) (\S+)/.exec(out);
        if (m?.[1] && m[2]) {
          clearTimeout(timer);
          resolve([m[1], m[2]]);
        }
      });
      child.once('exit', (code) => reject(new Error(`edge exited ${code}: ${stderr}`)));
    });
    const auth = { authorization: `Bearer ${token}` };
    await eventually(async () => {
      const r = await fetch(`http://127.0.0.1:${port}/api/v1/cameras/cam-k`, { headers: auth });
      expect(((await r.json()) as { streamUri: string }).streamUri).toBe(rtsp.url);
    }, 15_000);
    const viewers = [
      new Viewer(`ws://127.0.0.1:${port}/api/v1/cameras/cam-k/live?mode=mse`, auth),
      new Viewer(`ws://127.0.0.1:${port}/api/v1/cameras/cam-k/live?mode=jsmpeg`, auth),
    ];
    await Promise.all(viewers.map((v) => v.opened));
    await eventually(() => {
      for (const v of viewers) expect(v.bytes).toBeGreaterThan(10_000);
    }, 60_000); // generous: in CI the MPEG-1 transcode shares two cores with the crash test and Chromium
    const running = ffmpegFor(rtsp.port);
    expect(running).toHaveLength(2); // one per mode
    // Each ffmpeg sits in its own group (led by its watchdog shell), not in the edge's.
    const groups = [...new Set(running.map((p) => p.pgid))];
    expect(groups).toHaveLength(2);
    for (const g of groups) expect(g).not.toBe(child.pid);

    child.kill('SIGKILL');
    await eventually(
      () => {
        expect(ffmpegFor(rtsp.port)).toEqual([]);
        for (const g of groups) expect(groupMembers(g)).toEqual([]);
      },
      5000,
      100,
    );
  }, 120_000);

  it('the watchdog kills an ffmpeg that writes nothing (a stalled camera cannot rely on SIGPIPE)', async () => {
    const script = [
      "import { spawnFfmpeg } from './edge/video/relay/ffmpeg-process.ts';",
      "const p = spawnFfmpeg('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=64x64:rate=5', '-f', 'null', '-']);",
      "console.log('PGID ' + p.pgid);",
      'setInterval(() => {}, 1000);',
    ].join('\n');
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const pgid = await new Promise<number>((resolve, reject) => {
      let out = '';
      parent.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /PGID (\d+)/.exec(out);
        if (m?.[1]) resolve(Number(m[1]));
      });
      parent.once('exit', (code) => reject(new Error(`parent exited ${code}`)));
    });
    await eventually(() => expect(groupMembers(pgid).some((p) => p.comm === 'ffmpeg')).toBe(true), 10_000);
    parent.kill('SIGKILL');
    await eventually(() => expect(groupMembers(pgid)).toEqual([]), 5000, 100);
  });
});
