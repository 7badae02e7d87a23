import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EdgeHarness, TEST_GRID } from '../support/edge-harness.js';
import { OnvifMock } from '../support/onvif-mock.js';
import { CAMERA_PASSWORD, eventually, mockCamera, testVideoConfig } from '../support/video-config.js';

type Camera = {
  id: string;
  grid: { gridCode: string } | null;
  profiles: unknown[];
  presets: { name: string }[];
  streamUri: string | null;
  snapshotUri: string | null;
  health: {
    state: string;
    reachable: boolean | null;
    lastEventAt: number | null;
    errors: Record<string, number>;
    events: { received: number; candidates: number; suppressed: number };
    subscription: { active: boolean; created: number; renewals: number; clockJumps: number };
  };
};
type Candidate = {
  id: string;
  sourceId: string;
  rule: string;
  photoSha256: string | null;
  categoryCode: string | null;
};

const GARBAGE = 'tns1:RuleEngine/ObjectDetection/Garbage';

describe('ONVIF cameras: registry, PullPoint events → intake candidates', () => {
  const h = new EdgeHarness();
  // The mock grants at most 3 s subscriptions: renewals happen within the test.
  const mock = new OnvifMock({
    rtspUrl: 'rtsp://127.0.0.1:9/unused',
    ptz: true,
    maxTerminationS: 3,
    pullHoldMaxMs: 300,
  });

  const camera = async (): Promise<Camera> => {
    const op = await h.as('operator');
    const r = await op.json<Camera>('GET', '/api/v1/cameras/cam-1');
    expect(r.status).toBe(200);
    return r.body;
  };
  const candidates = async (): Promise<Candidate[]> => {
    const op = await h.as('operator');
    const r = await op.json<{ candidates?: Candidate[]; items?: Candidate[] }>('GET', '/api/v1/candidates');
    expect(r.status).toBe(200);
    return (r.body.candidates ?? r.body.items ?? []).filter((c) => c.sourceId === 'cam-1');
  };

  beforeAll(async () => {
    await mock.start();
    await h.start({ video: testVideoConfig([mockCamera('cam-1', mock.url)]) });
    await eventually(async () => expect((await camera()).health.subscription.active).toBe(true));
  });
  afterAll(async () => {
    await h.stop();
    await mock.close();
  });

  it('lists the camera with its grid, profiles, URIs and PTZ presets, and never its credentials', async () => {
    const op = await h.as('operator');
    const res = await op.request('GET', '/api/v1/cameras');
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).not.toContain(CAMERA_PASSWORD);
    const cam = (JSON.parse(text) as { cameras: Camera[] }).cameras.find((c) => c.id === 'cam-1');
    expect(cam?.grid?.gridCode).toBe(TEST_GRID.code);
    expect(cam?.profiles.length).toBe(1);
    expect(cam?.streamUri).toBe('rtsp://127.0.0.1:9/unused');
    expect(cam?.snapshotUri).toBe(mock.snapshotUrl);
    expect(cam?.presets.map((p) => p.name)).toEqual(['路口全景', '垃圾投放点']);
    expect(cam?.health).toMatchObject({ state: 'online', reachable: true });
  });

  it('moves a PTZ camera to a preset it reported (admin only); unknown presets are 404', async () => {
    const admin = await h.as('admin');
    const moved = await admin.json('POST', '/api/v1/cameras/cam-1/presets/2/goto', {});
    expect(moved).toMatchObject({ status: 200, body: { preset: '2' } });
    expect(mock.lastPreset).toBe('2');
    expect((await admin.json('POST', '/api/v1/cameras/cam-1/presets/9/goto', {})).status).toBe(404);
    const op = await h.as('operator');
    expect((await op.json('POST', '/api/v1/cameras/cam-1/presets/1/goto', {})).status).toBe(403);
  });

  it('needs video.view: 401 without login, 403 for a collector', async () => {
    expect((await fetch(`${h.base}/api/v1/cameras`)).status).toBe(401);
    const collector = await h.as('collector');
    expect((await collector.request('GET', '/api/v1/cameras')).status).toBe(403);
    expect((await collector.request('GET', '/api/v1/cameras/cam-1/snapshot')).status).toBe(403);
  });

  it('a garbage detection becomes one candidate with a JPEG snapshot; repeats within the cooldown do not', async () => {
    mock.emit(GARBAGE, { IsGarbage: 'true' });
    const [first] = await eventually(async () => {
      const list = await candidates();
      expect(list.length).toBe(1);
      return list;
    });
    expect(first?.rule).toBe('garbage');
    expect(first?.photoSha256).toMatch(/^[0-9a-f]{64}$/);
    const op = await h.as('operator');
    const photo = await op.request('GET', `/api/v1/photos/${first?.photoSha256}`);
    expect(photo.status).toBe(200);
    expect((await sharp(Buffer.from(await photo.arrayBuffer())).metadata()).format).toBe('jpeg');

    for (let i = 0; i < 3; i++) mock.emit(GARBAGE, { IsGarbage: 'true' });
    mock.emit(GARBAGE, { IsGarbage: 'false' }); // the detection ending is not a new problem
    await eventually(async () => expect((await camera()).health.events.received).toBe(5));
    expect((await candidates()).length).toBe(1);
    expect((await camera()).health.events.suppressed).toBe(3);
  });

  it('the operator accepts the candidate: a video-sourced case in the camera’s grid with the snapshot as photo', async () => {
    const [candidate] = await candidates();
    expect(candidate?.categoryCode).toBe('06010');
    const op = await h.as('operator');
    const accepted = await op.json<{ case: Record<string, unknown> }>(
      'POST',
      `/api/v1/candidates/${candidate?.id}/accept`,
      {},
    );
    expect(accepted.status).toBe(200);
    const text = JSON.stringify(accepted.body.case);
    expect(text).toContain(TEST_GRID.code);
    expect(text).toContain(candidate?.photoSha256 ?? 'no photo');
    expect(text).toContain('video');
  });

  it('renews the subscription before it expires, and events keep flowing', async () => {
    const before = mock.calls.get('Renew') ?? 0;
    const created = (await camera()).health.subscription.created;
    await new Promise((r) => setTimeout(r, 5000)); // longer than the 3 s the mock grants (maxTerminationS: 3)
    expect(mock.calls.get('Renew') ?? 0).toBeGreaterThan(before);
    const cam = await camera();
    expect(cam.health.subscription).toMatchObject({ active: true, created });
    const received = cam.health.events.received;
    mock.emit('tns1:VideoSource/MotionAlarm', { State: 'true' });
    await eventually(async () => expect((await camera()).health.events.received).toBe(received + 1));
  });

  it('after a reboot (subscriptions dropped, clock reset) events flow again within the renewal period', async () => {
    const before = await camera();
    h.advance(11); // past the 10 min cooldown on the node's clock
    mock.reboot(); // clock back to 2000-01-01, subscriptions gone
    const rebootedAt = Date.now();
    await eventually(
      async () =>
        expect((await camera()).health.subscription.created).toBeGreaterThan(before.health.subscription.created),
      4000,
    );
    // Re-subscribed within the mock's granted 3 s (maxTerminationS: 3) renewal period, plus 1 s of slack. Only the
    // re-subscription is timed: the candidate below also takes a snapshot fetch, the photo pipeline and a DB insert.
    expect(Date.now() - rebootedAt).toBeLessThan(4000);
    mock.emit(GARBAGE, { IsGarbage: 'true' });
    await eventually(async () => expect((await candidates()).length).toBe(2), 10_000);
    const after = await camera();
    expect(after.health.errors.fault).toBeGreaterThan(before.health.errors.fault ?? 0);
    expect(after.health.subscription.active).toBe(true);
  });

  it('a camera clock that jumps under a live subscription forces a fresh one', async () => {
    const before = (await camera()).health.subscription;
    // NTP sets the camera back an hour: its subscription looks valid to it for an hour more, so only our check of
    // its clock notices that the granted times no longer mean what we computed.
    mock.clockOffsetMs -= 3_600_000;
    await eventually(
      async () => expect((await camera()).health.subscription.clockJumps).toBe(before.clockJumps + 1),
      5000,
    );
    await eventually(async () => expect((await camera()).health.subscription.active).toBe(true), 5000);
    expect((await camera()).health.subscription.created).toBeGreaterThan(before.created);
    const received = (await camera()).health.events.received;
    mock.emit('tns1:VideoSource/MotionAlarm', { State: 'true' });
    await eventually(async () => expect((await camera()).health.events.received).toBe(received + 1));
  });

  it('publishes camera health in /metrics', async () => {
    const admin = await h.as('admin');
    const text = await (await admin.request('GET', '/metrics')).text();
    expect(text).toContain('wanmi_camera_up{camera="cam-1"} 1');
    expect(text).toMatch(/wanmi_camera_events\{camera="cam-1",outcome="candidates"\} 2/);
    expect(text).toMatch(/wanmi_camera_subscription_active\{camera="cam-1"\} 1/);
    expect(text).toMatch(/wanmi_camera_last_event_timestamp_seconds\{camera="cam-1"\} [1-9]/);
  });
});
