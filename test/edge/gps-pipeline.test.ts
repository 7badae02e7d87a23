import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type GpsConfigInput, gpsConfigSchema } from '../../edge/gps/gps.config.js';
import { type CandidateSink, GpsService } from '../../edge/gps/gps.service.js';
import { type Handler, Pipeline, type PipelineItem } from '../../edge/gps/pipeline.js';
import type { Device } from '../../edge/gps/tracks.store.js';
import { FLAG_LATE } from '../../edge/gps/tracks.store.js';

// The GPS pipeline without a broker: messages go in through GpsService.ingest (what the MQTT client calls).

const D = '320481';
const T0 = Date.parse('2026-05-12T08:30:00+08:00');
const topic = (id: string) => `wanmi/v1/${D}/vehicles/${id}/position`;
const pos = (ts: number, lon: number, lat: number, speed?: number) =>
  JSON.stringify({ ts, lat, lon, ...(speed === undefined ? {} : { speed }) });

// A concave U (open to the north) and a bent corridor, around Liyang old town.
const uFence = {
  id: 'u-yard',
  name: 'U-shaped yard',
  kind: 'area' as const,
  groups: ['sanitation'],
  geometry: {
    type: 'Polygon' as const,
    coordinates: [
      [
        [119.47, 31.41],
        [119.5, 31.41],
        [119.5, 31.44],
        [119.49, 31.44],
        [119.49, 31.42],
        [119.48, 31.42],
        [119.48, 31.44],
        [119.47, 31.44],
        [119.47, 31.41],
      ],
    ],
  },
  rules: { enter: true, exit: true, speedLimitKmh: 30 },
};
const route = {
  id: 'permit-0142',
  name: '核准路线',
  kind: 'route' as const,
  groups: ['muck-permit-0142'],
  geometry: {
    type: 'LineString' as const,
    coordinates: [
      [119.46, 31.4],
      [119.48, 31.4],
      [119.48, 31.42],
    ],
  },
  halfWidthM: 40,
  rules: { offRoute: true, raiseIntakeCandidate: true },
};

const dirs: string[] = [];
const services: GpsService[] = [];

function make(config: GpsConfigInput = {}, candidates?: CandidateSink, now = { t: T0 + 600_000 }) {
  const dir = mkdtempSync(join(tmpdir(), 'wanmi-gps-'));
  dirs.push(dir);
  const svc = new GpsService({
    config: gpsConfigSchema.parse({
      enabled: true,
      ...config,
      // Synchronous commits, so that rows can be read right after flushPositions().
      persist: { worker: false, ...config.persist },
      geofence: { fences: [uFence, route], ...config.geofence },
    }),
    district: D,
    origin: `district:${D}`,
    dataDir: dir,
    now: () => now.t,
    candidates,
    log: () => {},
  });
  services.push(svc);
  const enrol = (id: string, group: string) =>
    svc.enrol({ deviceKey: `vehicle:${id}`, kind: 'vehicle', subjectId: id, name: id, group }).device;
  return { svc, enrol, now };
}

function rows(svc: GpsService, deviceId: number) {
  svc.flushPositions();
  return svc.store.track(deviceId, 0, Number.MAX_SAFE_INTEGER, 10_000);
}

