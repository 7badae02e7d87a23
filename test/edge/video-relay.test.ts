import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EdgeHarness } from '../support/edge-harness.js';
import { OnvifMock } from '../support/onvif-mock.js';
import { RtspServer } from '../support/rtsp-server.js';
import { eventually, mockCamera, testVideoConfig } from '../support/video-config.js';
import { ffmpegFor, groupMembers, Viewer } from '../support/video-processes.js';

type Live = { mode: string; viewers: number; running: boolean; pgid: number | null };

describe('live view relay: one ffmpeg per camera, shared, on the api port with its auth', () => {
  const rtsp = new RtspServer({ fps: 25, gop: 25 });
  let mock: OnvifMock;
  const h = new EdgeHarness();
  let wsBase = '';
  let cookie = '';

  const live = async (): Promise<Live[]> => {
    const op = await h.as('operator');
    return (await op.json<{ live: Live[] }>('GET', '/api/v1/cameras/cam-live')).body.live;
  };
  const viewer = (mode = 'mse', headers: Record<string, string> = { cookie }) =>
    new Viewer(`${wsBase}/api/v1/cameras/cam-live/live?mode=${mode}`, headers);

  beforeAll(async () => {
    await rtsp.start();
    mock = await new OnvifMock({ rtspUrl: rtsp.url }).start();
    await h.start({
      video: testVideoConfig([mockCamera('cam-live', mock.url)], {
        relay: { idleStopMs: 1500, authRecheckS: 1 },
      }),
    });
    wsBase = h.base.replace('http://', 'ws://');
    cookie = (await h.as('operator')).cookie;
    await eventually(async () => {
      const op = await h.as('operator');
      expect((await op.json<{ streamUri: string }>('GET', '/api/v1/cameras/cam-live')).body.streamUri).toBe(rtsp.url);
    });
  });
  afterAll(async () => {
    await h.stop();
    await mock?.close();
    await rtsp.stop();
  });

  it('refuses sockets without login (401), without video.view (403) and for unknown cameras (404)', async () => {
    await expect(viewer('mse', {}).opened).rejects.toThrow('HTTP 401');
    const collector = await h.as('collector');
    await expect(viewer('mse', { cookie: collector.cookie }).opened).rejects.toThrow('HTTP 403');
    await expect(viewer('flv').opened).rejects.toThrow('HTTP 400');
    await expect(new Viewer(`${wsBase}/api/v1/cameras/nope/live`, { cookie }).opened).rejects.toThrow('HTTP 404');
    await expect(viewer('mse', { cookie, origin: 'http://evil.example' }).opened).rejects.toThrow('HTTP 403');
    const plain = await (await h.as('operator')).request('GET', '/api/v1/cameras/cam-live/live');
    expect(plain.status).toBe(426);
  });

  it('an upgrade on a path no WebSocket endpoint serves is answered 404 at once, not left hanging', async () => {
    for (const path of ['/api/v1/elsewhere', '/api/v1/cameras/cam-live/live/x', '/']) {
      const t0 = Date.now();
      await expect(new Viewer(`${wsBase}${path}`, { cookie }).opened).rejects.toThrow('HTTP 404');
      expect(Date.now() - t0).toBeLessThan(5000); // promptly; the room is for a loaded CI machine
    }
  });

  it('ten viewers share exactly one ffmpeg; each gets the init segment then fragments from a keyframe', async () => {
    const viewers = Array.from({ length: 10 }, () => viewer());
    await Promise.all(viewers.map((v) => v.opened));
    await eventually(() => {
      for (const v of viewers) expect(v.binaries.length).toBeGreaterThan(5);
    }, 15_000);
    expect(ffmpegFor(rtsp.port)).toHaveLength(1);
    const [session] = await live();
    expect(session).toMatchObject({ mode: 'mse', viewers: 10, running: true });
    for (const v of viewers) {
      expect(v.texts[0]).toMatchObject({ type: 'init', mime: expect.stringMatching(/^video\/mp4; codecs="avc1\./) });
      expect(v.binaries[0]?.subarray(4, 8).toString()).toBe('ftyp'); // the init segment
      expect(v.binaries[1]?.subarray(4, 8).toString()).toBe('moof'); // then fragments
    }
    // The process group the API reports holds the ffmpeg we counted.
    const pgid = session?.pgid ?? -1;
    expect(groupMembers(pgid).some((p) => p.comm === 'ffmpeg')).toBe(true);

    // A late joiner gets the cached init segment and starts at once.
    const late = viewer();
    await late.opened;
    await eventually(() => expect(late.binaries.length).toBeGreaterThan(1), 3000);
    expect(ffmpegFor(rtsp.port)).toHaveLength(1);

    const left = Date.now();
    for (const v of [...viewers, late]) v.close();
    // 9.5 s budget: eventually's last try may land a poll step after its deadline, still within the 10 s limit.
    await eventually(() => expect(ffmpegFor(rtsp.port)).toHaveLength(0), 9_500, 200);
    expect(Date.now() - left).toBeLessThan(10_000);
    expect(groupMembers(pgid)).toHaveLength(0);
    await eventually(async () => expect(await live()).toEqual([]), 3000);
  }, 60_000);

  it('the JSMpeg fallback sends MPEG-TS with MPEG-1 video from its own shared ffmpeg', async () => {
    const a = viewer('jsmpeg');
    const b = viewer('jsmpeg');
    await Promise.all([a.opened, b.opened]);
    await eventually(() => expect(b.bytes).toBeGreaterThan(50_000), 15_000);
    expect(ffmpegFor(rtsp.port)).toHaveLength(1);
    const first = a.binaries[0] ?? Buffer.alloc(0);
    expect(first.length % 188).toBe(0);
    expect(first[0]).toBe(0x47); // TS sync byte
    // MPEG-1 video sequence header (00 00 01 B3) appears in the stream.
    expect(Buffer.concat(a.binaries).includes(Buffer.from([0, 0, 1, 0xb3]))).toBe(true);
    a.close();
    b.close();
    await eventually(() => expect(ffmpegFor(rtsp.port)).toHaveLength(0), 10_000, 200);
  });

  it('logging out ends the live view', async () => {
    const op = await h.as('operator', { fresh: true });
    const v = viewer('mse', { cookie: op.cookie });
    await v.opened;
    await eventually(() => expect(v.binaries.length).toBeGreaterThan(1), 10_000);
    expect((await op.request('POST', '/api/v1/auth/logout')).status).toBeLessThan(300);
    await eventually(() => expect(v.closed?.code).toBe(4001), 5000);
    cookie = (await h.as('operator', { fresh: true })).cookie;
  });
});
