import { applyEvent } from './apply.js';
import { concurrent, domainOf, isDecision, isOwner, isParticipant } from './authority.js';
import type { FoldConfig } from './config.js';
import { defaultFoldConfig } from './config.js';
import type { CaseEvent } from './events.js';
import { validateEvent } from './events.js';
import type { CaseConflict, CaseState } from './state.js';
import { emptyCase } from './state.js';

/**
 * The pure fold `events → case state` (DESIGN.md §4). Input is a set: order of arrival and duplicates do not
 * matter, events are applied in `(hlc, origin, seq, id)` order. It never throws on input data; every event that
 * does not take effect is listed in `conflicts` with the reason.
 */
export function foldCase(
  input: readonly unknown[],
  config: FoldConfig = defaultFoldConfig,
  options: FoldOptions = {},
): CaseState {
  const c = emptyCase();
  const { events, conflicts } = normalise(input, options.validated);
  c.conflicts.push(...conflicts);

  const report = events.find((e) => e.type === 'reported');
  const caseId = report?.caseId ?? events[0]?.caseId ?? null;
  const district = report?.type === 'reported' ? report.payload.district : null;
  const excluded = district === null ? new Map<string, CaseConflict>() : exclusions(events, district, config);

  for (const e of events) {
    const outcome = step(c, e, { caseId, district, excluded, config });
    c.timeline.push({
      eventId: e.id,
      type: e.type,
      origin: e.origin,
      seq: e.seq,
      hlc: e.hlc,
      at: e.at,
      actor: { userId: e.actor.userId, role: e.actor.role },
      provisional: e.provisional === true,
      outcome: outcome ? 'conflict' : 'applied',
    });
    if (outcome) c.conflicts.push(outcome);
    else {
      c.lastHlc = e.hlc;
      c.updatedAt = e.at;
    }
  }
  return c;
}

export interface FoldOptions {
  /**
   * Input objects already known to be outputs of `validateEvent` (a fixed point of it: validating them again yields
   * the same values). They skip re-validation; the result is the same as without this option. Central uses it for
   * events it validated once at ingest (a fold per touch re-ran zod over every stored event of the case).
   */
  validated?: { has(event: object): boolean };
}

interface StepContext {
  caseId: string | null;
  district: string | null;
  excluded: Map<string, CaseConflict>;
  config: FoldConfig;
}

function step(c: CaseState, e: CaseEvent, ctx: StepContext): CaseConflict | null {
  const conflict = (kind: CaseConflict['kind'], reason: string): CaseConflict => ({
    eventId: e.id,
    type: e.type,
    origin: e.origin,
    seq: e.seq,
    kind,
    reason,
  });
  if (e.caseId !== ctx.caseId) return conflict('integrity', `event belongs to case ${e.caseId}, not ${ctx.caseId}`);
  const taken = ctx.excluded.get(e.id);
  if (taken) return taken;
  if (ctx.district === null || c.status === 'none') {
    if (e.type !== 'reported') return conflict('transition', `${e.type} before the case was reported`);
  }
  const district = ctx.district ?? '';
  if (!isParticipant(e.origin, district)) {
    return conflict('unauthorised', `origin ${e.origin} is neither the city nor district ${district}`);
  }
  const domain = domainOf(e, (id) => c.specialOps.find((r) => r.requestId === id)?.op);
  const owner = isOwner(ctx.config, domain, e.origin, district);
  if (!owner && e.provisional !== true) {
    return conflict(
      'unauthorised',
      `${e.type} is a ${domain} step owned by the ${ctx.config.authority[domain === 'open' ? 'supervision' : domain]}; another node may take it only provisionally`,
    );
  }
  if (e.type === 'provisional_overruled' || e.type === 'provisional_confirmed') {
    if (!owner)
      return conflict(
        'unauthorised',
        `only the owner of supervision may ${e.type.replace('provisional_', '')} provisional decisions`,
      );
    if (e.type === 'provisional_overruled') {
      const target = ctx.excluded.get(e.payload.eventId);
      if (target?.kind !== 'overruled')
        return conflict('transition', `event ${e.payload.eventId} is not a provisional decision on this case`);
      return null;
    }
  }
  const at = Date.parse(e.at);
  const reason = applyEvent(c, e, at, ctx.config);
  if (reason) return conflict('transition', reason);
  if (!owner) c.provisional.push({ eventId: e.id, type: e.type, origin: e.origin, state: 'pending' });
  return null;
}

/**
 * Provisional events taken out of the fold: those the owner overruled explicitly, and those the owner's own
 * decisions were concurrent with (the owner did not know them, and they did not know the owner's decision).
 */
function exclusions(events: readonly CaseEvent[], district: string, config: FoldConfig): Map<string, CaseConflict> {
  const out = new Map<string, CaseConflict>();
  const byId = new Map(events.map((e) => [e.id, e]));
  const opOf = (id: string) => {
    const r = byId.get(id);
    return r?.type === 'special_requested' ? r.payload.op : undefined;
  };
  const ownerDecisions = events.filter((e) => {
    const d = domainOf(e, opOf);
    return d !== 'open' && isDecision(e) && isOwner(config, d, e.origin, district);
  });
  for (const e of events) {
    if (e.type !== 'provisional_overruled' || !isOwner(config, 'supervision', e.origin, district)) continue;
    const target = byId.get(e.payload.eventId);
    if (target?.provisional !== true || out.has(target.id)) continue;
    const d = domainOf(target, opOf);
    if (d === 'open' || isOwner(config, d, target.origin, district)) continue;
    out.set(target.id, {
      eventId: target.id,
      type: target.type,
      origin: target.origin,
      seq: target.seq,
      kind: 'overruled',
      reason: `overruled by ${e.origin} (event ${e.id}): ${e.payload.reason}`,
    });
  }
  for (const p of events) {
    if (p.provisional !== true || out.has(p.id)) continue;
    const d = domainOf(p, opOf);
    if (d === 'open' || isOwner(config, d, p.origin, district)) continue;
    const winner = ownerDecisions.find((o) => domainOf(o, opOf) === d && concurrent(o, p));
    if (winner) {
      out.set(p.id, {
        eventId: p.id,
        type: p.type,
        origin: p.origin,
        seq: p.seq,
        kind: 'superseded',
        reason: `superseded by the concurrent decision ${winner.type} of ${winner.origin} (event ${winner.id})`,
      });
    }
  }
  return out;
}

