import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { gpsConfigSchema } from '../../edge/gps/gps.config.js';
import { GpsService } from '../../edge/gps/gps.service.js';
import type { PositionRow } from '../../edge/gps/tracks.store.js';

// Retention prunes positions older than the configured days in small batches while ingest goes on. Measured:
// the same paced ingest (2,000 fixes/s for 2 s) without and with a prune of 300,000 expired rows running.

const dir = mkdtempSync(join(tmpdir(), 'wanmi-gps-retention-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DAY = 86_400_000;

interface Phase {
  fixes: number;
  ms: number;
  ratePerS: number;
  tickLatenessP99Ms: number;
  tickLatenessMaxMs: number;
  loopDelayMaxMs: number;
  ticksWhilePruning: number;
}

async function pacedIngest(svc: GpsService, vehicles: number, seconds: number, pruning: () => boolean): Promise<Phase> {
  const perTick = 20; // every 10 ms → 2,000/s
  const ticks = (seconds * 1000) / 10;
  const lateness: number[] = [];
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const started = performance.now();
  let n = 0;
  let whilePruning = 0;
  for (let t = 0; t < ticks; t++) {
    const due = started + t * 10;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    else await new Promise((r) => setImmediate(r));
    lateness.push(Math.max(0, performance.now() - due));
    if (pruning()) whilePruning += 1;
    const now = Date.now();
    for (let k = 0; k < perTick; k++) {
      const v = n % vehicles;
      svc.ingest(
        `wanmi/v1/320481/vehicles/v${v}/position`,
        JSON.stringify({ ts: now - 60_000 + Math.floor(n / vehicles), lat: 31.42, lon: 119.47 + v * 1e-4, speed: 20 }),
        now,
      );
      n += 1;
    }
  }
  const ms = performance.now() - started;
  h.disable();
  lateness.sort((a, b) => a - b);
  return {
    fixes: n,
    ms: Math.round(ms),
    ratePerS: Math.round((n * 1000) / ms),
    tickLatenessP99Ms: Math.round(lateness[Math.floor(lateness.length * 0.99)] ?? 0),
    tickLatenessMaxMs: Math.round(lateness.at(-1) ?? 0),
    loopDelayMaxMs: Math.round(h.max / 1e6),
    ticksWhilePruning: whilePruning,
  };
}

describe('retention', () => {
  it('prunes 300,000 expired positions in batches during ingest without stalling it (measured)', async () => {
    const svc = new GpsService({
      config: gpsConfigSchema.parse({ enabled: true, retention: { days: 400 } }),
      district: '320481',
      origin: 'district:320481',
      dataDir: dir,
      now: () => Date.now(),
      log: () => {},
    });
    const vehicles = 200;
    for (let v = 0; v < vehicles; v++) {
      svc.enrol({
        deviceKey: `vehicle:v${v}`,
        kind: 'vehicle',
        subjectId: `v${v}`,
        name: `v${v}`,
        group: 'sanitation',
      });
    }
    // 300,000 positions from 401–402 days ago, and 1,000 from 399 days ago that must stay.
    const old = Date.now() - 401 * DAY;
    const rows: PositionRow[] = [];
    const push = (deviceId: number, ts: number) =>
      rows.push({ deviceId, ts, lat: 31.42, lon: 119.48, speed: 10, heading: 0, acc: 5, flags: 0, receivedAt: ts });
    for (let i = 0; i < 300_000; i++) push((i % vehicles) + 1, old - Math.floor(i / vehicles) * 1000);
    for (let i = 0; i < 1000; i++) push((i % vehicles) + 1, Date.now() - 399 * DAY + i * 1000);
    for (let i = 0; i < rows.length; i += 20_000) svc.store.insertPositions(rows.slice(i, i + 20_000));
    expect(svc.store.positionCount()).toBe(301_000);

    const without = await pacedIngest(svc, vehicles, 2, () => false);
    let pruning = true;
    const pruned = svc.retention.run().finally(() => {
      pruning = false;
    });
    const withPrune = await pacedIngest(svc, vehicles, 2, () => pruning);
    const result = await pruned;
    await svc.drainPositions();

    console.log(JSON.stringify({ retention: { without, withPrune, prune: result } }));
    expect(result.deleted).toBe(300_000);
    expect(result.batches).toBeGreaterThan(500);
    // Ingest ran between the prune's batches (it yielded), and every fix of both phases was stored.
    expect(withPrune.ticksWhilePruning).toBeGreaterThan(0);
    expect(svc.store.positionCount()).toBe(1000 + without.fixes + withPrune.fixes);
    expect(svc.counters.rejected).toEqual({});
    await svc.stop();
  }, 120_000);
});
