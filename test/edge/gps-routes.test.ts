import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoGpsConfig } from '../../edge/gps/gps.demo.js';
import { TEST_GRID } from '../support/edge-harness.js';
import { GpsEdge, LiveReader, waitFor } from '../support/gps-edge.js';

// The gps routes on a real edge node with the embedded aedes broker (the npm start set-up) and its simulator.

const D = '320481';
let dir: string;
let edge: GpsEdge;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wanmi-gps-routes-'));
  const demo = demoGpsConfig(dir);
  edge = await new GpsEdge(dir, {
    ...demo,
    broker: { clientId: 'wanmi-routes-test' },
    live: { throttleMs: 50 },
    persist: { flushMs: 20 },
    simulator: { enabled: true, vehicles: 4, collectors: 2, hz: 5 },
  }).start();
  await edge.gpsFeature.service.ready;
}, 60_000);

afterAll(async () => {
  await edge?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('gps routes', () => {
  it('npm start set-up: the embedded broker carries the simulated fleet into tracks.db and the live feed', async () => {
    const svc = edge.gpsFeature.service;
    expect(edge.gpsFeature.brokerUrl()).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    await waitFor(() => svc.counters.persisted >= 20, 10_000, 'simulated fixes stored');
    const { cookie } = await edge.login('dispatcher');
    const live = new LiveReader();
    await live.open(edge.base, cookie, '?kind=vehicle');
    await waitFor(() => live.latest.size === 4, 5000, 'four vehicles on the live feed');
    await live.close();
    expect(svc.counters.rejected).toEqual({});
    expect(svc.counters.unknownDevice).toBe(0);
  });

  it('a slow live client gets the latest state per device, not a queue of every fix', async () => {
    const svc = edge.gpsFeature.service;
    const keys = ['slow-1', 'slow-2', 'slow-3'];
    for (const k of keys) {
      svc.enrol({ deviceKey: `vehicle:${k}`, kind: 'vehicle', subjectId: k, name: k, group: 'sanitation' });
    }
    const { cookie } = await edge.login('operator');
    const res = await fetch(`${edge.base}/api/v1/vehicles/live?group=sanitation`, { headers: { cookie } });
    const reader = res.body?.getReader();
    if (!reader) throw new Error('no body');
    // 3,000 fixes in about 1.5 s while the client reads nothing.
    const t0 = Date.now() - 10 * 60_000;
    for (let i = 0; i < 1000; i++) {
      for (const [j, k] of keys.entries()) {
        const body = JSON.stringify({ ts: t0 + i * 500, lat: 31.42, lon: 119.48 + j * 0.001 + i * 1e-6, speed: 7 });
        svc.ingest(`wanmi/v1/${D}/vehicles/${k}/position`, body);
      }
      if (i % 100 === 0) await new Promise((r) => setTimeout(r, 150));
    }
    await new Promise((r) => setTimeout(r, 300));
    const decoder = new TextDecoder();
    let text = '';
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline) {
      const chunk = await Promise.race([
        reader.read(),
        new Promise<{ done: true; value: undefined }>((r) =>
          setTimeout(() => r({ done: true, value: undefined }), 300),
        ),
      ]);
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
    await reader.cancel();
    const events = text.split('\n\n').filter((b) => b.includes('data:'));
    const states = events.flatMap((b) => {
      const data = b.slice(b.indexOf('data:') + 5).trim();
      return (JSON.parse(data) as { positions: { deviceKey: string; ts: number }[] }).positions;
    });
    const slow = states.filter((s) => s.deviceKey.startsWith('vehicle:slow-'));
    // At most one state per device per throttle interval (50 ms) over ~2 s: far fewer than the 3,000 fixes.
    expect(slow.length).toBeLessThan(300);
    for (const k of keys) {
      const last = slow.filter((s) => s.deviceKey === `vehicle:${k}`).at(-1);
      expect(last?.ts).toBe(t0 + 999 * 500);
    }
  });

  it('enrolment: admin only, validated with the one error shape', async () => {
    const body = {
      deviceKey: 'vehicle:enf-0001',
      kind: 'vehicle',
      subjectId: '苏D·E0001',
      name: '执法车 1',
      group: 'enforcement',
    };
    expect((await edge.request('POST', '/api/v1/devices', body, 'operator')).status).toBe(403);
    const bad = await edge.request('POST', '/api/v1/devices', { ...body, deviceKey: 'vehicle:has space' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('deviceKey');
    const created = await edge.request('POST', '/api/v1/devices', body);
    expect(created.status).toBe(201);
    const again = await edge.request('POST', '/api/v1/devices', { ...body, name: '执法车 一号' });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { name: string }).name).toBe('执法车 一号');
    const list = (await (await edge.request('GET', '/api/v1/devices', undefined, 'leader')).json()) as {
      devices: { deviceKey: string }[];
    };
    expect(list.devices.map((d) => d.deviceKey)).toContain('vehicle:enf-0001');
    expect((await edge.request('GET', '/api/v1/devices', undefined, 'collector')).status).toBe(403);
  });

  it('track playback, trips/stops and patrol coverage of a collector over one day', async () => {
    const svc = edge.gpsFeature.service;
    const phone = svc.enrol({
      deviceKey: 'owntracks:lisi/phone',
      kind: 'collector',
      subjectId: 'lisi',
      name: '李四',
      group: 'collectors',
    }).device;
    // Walk east through the test grid and then outside it, 10 s per fix, with a 5-minute stop in between.
    const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const start = Date.parse(`${day}T01:00:00Z`); // 09:00 in China
    const client = await mqtt.connectAsync(edge.gpsFeature.brokerUrl(), { clientId: 'lisi-phone' });
    const pub = async (i: number, lon: number, vel = 5) => {
      const payload = { _type: 'location', lat: 31.42, lon, tst: (start + i * 10_000) / 1000, vel, acc: 8 };
      await client.publishAsync('owntracks/lisi/phone', JSON.stringify(payload), { qos: 1 });
    };
    let i = 0;
    for (let k = 0; k < 30; k++) await pub(i++, 119.488 + k * 0.0004); // 30 fixes walking east
    for (let k = 0; k < 30; k++) await pub(i++, 119.488 + 29 * 0.0004, 0); // 5 minutes standing
    for (let k = 1; k <= 30; k++) await pub(i++, 119.488 + (29 + k) * 0.0004); // on, then out of the grid (east edge 119.5)
    await client.endAsync();
    await waitFor(() => svc.store.track(phone.id, 0, Number.MAX_SAFE_INTEGER, 1000).length === 90, 10_000, '90 fixes');
    const track = (await (
      await edge.request('GET', `/api/v1/devices/${phone.id}/track?from=${start}&to=${start + 3_600_000}`)
    ).json()) as { fixes: unknown[]; truncated: boolean };
    expect(track.fixes).toHaveLength(90);
    expect(track.truncated).toBe(false);
    const trips = await edge.request('GET', `/api/v1/devices/${phone.id}/trips?from=${start}&to=${start + 3_600_000}`);
    expect(trips.status).toBe(200);
    const segments = (await trips.json()) as { trips: unknown[]; stops: { durationS: number }[] };
    expect(segments.stops).toHaveLength(1);
    expect(segments.stops[0]?.durationS).toBeGreaterThanOrEqual(290);
    expect(segments.trips).toHaveLength(2);
    const coverage = (await (await edge.request('GET', `/api/v1/devices/${phone.id}/coverage?date=${day}`)).json()) as {
      fixes: number;
      gridCount: number;
      outsideGrids: number;
      grids: { gridCode: string; fixes: number }[];
    };
    expect(coverage.fixes).toBe(90);
    expect(coverage.gridCount).toBe(1);
    expect(coverage.grids[0]?.gridCode).toBe(TEST_GRID.code);
    expect(coverage.outsideGrids).toBeGreaterThan(0);
    const tooLong = await edge.request('GET', `/api/v1/devices/${phone.id}/track?from=0&to=${start}`);
    expect(tooLong.status).toBe(400);
    expect((await edge.request('GET', '/api/v1/devices/999999/track?from=0&to=1000')).status).toBe(404);
  });

  it('stats need metrics.read; fences are listed for vehicle readers', async () => {
    expect((await edge.request('GET', '/api/v1/gps/stats', undefined, 'operator')).status).toBe(403);
    const stats = (await (await edge.request('GET', '/api/v1/gps/stats')).json()) as { connected: boolean };
    expect(stats.connected).toBe(true);
    const fences = (await (await edge.request('GET', '/api/v1/gps/fences', undefined, 'operator')).json()) as {
      fences: { id: string }[];
    };
    expect(fences.fences.map((f) => f.id)).toContain('demo-muck-route-01');
    void D;
  });
});
