import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { PersistWorker } from '../../edge/gps/persist-worker.js';
import { TracksStore } from '../../edge/gps/tracks.store.js';

/** The writer's thread, to kill it as a crash in the native driver would (no product hook for this). */
const threadOf = (w: PersistWorker) => (w as unknown as { worker: Worker }).worker;

describe('the tracks.db writer thread dies', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  function setup() {
    const dir = mkdtempSync(join(tmpdir(), 'wanmi-writer-'));
    dirs.push(dir);
    const file = join(dir, 'tracks.db');
    const store = new TracksStore(file); // creates the schema
    const { device } = store.upsertDevice(
      {
        deviceKey: 'vehicle:sani-0001',
        kind: 'vehicle',
        subjectId: 'sani-0001',
        name: '环卫车 1',
        group: 'sanitation',
      },
      Date.now(),
    );
    const results: ({ written: number; rows: number } | { error: string; rows: number })[] = [];
    const logs: Record<string, unknown>[] = [];
    const writer = new PersistWorker(
      file,
      100,
      (r) => results.push(r),
      (e) => logs.push(e),
    );
    return { store, device, writer, results, logs };
  }

  it('is replaced, gets the batches it had not answered, and every row is stored exactly once', async () => {
    const { store, device, writer, results, logs } = setup();
    const t0 = Date.parse('2026-03-02T09:00:00+08:00');
    const add = (from: number, count: number) => {
      for (let i = from; i < from + count; i++) {
        if (
          writer.add({
            deviceId: device.id,
            ts: t0 + i * 1000,
            lat: 31.42,
            lon: 119.48,
            speed: null,
            heading: null,
            acc: null,
            flags: 0,
            receivedAt: t0,
          })
        )
          writer.flush();
      }
      writer.flush();
    };
    add(0, 1000); // ten batches in flight
    await threadOf(writer).terminate(); // dies with some (or all) of them unanswered
    add(1000, 500); // handed over while there is no thread
    await writer.drain();
    expect(writer.inflightBatches).toBe(0);
    expect(writer.restarts).toBe(1);
    expect(logs.some((l) => l.level === 'error' && String(l.msg).includes('writer thread died'))).toBe(true);
    expect(store.positionCount()).toBe(1500);
    // Every batch answered exactly once, none failed (a batch the dead thread committed without answering is sent
    // again and its rows are ignored as duplicates: stored once, counted once).
    expect(results.every((r) => 'written' in r)).toBe(true);
    expect(results.reduce((sum, r) => sum + r.rows, 0)).toBe(1500);

    // The replacement is a working writer: it takes new rows and retention steps, and closes cleanly.
    add(1500, 50);
    await writer.drain();
    expect(store.positionCount()).toBe(1550);
    await expect(writer.pruneStep(0, 1000, t0 + 1)).resolves.toMatchObject({ deleted: 1000 });
    await writer.close();
    expect(store.positionCount()).toBe(550);
    store.close();
  });

  it('a retention step asked for while the thread is being replaced fails at once instead of hanging', async () => {
    const { store, writer } = setup();
    await threadOf(writer).terminate();
    await expect(writer.pruneStep(0, 1000, Date.now())).rejects.toThrow(/being replaced/);
    await new Promise((r) => setTimeout(r, 50)); // the first replacement starts at once
    await expect(writer.pruneStep(0, 1000, Date.now())).resolves.toMatchObject({ deleted: 0 });
    expect(writer.restarts).toBe(1);
    await writer.close();
    store.close();
  });
});
