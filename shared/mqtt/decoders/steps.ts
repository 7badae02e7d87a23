import type { z } from 'zod';
import { formatPath } from '../../validation.js';
import type { Decoded, DecodeFailureReason, DecodeResult, ResolvedDecodeOptions } from './types.js';

// The checks every decoder runs, in this order: size → UTF-8 and JSON → object → non-finite numbers → schema
// (types, then ranges) → 0,0 → time window. Each returns a failure or the value for the next one; none throws.

export type Failure = { readonly ok: false; readonly reason: DecodeFailureReason; readonly detail: string };
export type Step<T> = { readonly ok: true; readonly value: T } | Failure;

const MAX_DETAIL = 200;

export function fail(reason: DecodeFailureReason, detail: string): Failure {
  return { ok: false, reason, detail: detail.length > MAX_DETAIL ? `${detail.slice(0, MAX_DETAIL - 1)}…` : detail };
}

export function decoded(...messages: Decoded[]): DecodeResult {
  return { ok: true, messages };
}

/** The receiving clock must be usable before any time rule can be applied. */
export function checkReceivedAt(receivedAt: unknown): Failure | undefined {
  if (typeof receivedAt === 'number' && Number.isFinite(receivedAt)) return undefined;
  return fail('non_finite', 'receivedAt must be a finite epoch-ms number');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 length of a string, counting no further than `limit + 1`. */
function utf8Length(s: string, limit: number): number {
  let bytes = 0;
  for (let i = 0; i < s.length && bytes <= limit; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next < 0xe000) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Size cap on the raw bytes first (a huge payload is never parsed), then strict UTF-8. `knownBytes`: the UTF-8 size
 * of a string payload when the caller already has it (it decoded the string from bytes it checked), so the string
 * is not measured again.
 */
export function readText(payload: unknown, maxBytes: number, knownBytes?: number): Step<string> {
  if (typeof payload === 'string') {
    const size = knownBytes ?? utf8Length(payload, maxBytes);
    if (size > maxBytes) return fail('oversized', `payload over ${maxBytes} bytes`);
    return { ok: true, value: payload };
  }
  if (payload instanceof Uint8Array) {
    if (payload.byteLength > maxBytes) return fail('oversized', `payload over ${maxBytes} bytes`);
    try {
      return { ok: true, value: utf8.decode(payload) };
    } catch {
      return fail('malformed_json', 'payload is not valid UTF-8');
    }
  }
  return fail('wrong_type', 'payload must be bytes or a string');
}

/** JSON (a leading BOM is tolerated). */
export function parseJsonText(text: string): Step<unknown> {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch (error) {
    return fail('malformed_json', `not JSON: ${error instanceof Error ? error.message : 'unparsable'}`);
  }
}

/** Size cap on the raw bytes first (a huge payload is never parsed), then strict UTF-8, then JSON. */
export function readJson(payload: unknown, maxBytes: number, knownBytes?: number): Step<unknown> {
  const text = readText(payload, maxBytes, knownBytes);
  return text.ok ? parseJsonText(text.value) : text;
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export function requireObject(value: unknown, what: string): Step<Readonly<Record<string, unknown>>> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return { ok: true, value: value as Readonly<Record<string, unknown>> };
  }
  return fail('wrong_type', `expected ${what}, got ${describeValue(value)}`);
}

const nonFiniteText = /^\s*[+-]?(nan|inf|infinity)\s*$/i;

/** JSON has no NaN or Infinity: they arrive as strings ("NaN") or as literals that overflow (1e999). */
export function rejectNonFinite(
  obj: Readonly<Record<string, unknown>>,
  fields: readonly string[],
): Failure | undefined {
  for (const field of fields) {
    if (!Object.hasOwn(obj, field)) continue;
    const value = obj[field];
    if (typeof value === 'number' && !Number.isFinite(value)) return fail('non_finite', `${field}: is not finite`);
    if (typeof value === 'string' && nonFiniteText.test(value)) {
      return fail('non_finite', `${field}: ${describeValue(value)} is not a finite number`);
    }
  }
  return undefined;
}

function isRangeIssue(issue: z.core.$ZodIssue): boolean {
  return (
    (issue.code === 'too_big' || issue.code === 'too_small') && (issue.origin === 'number' || issue.origin === 'int')
  );
}

/** Schema check; a wrong type or shape is `schema` and wins over a number out of bounds (`out_of_range`). */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): Step<z.output<S>> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues;
  const issue = issues.find((i) => !isRangeIssue(i)) ?? issues[0];
  if (!issue) return fail('schema', 'invalid');
  return fail(isRangeIssue(issue) ? 'out_of_range' : 'schema', `${formatPath(issue.path)}: ${issue.message}`);
}

export function checkNullIsland(lat: number, lon: number, options: ResolvedDecodeOptions): Failure | undefined {
  if (options.rejectNullIsland && lat === 0 && lon === 0) {
    return fail('out_of_range', 'lat/lon: 0,0 is the no-fix placeholder');
  }
  return undefined;
}

function describeTime(ms: number): string {
  return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `${ms} ms`;
}

/** The time window around receipt; `allowOld` for times that may legitimately be old (a connect time). */
export function checkTime(
  field: string,
  ts: number,
  receivedAt: number,
  options: ResolvedDecodeOptions,
  allowOld = false,
): Failure | undefined {
  if (ts - receivedAt > options.futureToleranceMs) {
    const ahead = Math.round((ts - receivedAt) / 1000);
    return fail(
      'far_future',
      `${field}: ${describeTime(ts)} is ${ahead} s after receipt (tolerance ${options.futureToleranceMs / 1000} s)`,
    );
  }
  if (!allowOld && receivedAt - ts > options.maxAgeMs) {
    const days = Math.floor((receivedAt - ts) / 86_400_000);
    return fail(
      'too_old',
      `${field}: ${describeTime(ts)} is ${days} days before receipt (limit ${options.maxAgeMs / 86_400_000} days)`,
    );
  }
  return undefined;
}

/** Drops undefined properties, so that decoded messages carry only what the device sent. */
export function compact<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  const src = o as Record<string, unknown>;
  for (const key in src) {
    const v = src[key];
    if (v !== undefined) out[key] = v;
  }
  return out as T;
}
