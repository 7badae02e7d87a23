import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fragment } from '../../edge/video/relay/fmp4.js';
import { Fmp4Splitter } from '../../edge/video/relay/fmp4.js';
import { EdgeHarness } from '../support/edge-harness.js';
import { OnvifMock } from '../support/onvif-mock.js';
import { RtspServer } from '../support/rtsp-server.js';
import { eventually, mockCamera, testVideoConfig } from '../support/video-config.js';
import { ffmpegFor, Viewer } from '../support/video-processes.js';

type Live = { mode: string; viewers: number; running: boolean; skipped: number; dropped: number };

const MAX_BUFFERED = 64 * 1024;
const LAG_DROP_MS = 6000;

/** The fragments a viewer received, parsed back (sync flag and decode time of each). */
function fragments(v: Viewer): Fragment[] {
  const out: Fragment[] = [];
  const splitter = new Fmp4Splitter({ init: () => {}, fragment: (f) => out.push(f) });
  for (const b of v.binaries) splitter.push(b);
  return out;
}

/** Gaps in decode time longer than `maxStep` (ticks): where the relay skipped the viewer ahead. */
function jumps(frags: Fragment[], maxStep: number): number[] {
  const at: number[] = [];
  for (let i = 1; i < frags.length; i++) {
    const step = (frags[i]?.decodeTime ?? 0) - (frags[i - 1]?.decodeTime ?? 0);
    if (step > maxStep) at.push(i);
  }
  return at;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('slow live viewers are skipped ahead or dropped, never buffered (real sockets)', () => {
  // An incompressible picture at 8 Mbit/s fills a stalled viewer's socket buffers (~4 MB on loopback) in seconds.
  const rtsp = new RtspServer({ fps: 25, gop: 25, pattern: 'snow', bitrateK: 8000 });
  let mock: OnvifMock;
  const h = new EdgeHarness();
  let wsBase = '';
  let cookie = '';

  const live = async (): Promise<Live[]> => {
    const op = await h.as('operator');
    return (await op.json<{ live: Live[] }>('GET', '/api/v1/cameras/cam-slow')).body.live;
  };
  const viewer = () => new Viewer(`${wsBase}/api/v1/cameras/cam-slow/live?mode=mse`, { cookie });

  beforeAll(async () => {
    await rtsp.start();
    mock = await new OnvifMock({ rtspUrl: rtsp.url }).start();
    await h.start({
      video: testVideoConfig([mockCamera('cam-slow', mock.url)], {
        relay: { idleStopMs: 500, maxBufferedBytes: MAX_BUFFERED, lagDropMs: LAG_DROP_MS },
      }),
    });
    wsBase = h.base.replace('http://', 'ws://');
    cookie = (await h.as('operator')).cookie;
    await eventually(async () => {
      const op = await h.as('operator');
      expect((await op.json<{ streamUri: string }>('GET', '/api/v1/cameras/cam-slow')).body.streamUri).toBe(rtsp.url);
    });
  });
  afterAll(async () => {
    await h.stop();
    await mock?.close();
    await rtsp.stop();
  });

  it('a viewer that stalls is skipped ahead and resumes at a keyframe; one that stops reading is dropped after the lag limit; the others never notice', async () => {
    const steady = viewer();
    const stalling = viewer();
    const dead = viewer();
    const all = [steady, stalling, dead];
    try {
      await Promise.all(all.map((v) => v.opened));
      await eventually(() => {
        for (const v of all) expect(fragments(v).length).toBeGreaterThan(5);
      }, 15_000);
      // It stops reading: the kernel's socket buffers fill (MBs on loopback), then the relay's backlog passes the cap
      // and it is skipped (the only paused viewer, so the session's skip count is its own).
      stalling.ws.pause();
      await eventually(async () => expect((await live())[0]?.skipped).toBeGreaterThan(0), 30_000, 100);
      await sleep(1000);
      dead.ws.pause(); // this one never reads again
      const stalledAt = Date.now();
      stalling.ws.resume(); // before the lag limit: it stays, and is skipped ahead
      const resumedAt = stalling.binaries.length;

      await eventually(async () => expect((await live())[0]).toMatchObject({ viewers: 2, dropped: 1 }), 45_000, 200);
      expect(Date.now() - stalledAt).toBeGreaterThanOrEqual(LAG_DROP_MS);
      expect(stalling.binaries.length).toBeGreaterThan(resumedAt + 10);
      expect(stalling.closed).toBeNull();
      expect(steady.closed).toBeNull();

      // Fragments are 100-250 ms (9000-22500 ticks at 90 kHz); a skip leaves a gap of seconds, and the fragment after
      // each gap is a keyframe (the browser's decoder continues there). The steady viewer has no gap.
      const got = fragments(stalling);
      const gaps = jumps(got, 60_000);
      expect(gaps.length).toBeGreaterThan(0);
      for (const i of gaps) expect(got[i]?.keyframe).toBe(true);
      expect(jumps(fragments(steady), 60_000)).toEqual([]);
      const before = steady.bytes;
      await eventually(() => expect(steady.bytes).toBeGreaterThan(before + 100_000), 5000);
    } finally {
      for (const v of all) v.ws.terminate();
    }
    await eventually(() => expect(ffmpegFor(rtsp.port)).toHaveLength(0), 10_000, 200);
  }, 120_000);
});
