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
  for (const e of events) {
    const day = new Date(Number(e.hlc.slice(0, 15))).toISOString().slice(0, 10).replaceAll('-', '');
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
