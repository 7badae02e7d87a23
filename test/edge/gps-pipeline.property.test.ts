import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { gpsConfigSchema } from '../../edge/gps/gps.config.js';
import { GpsService } from '../../edge/gps/gps.service.js';

// Invariants of the pipeline under arbitrary interleavings of devices, repeats, late fixes and garbage:
// per device, the live state only moves forward in time; every distinct valid fix is stored exactly once; nothing
// throws; every message is accounted for (stored, ignored as already stored, rejected, dropped by a handler, or from
// an unknown device).

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const NOW = Date.parse('2026-05-12T08:30:00+08:00');

const message = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('fix' as const),
      device: fc.integer({ min: 0, max: 3 }),
      step: fc.integer({ min: 0, max: 40 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('garbage' as const), text: fc.string({ maxLength: 30 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unknown' as const), step: fc.integer({ min: 0, max: 40 }) }) },
);

describe('gps pipeline properties', () => {
  it('per-device order, exactly-once storage and full accounting, for any message sequence', () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 10, maxLength: 150, size: 'max' }), fc.boolean(), (msgs, reorder) => {
        const dir = mkdtempSync(join(tmpdir(), 'wanmi-gps-prop-'));
        dirs.push(dir);
        const svc = new GpsService({
          config: gpsConfigSchema.parse({
            enabled: true,
            persist: { worker: false },
            pipeline: { reorderWindowMs: reorder ? 1000 : 0 },
          }),
          district: '320481',
          origin: 'district:320481',
          dataDir: dir,
          now: () => NOW,
          log: () => {},
        });
        try {
          const ids = [0, 1, 2, 3].map(
            (d) =>
              svc.enrol({ deviceKey: `vehicle:d${d}`, kind: 'vehicle', subjectId: `d${d}`, name: `d${d}`, group: 'g' })
                .device.id,
          );
          const lastLive = new Map<number, number>();
          const distinct = new Map<number, Set<number>>();
          let garbage = 0;
          let unknown = 0;
          for (const m of msgs) {
            if (m.kind === 'garbage') {
              svc.ingest('wanmi/v1/320481/vehicles/d0/position', m.text);
              garbage += 1;
            } else if (m.kind === 'unknown') {
              svc.ingest(
                'wanmi/v1/320481/vehicles/ghost/position',
                JSON.stringify({ ts: NOW - 60_000, lat: 31.4, lon: 119.4 }),
              );
              unknown += 1;
            } else {
              // Steps of 10 s along a street, ~8 m apart: always within the sanity filter.
              const ts = NOW - 600_000 + m.step * 10_000;
              const body = { ts, lat: 31.42, lon: 119.48 + m.step * 0.0001, speed: 10 };
              svc.ingest(`wanmi/v1/320481/vehicles/d${m.device}/position`, JSON.stringify(body));
              const set = distinct.get(m.device) ?? new Set<number>();
              set.add(ts);
              distinct.set(m.device, set);
            }
            for (const s of svc.live.changedSince(0)) {
              const prev = lastLive.get(s.deviceId) ?? Number.NEGATIVE_INFINITY;
              expect(s.ts).toBeGreaterThanOrEqual(prev);
              lastLive.set(s.deviceId, s.ts);
            }
          }
          svc.pipeline.flush(NOW + 10_000, true);
          svc.flushPositions();
          for (const [d, set] of distinct) {
            const stored = svc.store.track(ids[d] as number, 0, Number.MAX_SAFE_INTEGER, 10_000).map((r) => r.ts);
            expect(stored).toEqual([...set].sort((a, b) => a - b));
          }
          const c = svc.counters;
          const rejected = Object.values(c.rejected).reduce((a, b) => a + (b ?? 0), 0);
          expect(c.received).toBe(msgs.length);
          expect(c.unknownDevice).toBe(unknown);
          expect(rejected + c.unknownTopic).toBeLessThanOrEqual(garbage);
          const fixes = msgs.length - garbage - unknown;
          const dropped = Object.values(svc.pipeline.stats).reduce(
            (a, h) => a + Object.values(h.dropped).reduce((x, y) => x + y, 0),
            0,
          );
          expect(c.persisted + c.persistIgnored + dropped).toBe(fixes + (garbage - rejected - c.unknownTopic));
          for (const h of Object.values(svc.pipeline.stats)) expect(h.errors).toBe(0);
        } finally {
          svc.store.close();
        }
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
