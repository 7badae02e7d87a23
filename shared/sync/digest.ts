import { createHash } from 'node:crypto';

// Kept apart from messages.ts: the schemas are used in browsers too, the digest only on servers (node:crypto).
/**
 * Per-day digest for anti-entropy: count and sha256 of the sorted event ids whose HLC falls on that UTC day.
 * Two stores hold the same events of a day exactly when both figures match.
 */
export function dayDigests(
  events: Iterable<{ id: string; hlc: string }>,
): { day: string; count: number; hash: string }[] {
  const byDay = new Map<string, string[]>();
  // The day of an HLC is its physical ms divided by a day's length: formatted once per day met, not per event.
  const dayOf = new Map<number, string>();
  for (const e of events) {
    const index = Math.floor(Number(e.hlc.slice(0, 15)) / 86_400_000);
    let day = dayOf.get(index);
    if (day === undefined) {
      day = new Date(index * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
      dayOf.set(index, day);
    }
    const ids = byDay.get(day) ?? [];
    ids.push(e.id);
    byDay.set(day, ids);
  }
  return [...byDay.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([day, ids]) => ({
      day,
      count: ids.length,
      hash: createHash('sha256').update(ids.sort().join('\n')).digest('hex'),
    }));
}

/** The HLC bounds of a UTC day (`yyyymmdd`), inclusive, as sortable HLC strings; undefined when it is no real date. */
export function hlcDayBounds(day: string): { from: string; to: string } | undefined {
  if (!/^\d{8}$/.test(day)) return undefined;
  const ms = Date.parse(`${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}T00:00:00Z`);
  // Date.parse rolls 20260230 over to 2 March: only a date that survives the round trip is real.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10).replaceAll('-', '') !== day) return undefined;
  return {
    from: `${String(ms).padStart(15, '0')}.00000`,
    to: `${String(ms + 86_400_000 - 1).padStart(15, '0')}.99999`,
  };
}

/** Days whose digests differ between two sides (present on one side only, or different count or hash). */
export function mismatchedDays(
  a: readonly { day: string; count: number; hash: string }[],
  b: readonly { day: string; count: number; hash: string }[],
): string[] {
  const key = (d: { count: number; hash: string }) => `${d.count}:${d.hash}`;
  const left = new Map(a.map((d) => [d.day, key(d)]));
  const right = new Map(b.map((d) => [d.day, key(d)]));
  const days = new Set([...left.keys(), ...right.keys()]);
  return [...days].filter((d) => left.get(d) !== right.get(d)).sort();
}