afterEach(async () => {
  for (const s of services.splice(0)) s.store.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('gps pipeline', () => {
  it('drops and counts unknown devices and topics; stores fixes of enrolled ones', () => {
    const { svc, enrol } = make();
    const truck = enrol('sani-0007', 'sanitation');
    svc.ingest(topic('ghost-1'), pos(T0, 119.4, 31.4));
    svc.ingest('wanmi/v1/320481/vehicles/a/b/position', pos(T0, 119.4, 31.4));
    svc.ingest(topic('sani-0007'), pos(T0, 119.45, 31.4, 20));
    expect(svc.counters.unknownDevice).toBe(1);
    expect(svc.counters.unknownTopic).toBe(1);
    expect(rows(svc, truck.id)).toHaveLength(1);
  });

  it('de-duplicates redeliveries and keeps late fixes for playback only', () => {
    const { svc, enrol } = make();
    const truck = enrol('sani-0007', 'sanitation');
    svc.ingest(topic('sani-0007'), pos(T0, 119.45, 31.4));
    svc.ingest(topic('sani-0007'), pos(T0 + 2000, 119.4502, 31.4));
    svc.ingest(topic('sani-0007'), pos(T0, 119.45, 31.4)); // QoS 1 redelivery
    svc.ingest(topic('sani-0007'), pos(T0 + 1000, 119.4501, 31.4)); // arrives late
    const stored = rows(svc, truck.id);
    expect(stored.map((r) => r.ts)).toEqual([T0, T0 + 1000, T0 + 2000]);
    expect(stored.map((r) => (r.flags & FLAG_LATE) !== 0)).toEqual([false, true, false]);
    expect(svc.pipeline.stats.order?.dropped.duplicate).toBe(1);
    expect(svc.live.changedSince(0)[0]?.ts).toBe(T0 + 2000);
  });

  it('with a reorder window, releases fixes in time order', () => {
    const { svc, enrol, now } = make({ pipeline: { reorderWindowMs: 500 } });
    const truck = enrol('sani-0007', 'sanitation');
    for (const dt of [3000, 1000, 2000, 0]) svc.ingest(topic('sani-0007'), pos(T0 + dt, 119.45 + dt * 1e-8, 31.4));
    expect(rows(svc, truck.id)).toHaveLength(0);
    now.t += 600;
    svc.pipeline.flush(now.t);
    const stored = rows(svc, truck.id);
    expect(stored.map((r) => r.ts)).toEqual([T0, T0 + 1000, T0 + 2000, T0 + 3000]);
    expect(stored.every((r) => (r.flags & FLAG_LATE) === 0)).toBe(true);
  });

  it('drops a jump that implies an impossible speed and keeps the previous fix as the reference', () => {
    const { svc, enrol } = make();
    const truck = enrol('sani-0007', 'sanitation');
    svc.ingest(topic('sani-0007'), pos(T0, 119.45, 31.4));
    svc.ingest(topic('sani-0007'), pos(T0 + 1000, 119.55, 31.4)); // ~9.5 km in 1 s
    svc.ingest(topic('sani-0007'), pos(T0 + 2000, 119.4502, 31.4));
    expect(rows(svc, truck.id).map((r) => r.ts)).toEqual([T0, T0 + 2000]);
    expect(svc.pipeline.stats.sanity?.dropped.jump).toBe(1);
  });

  it('refuses far-future and out-of-range fixes at the decoder and counts them by reason', () => {
    const { svc, enrol } = make();
    enrol('sani-0007', 'sanitation');
    svc.ingest(topic('sani-0007'), pos(T0 + 600_000 + 3_600_000, 119.45, 31.4));
    svc.ingest(topic('sani-0007'), pos(T0, 119.45, 95));
    svc.ingest(topic('sani-0007'), '{"ts": NaN}');
    expect(svc.counters.rejected).toEqual({ far_future: 1, out_of_range: 1, malformed_json: 1 });
  });

  it('enter/exit on a concave polygon: driving through the U’s notch is not inside', () => {
    const { svc, enrol } = make();
    const truck = enrol('sani-0007', 'sanitation');
    // West arm (inside) → the notch between the arms (outside) → east arm (inside).
    const track = [
      [119.475, 31.43],
      [119.475, 31.4302],
      [119.485, 31.43],
      [119.4852, 31.43],
      [119.495, 31.43],
      [119.4952, 31.43],
    ];
    track.forEach(([lon, lat], i) => {
      svc.ingest(topic('sani-0007'), pos(T0 + i * 60_000, lon as number, lat as number, 20));
    });
    const alarms = svc.store.alarms(0, Number.MAX_SAFE_INTEGER, 100, truck.id).reverse();
    expect(alarms.map((a) => a.type)).toEqual(['exit', 'enter']);
  });

  it('off route raises one intake candidate per episode, however many off-route fixes and replays', async () => {
    const raised: { dedupeKey: string; rule: string; position?: unknown }[] = [];
    const sink: CandidateSink = {
      raise(input) {
        raised.push(input);
        return { id: `cand-${raised.length}`, created: true };
      },
    };
    const { svc, enrol } = make({}, sink);
    const truck = enrol('muck-0142', 'muck-permit-0142');
    const on = (i: number) => pos(T0 + i * 60_000, 119.47 + i * 1e-5, 31.4, 30);
    const off = (i: number) => pos(T0 + i * 60_000, 119.47 + i * 1e-5, 31.41, 30); // ~1.1 km north of the corridor
    const seq = [on(0), off(1), off(2), off(3), on(4), on(5), off(6), off(7)];
    for (const m of seq) svc.ingest(topic('muck-0142'), m);
    for (const m of seq) svc.ingest(topic('muck-0142'), m); // replayed (QoS 1 redelivery after a reconnect)
    await new Promise((r) => setImmediate(r));
    expect(raised).toHaveLength(2);
    expect(new Set(raised.map((r) => r.dedupeKey)).size).toBe(2);
    expect(raised[0]?.rule).toBe('off_route:permit-0142');
    const stored = svc.store.alarms(0, Number.MAX_SAFE_INTEGER, 100, truck.id);
    expect(
      stored
        .filter((a) => a.type === 'off_route')
        .map((a) => a.candidateId)
        .sort(),
    ).toEqual(['cand-1', 'cand-2']);
  });

  it('a failing candidate service is counted; the stream goes on', async () => {
    const sink: CandidateSink = {
      raise: () => Promise.reject(new Error('intake store is locked')),
    };
    const { svc, enrol } = make({}, sink);
    const truck = enrol('muck-0142', 'muck-permit-0142');
    svc.ingest(topic('muck-0142'), pos(T0, 119.47, 31.4, 30));
    svc.ingest(topic('muck-0142'), pos(T0 + 60_000, 119.47, 31.41, 30));
    svc.ingest(topic('muck-0142'), pos(T0 + 120_000, 119.47, 31.4101, 30));
    await new Promise((r) => setImmediate(r));
    expect(svc.counters.candidateErrors).toBe(1);
    expect(rows(svc, truck.id)).toHaveLength(3);
  });

  it('overspeed inside a fence is one alarm per episode', () => {
    const { svc, enrol } = make();
    const truck = enrol('sani-0007', 'sanitation');
    for (let i = 0; i < 10; i++) svc.ingest(topic('sani-0007'), pos(T0 + i * 5000, 119.475 + i * 1e-4, 31.42, 50));
    const types = svc.store.alarms(0, Number.MAX_SAFE_INTEGER, 100, truck.id).map((a) => a.type);
    expect(types.filter((t) => t === 'overspeed')).toHaveLength(1);
  });

  it('offline after the configured silence, once', () => {
    const { svc, enrol, now } = make({ geofence: { options: { offline: { afterSeconds: 60 } } } });
    const truck = enrol('sani-0007', 'sanitation');
    svc.ingest(topic('sani-0007'), pos(T0 + 60_000, 119.45, 31.4));
    now.t = T0 + 60_000 + 61_000;
    // What the tick timer does.
    const engine = (svc as unknown as { engine: { tick(n: number): { deviceKey: string }[] } }).engine;
    const alarms = engine.tick(now.t);
    expect(alarms.map((a) => a.deviceKey)).toEqual([truck.deviceKey]);
    expect(engine.tick(now.t + 60_000)).toEqual([]);
  });

  it('an OwnTracks last will is an offline alarm for the enrolled handset', () => {
    const { svc } = make();
    const phone = svc.enrol({
      deviceKey: 'owntracks:zhangwei/pixel7',
      kind: 'collector',
      subjectId: 'zhangwei',
      name: 'Zhang Wei',
      group: 'collectors',
    }).device;
    svc.ingest('owntracks/zhangwei/pixel7', JSON.stringify({ _type: 'lwt', tst: Math.floor(T0 / 1000) }));
    svc.ingest('owntracks/zhangwei/pixel7', JSON.stringify({ _type: 'lwt', tst: Math.floor(T0 / 1000) }));
    const alarms = svc.store.alarms(0, Number.MAX_SAFE_INTEGER, 10, phone.id);
    expect(alarms.map((a) => a.type)).toEqual(['offline']);
  });
});

describe('Pipeline runner', () => {
  const device: Device = {
    id: 1,
    deviceKey: 'vehicle:x',
    kind: 'vehicle',
    subjectId: 'x',
    name: 'x',
    group: 'g',
    enabled: true,
    createdAt: 0,
    updatedAt: 0,
  };
  const item = (ts: number): PipelineItem => ({
    device,
    fix: { kind: 'fix', deviceKey: 'vehicle:x', ts, lat: 31, lon: 119, source: 'wanmi' },
    receivedAt: ts,
    late: false,
    moving: false,
  });

  it('a throwing handler is counted and logged; the item still reaches the later handlers, in order', () => {
    const seen: number[] = [];
    const logs: unknown[] = [];
    const boom: Handler = {
      name: 'boom',
      handle(i, next) {
        if (i.fix.ts % 2 === 0) throw new Error('geofence exploded');
        next(i);
      },
    };
    const sink: Handler = { name: 'sink', handle: (i) => void seen.push(i.fix.ts) };
    const p = new Pipeline([boom, sink], (e) => logs.push(e));
    for (let ts = 1; ts <= 6; ts++) p.push(item(ts));
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    expect(p.stats.boom?.errors).toBe(3);
    expect(logs).toHaveLength(1); // rate-limited
  });

  it('a handler that throws after passing the item on does not pass it twice', () => {
    const seen: number[] = [];
    const late: Handler = {
      name: 'late',
      handle(i, next) {
        next(i);
        throw new Error('after');
      },
    };
    const p = new Pipeline([late, { name: 'sink', handle: (i) => void seen.push(i.fix.ts) }]);
    p.push(item(1));
    expect(seen).toEqual([1]);
    expect(p.stats.late?.errors).toBe(1);
  });
});
