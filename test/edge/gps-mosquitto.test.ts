import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../fixtures/gps/corpus.js';
import { GpsEdge, LiveReader, waitFor } from '../support/gps-edge.js';
import { type Mosquitto, startMosquitto } from '../support/mosquitto.js';

// Integration: a real Mosquitto with a password file and the ACL of edge/gps/mosquitto-config.ts, a real edge node
// with the gps feature, devices publishing over TCP. Fails (never skips) when mosquitto is missing.

const D = '320481';
const ingest = { username: 'wanmi-edge', password: 'ingest-secret-1' };
const muck = { username: 'muck-0142', password: 'device-secret-1' };
const sani = { username: 'sani-0007', password: 'device-secret-2' };
const phone = { username: 'zhangwei', password: 'device-secret-3' };
const reader = { username: 'videowall', password: 'reader-secret-1' };

const corridor = [
  [119.47, 31.42],
  [119.49, 31.42],
  [119.49, 31.425],
];

function device(u: { username: string; password: string }, protocolVersion: 4 | 5 = 4): Promise<MqttClient> {
  const client = mqtt.connect(broker.url, {
    clientId: `dev-${u.username}-${Math.random().toString(36).slice(2, 8)}`,
    username: u.username,
    password: u.password,
    protocolVersion,
    reconnectPeriod: 0,
  });
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', reject);
  });
}

function publish(client: MqttClient, topic: string, payload: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) =>
    client.publish(topic, payload, { qos: 1 }, (error) => (error ? reject(error) : resolve())),
  );
}

const position = (ts: number, lon: number, lat: number, speed = 30) => JSON.stringify({ ts, lat, lon, speed });

let broker: Mosquitto;
let dir: string;
let edge: GpsEdge;
const clients: MqttClient[] = [];

const gpsConfig = () => ({
  broker: { url: broker.url, clientId: 'wanmi-edge-it', username: ingest.username, password: ingest.password },
  live: { throttleMs: 50 },
  persist: { flushMs: 20, batchSize: 500 },
  geofence: {
    fences: [
      {
        id: 'muck-route-0142',
        name: '核准路线 0142',
        kind: 'route',
        groups: ['muck-permit-0142'],
        geometry: { type: 'LineString', coordinates: corridor },
        halfWidthM: 50,
        rules: { offRoute: true, raiseIntakeCandidate: true },
      },
    ],
  },
});

async function count(deviceId: number): Promise<number> {
  const now = Date.now();
  const res = await edge.request(
    'GET',
    `/api/v1/devices/${deviceId}/track?from=${now - 6 * 86_400_000}&to=${now + 60_000}`,
  );
  expect(res.status).toBe(200);
  return ((await res.json()) as { fixes: unknown[] }).fixes.length;
}

const ids: Record<string, number> = {};