/**
 * Validates, de-duplicates and orders the input set deterministically. The canonical form of an input is computed only
 * when it is needed: for invalid inputs (their conflicts are ordered by it) and when one id names several inputs.
 */
function normalise(
  input: readonly unknown[],
  validated?: FoldOptions['validated'],
): { events: CaseEvent[]; conflicts: CaseConflict[] } {
  const conflicts: CaseConflict[] = [];
  const invalid: { key: string; conflict: CaseConflict }[] = [];
  const byId = new Map<string, { event: CaseEvent; raw: unknown; key?: string; variants?: Set<string> }>();
  for (const raw of Array.isArray(input) ? input : []) {
    const result =
      validated && typeof raw === 'object' && raw !== null && validated.has(raw)
        ? { ok: true as const, event: raw as CaseEvent }
        : safeValidate(raw);
    if (!result.ok) {
      invalid.push({
        key: canonicalJson(raw),
        conflict: { ...identify(raw), kind: 'invalid', reason: `invalid event: ${result.error}` },
      });
      continue;
    }
    const seen = byId.get(result.event.id);
    if (!seen) byId.set(result.event.id, { event: result.event, raw });
    else {
      seen.key ??= canonicalJson(seen.raw);
      seen.variants ??= new Set([seen.key]);
      const key = canonicalJson(raw);
      seen.variants.add(key);
      if (key < seen.key) Object.assign(seen, { event: result.event, raw, key });
    }
  }
  invalid.sort((a, b) => compareStrings(a.key, b.key));
  const seenInvalid = new Set<string>();
  for (const i of invalid) {
    if (seenInvalid.has(i.key)) continue;
    seenInvalid.add(i.key);
    conflicts.push(i.conflict);
  }
  const events = [...byId.values()].map((v) => v.event).sort(compareEvents);
  for (const v of [...byId.values()].sort((a, b) => compareEvents(a.event, b.event))) {
    if (v.variants && v.variants.size > 1) {
      const e = v.event;
      conflicts.push({
        eventId: e.id,
        type: e.type,
        origin: e.origin,
        seq: e.seq,
        kind: 'integrity',
        reason: `${v.variants.size} different contents under one event id; the canonical first is used`,
      });
    }
  }
  // One (origin, seq) must name one event: the first in order wins, the others are integrity conflicts.
  const slots = new Set<string>();
  const unique: CaseEvent[] = [];
  for (const e of events) {
    const slot = `${e.origin}#${e.seq}`;
    if (slots.has(slot)) {
      conflicts.push({
        eventId: e.id,
        type: e.type,
        origin: e.origin,
        seq: e.seq,
        kind: 'integrity',
        reason: `(origin ${e.origin}, seq ${e.seq}) already names another event`,
      });
    } else {
      slots.add(slot);
      unique.push(e);
    }
  }
  return { events: unique, conflicts };
}

function safeValidate(raw: unknown): ReturnType<typeof validateEvent> {
  try {
    return validateEvent(raw);
  } catch (err) {
    // Hostile objects (throwing getters, proxies) must become conflicts, not exceptions.
    return { ok: false, error: `unreadable input: ${err instanceof Error ? err.message : String(err)}` };
  }
}

export function compareEvents(a: CaseEvent, b: CaseEvent): number {
  return (
    compareStrings(a.hlc, b.hlc) || compareStrings(a.origin, b.origin) || a.seq - b.seq || compareStrings(a.id, b.id)
  );
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function identify(raw: unknown): Pick<CaseConflict, 'eventId' | 'type' | 'origin' | 'seq'> {
  const field = (key: string): unknown => {
    try {
      return typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[key] : undefined;
    } catch {
      return undefined; // a throwing getter: the conflict is reported without this identifier
    }
  };
  const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 100) : null);
  const seq = field('seq');
  return {
    eventId: str(field('id')),
    type: str(field('type')),
    origin: str(field('origin')),
    seq: typeof seq === 'number' && Number.isFinite(seq) ? seq : null,
  };
}

/** JSON with sorted keys, so equal contents compare equal whatever their key order; never throws. */
export function canonicalJson(value: unknown): string {
  const seen = new WeakSet<object>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v !== 'object' || v === null)
      return typeof v === 'function' || typeof v === 'symbol' ? String(typeof v) : v;
    if (seen.has(v)) return '[cycle]';
    seen.add(v);
    const out = Array.isArray(v)
      ? v.map(walk)
      : Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, walk((v as Record<string, unknown>)[k])]),
        );
    seen.delete(v);
    return out;
  };
  try {
    return JSON.stringify(walk(value)) ?? 'undefined';
  } catch {
    // Getters that throw or exotic objects: fall back to a type tag; such input is invalid anyway.
    return `[unserialisable ${typeof value}]`;
  }
}
