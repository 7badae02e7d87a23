import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EdgeHarness } from '../support/edge-harness.js';
import { OnvifMock } from '../support/onvif-mock.js';
import { freePort, RtspServer } from '../support/rtsp-server.js';
import { eventually, IN_GRID, mockCamera, testVideoConfig } from '../support/video-config.js';
import { Viewer } from '../support/video-processes.js';

type Health = {
  state: string;
  reachable: boolean | null;
  lastError: { kind: string; message: string } | null;
  errors: Record<string, number>;
  events: { received: number; candidates: number };
  subscription: { active: boolean; created: number };
};
type Live = { mode: string; starts: number; running: boolean; retryInMs: number | null };

describe('bad camera input is logged, counted and shown as health, never a crash', () => {
  const rtsp = new RtspServer();
  const nowhere = 'rtsp://127.0.0.1:9/x';
  const mocks = {
    malformed: new OnvifMock({ rtspUrl: nowhere }),
    fault: new OnvifMock({ rtspUrl: nowhere }),
    hang: new OnvifMock({ rtspUrl: nowhere }),
    flaky: new OnvifMock({ rtspUrl: nowhere, maxTerminationS: 5, pullHoldMaxMs: 300 }),
    // Its snapshot URI answers an HTML login page; its stream is real, so a frame stands in.
    badSnapshot: new OnvifMock({ rtspUrl: () => rtsp.url, pullHoldMaxMs: 300 }),
  };
  const h = new EdgeHarness();

  const camera = async (id: string) => {
    const op = await h.as('operator');
    const r = await op.json<{ health: Health; live: Live[] }>('GET', `/api/v1/cameras/${id}`);
    expect(r.status).toBe(200);
    return r.body;
  };

  beforeAll(async () => {
    await rtsp.start();
    for (const m of Object.values(mocks)) await m.start();
    mocks.malformed.mode = 'malformed';
    mocks.fault.mode = 'fault';
    mocks.hang.mode = 'hang';
    mocks.badSnapshot.snapshotMode = 'html';
    const closedPort = await freePort();
    await h.start({
      video: testVideoConfig(
        [
          mockCamera('cam-malformed', mocks.malformed.url),
          mockCamera('cam-fault', mocks.fault.url),
          mockCamera('cam-hang', mocks.hang.url),
          mockCamera('cam-flaky', mocks.flaky.url),
          mockCamera('cam-badsnap', mocks.badSnapshot.url),
          mockCamera('cam-refused', `http://127.0.0.1:${closedPort}/onvif/device_service`),
          { id: 'cam-404', name: '不存在的流', rtspUrl: rtsp.missingUrl, position: IN_GRID },
        ],
        { relay: { backoff: { initialMs: 300, maxMs: 2000 } } },
      ),
    });
  });
  afterAll(async () => {
    await h.stop();
    for (const m of Object.values(mocks)) await m.close();
    await rtsp.stop();
  });

  it('malformed SOAP, a SOAP fault, silence and a refused connection each show up as their kind of error', async () => {
    const expectations = [
      ['cam-malformed', 'malformed'],
      ['cam-fault', 'fault'],
      ['cam-hang', 'timeout'],
      ['cam-refused', 'connection'],
    ] as const;
    for (const [id, kind] of expectations) {
      const health = await eventually(async () => {
        const c = await camera(id);
        expect(c.health.errors[kind]).toBeGreaterThanOrEqual(1);
        return c.health;
      }, 15_000);
      expect(health.lastError?.kind, id).toBe(kind);
      expect(health.state, id).not.toBe('online');
    }
    expect((await camera('cam-hang')).health).toMatchObject({ state: 'unreachable', reachable: false });
    // Retried with backoff: the counters keep growing while the camera stays broken.
    const first = (await camera('cam-fault')).health.errors.fault ?? 0;
    await eventually(async () => expect((await camera('cam-fault')).health.errors.fault).toBeGreaterThan(first), 5000);
    const admin = await h.as('admin');
    const metrics = await (await admin.request('GET', '/metrics')).text();
    expect(metrics).toMatch(/wanmi_camera_errors\{camera="cam-hang",kind="timeout"\} [1-9]/);
    expect(metrics).toContain('wanmi_camera_up{camera="cam-hang"} 0');
  });

  it('a camera that starts answering garbage mid-subscription recovers when it behaves again', async () => {
    await eventually(async () => expect((await camera('cam-flaky')).health.subscription.active).toBe(true), 10_000);
    mocks.flaky.mode = 'malformed';
    await eventually(async () => expect((await camera('cam-flaky')).health.errors.malformed).toBeGreaterThan(0), 5000);
    mocks.flaky.mode = 'fault';
    await eventually(async () => expect((await camera('cam-flaky')).health.errors.fault).toBeGreaterThan(0), 5000);
    mocks.flaky.mode = 'ok';
    await eventually(async () => expect((await camera('cam-flaky')).health.subscription.active).toBe(true), 10_000);
    const received = (await camera('cam-flaky')).health.events.received;
    mocks.flaky.emit('tns1:VideoSource/MotionAlarm', { State: 'true' });
    await eventually(async () => expect((await camera('cam-flaky')).health.events.received).toBe(received + 1));
  });

  it('a snapshot that is not an image is counted; the candidate gets a frame grabbed from the stream', async () => {
    await eventually(async () => expect((await camera('cam-badsnap')).health.subscription.active).toBe(true), 10_000);
    mocks.badSnapshot.emit('tns1:RuleEngine/ObjectDetection/Garbage', { IsGarbage: 'true' });
    const op = await h.as('operator');
    const candidate = await eventually(async () => {
      const r = await op.json<{ candidates: { sourceId: string; photoSha256: string | null }[] }>(
        'GET',
        '/api/v1/candidates',
      );
      const found = r.body.candidates.find((c) => c.sourceId === 'cam-badsnap');
      expect(found).toBeDefined();
      return found;
    }, 15_000);
    expect(candidate?.photoSha256).toMatch(/^[0-9a-f]{64}$/);
    const health = (await camera('cam-badsnap')).health;
    expect(health.errors.snapshot).toBeGreaterThanOrEqual(1);
    expect(health.lastError?.message).toMatch(/not an image/);
    const snap = await op.request('GET', '/api/v1/cameras/cam-badsnap/snapshot');
    expect(snap.status).toBe(200);
    expect((await sharp(Buffer.from(await snap.arrayBuffer())).metadata()).format).toBe('jpeg');
  });

  it('an RTSP URL that answers 404 is reported to viewers and in health, and retried with backoff', async () => {
    const op = await h.as('operator');
    const v = new Viewer(`${h.base.replace('http', 'ws')}/api/v1/cameras/cam-404/live?mode=mse`, { cookie: op.cookie });
    await v.opened;
    await eventually(
      () => expect(v.texts.some((t) => t.type === 'status' && t.state === 'reconnecting')).toBe(true),
      10_000,
    );
    await eventually(async () => expect((await camera('cam-404')).live[0]?.starts).toBeGreaterThanOrEqual(3), 15_000);
    const health = (await camera('cam-404')).health;
    expect(health.errors.stream).toBeGreaterThanOrEqual(2);
    expect(health.lastError?.message).toMatch(/404/);
    expect(health.state).toBe('unreachable');
    v.close();
    const snap = await op.request('GET', '/api/v1/cameras/cam-404/snapshot');
    expect(snap.status).toBe(502);
    expect(await snap.json()).toMatchObject({ error: { code: 'bad_gateway' } });
  });
});