beforeAll(async () => {
  broker = await startMosquitto({ district: D, ingest, devices: [muck, sani, phone], readers: [reader] });
  dir = mkdtempSync(join(tmpdir(), 'wanmi-gps-it-'));
  edge = await new GpsEdge(dir, gpsConfig()).start();
  await edge.gpsFeature.service.ready;
  for (const [key, kind, subject, group] of [
    ['vehicle:muck-0142', 'vehicle', '苏D·A0142', 'muck-permit-0142'],
    ['vehicle:sani-0007', 'vehicle', '苏D·S0007', 'sanitation'],
    ['owntracks:zhangwei/pixel7', 'collector', 'collector-zhangwei', 'collectors'],
  ] as const) {
    const res = await edge.request('POST', '/api/v1/devices', {
      deviceKey: key,
      kind,
      subjectId: subject,
      name: key,
      group,
    });
    expect(res.status).toBe(201);
    ids[key] = ((await res.json()) as { id: number }).id;
  }
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.end(true);
  await edge?.stop();
  await broker?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('GPS ingest through a real Mosquitto', () => {
  it('positions flow from a device into tracks.db and to a live SSE subscriber', async () => {
    const { cookie } = await edge.login('operator');
    const live = new LiveReader();
    await live.open(edge.base, cookie);
    const dev = await device(muck);
    clients.push(dev);
    const t0 = Date.now() - 60_000;
    for (let i = 0; i < 20; i++) {
      await publish(
        dev,
        `wanmi/v1/${D}/vehicles/muck-0142/position`,
        position(t0 + i * 1000, 119.47 + i * 0.0002, 31.42),
      );
    }
    await waitFor(async () => (await count(ids['vehicle:muck-0142'] as number)) === 20, 10_000, '20 stored fixes');
    await waitFor(() => live.latest.get('vehicle:muck-0142')?.ts === t0 + 19_000, 5_000, 'the live feed');
    await live.close();
    // The collector's OwnTracks app on its own topic.
    const handset = await device(phone);
    clients.push(handset);
    const tst = Math.floor(Date.now() / 1000) - 5;
    await publish(
      handset,
      'owntracks/zhangwei/pixel7',
      JSON.stringify({ _type: 'location', lat: 31.42, lon: 119.48, tst, acc: 10, vel: 4, tid: 'zw' }),
    );
    await waitFor(async () => (await count(ids['owntracks:zhangwei/pixel7'] as number)) === 1, 10_000, 'handset fix');
  });

  it("refuses a device publishing to another device's topic: the message never arrives", async () => {
    const forger = await device(muck, 5);
    clients.push(forger);
    const before = edge.gpsFeature.service.counters.received;
    const now = Date.now();
    // MQTT 5 tells the publisher why (PUBACK reason 0x87 not authorized); 3.1.1 clients get a silent drop.
    await expect(
      publish(forger, `wanmi/v1/${D}/vehicles/sani-0007/position`, position(now - 2000, 119.48, 31.42)),
    ).rejects.toThrow(/not authori[sz]ed|135/i);
    const v311 = await device(muck);
    clients.push(v311);
    await publish(v311, `wanmi/v1/${D}/vehicles/sani-0007/position`, position(now - 1500, 119.48, 31.42));
    await publish(
      v311,
      `owntracks/zhangwei/pixel7`,
      JSON.stringify({ _type: 'location', lat: 31.4, lon: 119.4, tst: 1 }),
    );
    // A legitimate message after the forged ones: once it is stored, the forged ones would have been too.
    await publish(v311, `wanmi/v1/${D}/vehicles/muck-0142/position`, position(now - 1000, 119.474, 31.42));
    await waitFor(async () => (await count(ids['vehicle:muck-0142'] as number)) === 21, 10_000, 'the marker fix');
    expect(await count(ids['vehicle:sani-0007'] as number)).toBe(0);
    expect(await count(ids['owntracks:zhangwei/pixel7'] as number)).toBe(1);
    expect(edge.gpsFeature.service.counters.received - before).toBe(1);
  });

  it('rejects and counts malformed, oversized, wrong-type, NaN, out-of-range and far-future payloads; the connection stays up', async () => {
    const svc = edge.gpsFeature.service;
    const dev = await device(sani);
    clients.push(dev);
    const bad = loadCorpus('wanmi').filter((e) => e.file.startsWith('bad-'));
    expect(bad.length).toBeGreaterThan(8);
    const rejectedBefore = Object.values(svc.counters.rejected).reduce((a, b) => a + (b ?? 0), 0);
    const now = Date.now();
    const payloads: (string | Buffer)[] = [
      '{"ts":',
      'x'.repeat(5000),
      '[1,2,3]',
      JSON.stringify({ ts: now, lat: 'NaN', lon: 119.4 }),
      JSON.stringify({ ts: now, lat: 91, lon: 119.4 }),
      JSON.stringify({ ts: now + 3_600_000, lat: 31.42, lon: 119.48 }),
      Buffer.from([0xc4, 0xe3, 0xba, 0xc3]),
    ];
    for (const p of payloads) await publish(dev, `wanmi/v1/${D}/vehicles/sani-0007/position`, p);
    // The corpus rejections, with their captured receive time replaced by now where the payload allows it.
    for (const e of bad) {
      await publish(dev, `wanmi/v1/${D}/vehicles/sani-0007/position`, Buffer.from(e.bytes));
    }
    await publish(dev, `wanmi/v1/${D}/vehicles/sani-0007/position`, position(now - 500, 119.48, 31.42));
    await waitFor(async () => (await count(ids['vehicle:sani-0007'] as number)) === 1, 10_000, 'the good fix');
    const rejected = svc.counters.rejected;
    const total = Object.values(rejected).reduce((a, b) => a + (b ?? 0), 0) - rejectedBefore;
    expect(total).toBe(payloads.length + bad.length);
    for (const reason of ['malformed_json', 'oversized', 'wrong_type', 'non_finite', 'out_of_range', 'far_future']) {
      expect(rejected[reason as keyof typeof rejected], reason).toBeGreaterThan(0);
    }
    expect(svc.stats().connected).toBe(true);
    expect(svc.counters.connects).toBe(1);
  });

  it('an unknown (not enrolled) device is counted and dropped', async () => {
    const svc = edge.gpsFeature.service;
    const before = svc.counters.unknownDevice;
    const handset = await device(phone);
    clients.push(handset);
    await publish(
      handset,
      'owntracks/zhangwei/old-phone',
      JSON.stringify({ _type: 'location', lat: 31.42, lon: 119.48, tst: Math.floor(Date.now() / 1000) }),
    );
    await waitFor(() => svc.counters.unknownDevice === before + 1, 5000, 'the unknown device counted');
  });

  it('off route: the alarm is stored, published on wanmi/v1/<district>/alarms/off_route, and one intake candidate per episode', async () => {
    const wall = await device(reader);
    clients.push(wall);
    const received: { type: string; episodeId: string }[] = [];
    await new Promise<void>((r) => wall.subscribe(`wanmi/v1/${D}/alarms/+`, { qos: 1 }, () => r()));
    wall.on('message', (_t, p) => received.push(JSON.parse(p.toString()) as { type: string; episodeId: string }));
    const dev = await device(muck);
    clients.push(dev);
    // After the fixes of the earlier tests (older ones would be late), 30 s apart so the sanity filter passes them.
    const t0 = Date.now();
    // On the corridor, then 600 m north of it for five fixes (one episode), back on it, then off again (second).
    const track = [
      [119.475, 31.42],
      [119.476, 31.4255],
      [119.477, 31.4256],
      [119.478, 31.4257],
      [119.479, 31.4258],
      [119.48, 31.4259],
      [119.481, 31.4201],
      [119.482, 31.4262],
    ];
    for (const [i, [lon, lat]] of track.entries()) {
      await publish(
        dev,
        `wanmi/v1/${D}/vehicles/muck-0142/position`,
        position(t0 + i * 30_000, lon as number, lat as number, 25),
      );
    }
    await waitFor(() => received.filter((a) => a.type === 'off_route').length === 2, 10_000, 'two off-route alarms');
    const alarms = (await (await edge.request('GET', '/api/v1/gps/alarms?limit=50')).json()) as {
      alarms: { type: string; episodeId: string; candidateId: string | null }[];
    };
    const offRoute = alarms.alarms.filter((a) => a.type === 'off_route');
    expect(offRoute).toHaveLength(2);
    expect(new Set(offRoute.map((a) => a.episodeId)).size).toBe(2);
    await waitFor(
      async () => {
        const res = await edge.request('GET', '/api/v1/candidates');
        const body = (await res.json()) as { candidates?: { source: string }[]; items?: { source: string }[] };
        const list = body.candidates ?? body.items ?? [];
        return list.filter((c) => c.source === 'gps').length === 2;
      },
      10_000,
      'one intake candidate per off-route episode',
    );
  });

  it('restarting the appliance mid-stream loses no QoS 1 message (persistent session, same client id)', async () => {
    const dev = await device(sani);
    clients.push(dev);
    const id = ids['vehicle:sani-0007'] as number;
    const before = await count(id);
    // The stream runs until the edge is back and MORE_AFTER_RESTART further fixes were acknowledged, however long
    // the stop and the restart take (a fixed count could run out before stop() returned, leaving nothing to queue).
    // Fixes are 100 ms apart from an hour ago: MAX_FIXES stay in the past, far from the other tests' fixes.
    const MORE_AFTER_RESTART = 100;
    const MAX_FIXES = 30_000;
    const t0 = Date.now() - 3_600_000;
    let sent = 0;
    let sentAtRestart: number | null = null;
    let abandoned = false;
    const publishing = (async () => {
      for (let i = 0; sentAtRestart === null || sent < sentAtRestart + MORE_AFTER_RESTART; i++) {
        if (abandoned) return;
        if (i >= MAX_FIXES) throw new Error(`${MAX_FIXES} fixes published and the edge is still not back`);
        await publish(
          dev,
          `wanmi/v1/${D}/vehicles/sani-0007/position`,
          position(t0 + i * 100, 119.48 + (i % 50) * 1e-5, 31.42),
        );
        sent += 1;
        if (i % 20 === 0) await new Promise((r) => setTimeout(r, 5));
      }
    })();
    publishing.catch(() => {}); // awaited below; this only keeps a failure before that from being reported as unhandled
    try {
      await waitFor(() => sent >= 150, 10_000, 'the stream to be under way');
      await edge.stop();
      const stoppedAt = sent;
      // Published while no ingest is connected: the broker queues them for the persistent session.
      await waitFor(
        () => sent >= stoppedAt + 50,
        10_000,
        `50 fixes published while the edge is down (${sent - stoppedAt} so far)`,
      );
      edge = await new GpsEdge(dir, gpsConfig()).start();
      await edge.gpsFeature.service.ready;
      const whileDown = sent - stoppedAt;
      expect(whileDown).toBeGreaterThanOrEqual(50);
      sentAtRestart = sent;
      await publishing;
      expect(sent).toBeGreaterThanOrEqual(sentAtRestart + MORE_AFTER_RESTART);
    } finally {
      abandoned = true; // a failure above must not leave the publisher running
    }
    // Every acknowledged QoS 1 fix is stored: those before the stop, those queued while down, those after.
    await waitFor(async () => (await count(id)) === before + sent, 20_000, `all ${sent} fixes after the restart`);
    const dup = edge.gpsFeature.service.stats();
    expect(dup.connected).toBe(true);
  });
});
