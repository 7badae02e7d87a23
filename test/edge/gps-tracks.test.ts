import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LiveHub } from '../../edge/gps/live.js';
import { segmentTrack, type TrackPoint } from '../../edge/gps/segment.js';
import { Simulator, streetGraph } from '../../edge/gps/simulator.js';
import { createTopicDecoder } from '../../shared/mqtt/index.js';

const T0 = Date.parse('2026-05-12T08:00:00+08:00');
const opts = { stopSpeedKmh: 3, stopRadiusM: 30, minStopSeconds: 120 };

/** Moving east at ~36 km/h (10 m/s) for `n` seconds from `lon`. */
function drive(t: number, lon: number, n: number): TrackPoint[] {
  return Array.from({ length: n }, (_, i) => ({
    ts: t + i * 1000,
    lat: 31.42,
    lon: lon + (i * 10) / 95_000,
    speed: 36,
  }));
}
function park(t: number, lon: number, n: number): TrackPoint[] {
  return Array.from({ length: n }, (_, i) => ({ ts: t + i * 1000, lat: 31.42 + (i % 2) * 2e-5, lon, speed: 0 }));
}

describe('trips and stops', () => {
  it('drive, park five minutes, drive: two trips and one stop', () => {
    const a = drive(T0, 119.47, 120);
    const lastLon = (a.at(-1) as TrackPoint).lon;
    const b = park(T0 + 120_000, lastLon, 300);
    const c = drive(T0 + 420_000, lastLon, 120);
    const { trips, stops } = segmentTrack([...a, ...b, ...c], opts);
    expect(stops).toHaveLength(1);
    expect(stops[0]?.durationS).toBeGreaterThanOrEqual(300);
    expect(trips).toHaveLength(2);
    expect(trips[0]?.distanceM).toBeGreaterThan(1000);
    expect(trips[0]?.maxSpeedKmh).toBe(36);
  });

  it('a 60 s traffic light is not a stop', () => {
    const a = drive(T0, 119.47, 60);
    const lastLon = (a.at(-1) as TrackPoint).lon;
    const { trips, stops } = segmentTrack(
      [...a, ...park(T0 + 60_000, lastLon, 60), ...drive(T0 + 120_000, lastLon, 60)],
      opts,
    );
    expect(stops).toEqual([]);
    expect(trips).toHaveLength(1);
  });

  it('property: stops never overlap, are in order and last at least the minimum; never throws', () => {
    const point = fc.record({
      dt: fc.integer({ min: 1, max: 120_000 }),
      dLon: fc.double({ min: -0.001, max: 0.001, noNaN: true }),
      speed: fc.option(fc.double({ min: 0, max: 80, noNaN: true }), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(point, { maxLength: 300 }), (steps) => {
        let ts = T0;
        let lon = 119.47;
        const pts = steps.map((s) => {
          ts += s.dt;
          lon += s.dLon;
          return { ts, lat: 31.42, lon, speed: s.speed };
        });
        const { trips, stops } = segmentTrack(pts, opts);
        for (const [i, s] of stops.entries()) {
          expect(s.to - s.from).toBeGreaterThanOrEqual(opts.minStopSeconds * 1000);
          if (i > 0) expect(s.from).toBeGreaterThanOrEqual((stops[i - 1] as { to: number }).to);
        }
        for (const t of trips) expect(t.to).toBeGreaterThan(t.from);
      }),
      { numRuns: 300 },
    );
  });
});

describe('live hub', () => {
  const state = (deviceId: number, ts: number) => ({
    deviceId,
    deviceKey: `vehicle:v${deviceId}`,
    kind: 'vehicle' as const,
    name: `v${deviceId}`,
    group: 'g',
    ts,
    lat: 31.42,
    lon: 119.48,
    moving: true,
    receivedAt: ts,
  });

  it('a slow client gets the latest state per device, not every update', () => {
    const hub = new LiveHub();
    for (let i = 0; i < 1000; i++) hub.update(state(i % 10, T0 + i));
    const seen = hub.changedSince(0);
    expect(seen).toHaveLength(10);
    expect(seen.find((s) => s.deviceId === 3)?.ts).toBe(T0 + 993);
    const v = hub.current;
    hub.update(state(3, T0 + 5000));
    expect(hub.changedSince(v).map((s) => s.deviceId)).toEqual([3]);
  });

  it('nextChange wakes on an update and on abort', async () => {
    const hub = new LiveHub();
    const woke = hub.nextChange(10_000);
    hub.update(state(1, T0));
    await woke;
    const abort = new AbortController();
    const waiting = hub.nextChange(10_000, abort.signal);
    abort.abort();
    await waiting;
  });
});

describe('demo simulator', () => {
  // A 4 × 4 block of 200 m square grids (their edges are the streets).
  const geometries: string[] = [];
  for (let x = 0; x < 4; x++) {
    for (let y = 0; y < 4; y++) {
      const lon = 119.47 + x * 0.002;
      const lat = 31.41 + y * 0.0018;
      geometries.push(
        JSON.stringify({
          type: 'Polygon',
          coordinates: [
            [
              [lon, lat],
              [lon + 0.002, lat],
              [lon + 0.002, lat + 0.0018],
              [lon, lat + 0.0018],
              [lon, lat],
            ],
          ],
        }),
      );
    }
  }

  it('builds a street graph from grid edges and publishes payloads the decoders accept, on the streets', () => {
    const graph = streetGraph(geometries);
    expect(graph.adj.length).toBe(25);
    const sim = new Simulator(graph, { vehicles: 10, collectors: 3, hz: 1, seed: 7, district: '320481' }, () => T0);
    expect(sim.plan.devices).toHaveLength(13);
    expect(sim.plan.fences.map((f) => f.kind)).toEqual(['route']);
    const decode = createTopicDecoder();
    for (let s = 0; s < 120; s++) {
      for (const m of sim.step(1, T0 + s * 1000)) {
        const r = decode(m.topic, m.payload, T0 + s * 1000 + 50);
        expect(r?.result.ok, m.payload).toBe(true);
        if (!r?.result.ok) continue;
        const fix = r.result.messages[0];
        if (fix?.kind !== 'fix') continue;
        // On a street: on a grid line of longitude or latitude.
        const onLon =
          Math.abs(((fix.lon - 119.47) / 0.002) % 1) < 1e-3 || Math.abs(((fix.lon - 119.47) / 0.002) % 1) > 1 - 1e-3;
        const onLat =
          Math.abs(((fix.lat - 31.41) / 0.0018) % 1) < 3e-3 || Math.abs(((fix.lat - 31.41) / 0.0018) % 1) > 1 - 3e-3;
        expect(onLon || onLat, `${fix.lon},${fix.lat}`).toBe(true);
      }
    }
  });
});
