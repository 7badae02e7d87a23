import { uuidv7 } from 'uuidv7';
import { z } from 'zod';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A new time-ordered UUIDv7 (RFC 9562): ids sort roughly by creation time, which keeps B-tree inserts local. */
export function newId(): string {
  return uuidv7();
}

/** Lower-case hyphenated UUID (any version; events from older nodes may carry v4). */
export const idSchema = z.string({ error: 'must be a string' }).regex(uuidPattern, {
  error: 'must be a lower-case hyphenated UUID',
});

/** Milliseconds since the epoch encoded in a UUIDv7, or undefined when the id is not a v7 UUID. */
export function uuidv7Time(id: string): number | undefined {
  if (!uuidPattern.test(id) || id[14] !== '7') return undefined;
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
