import type { CaseEvent, CaseEventType, PayloadOf } from '../../shared/case/events.js';
import type { Role } from '../../shared/case/roles.js';
import type { TimeLimit } from '../../shared/clock/types.js';
import { formatHlc } from '../../shared/identity/hlc.js';
import { newId } from '../../shared/identity/ids.js';

export const DISTRICT = 'district:320481';
export const CITY = 'city:320400';

const defaultRole: Record<CaseEventType, Role> = {
  reported: 'collector',
  accepted: 'operator',
  verification_requested: 'operator',
  verification_recorded: 'collector',
  filed: 'shift_lead',
  rejected: 'shift_lead',
  dispatched: 'dispatcher',
  signed: 'handler',
  handled: 'handler',
  check_requested: 'operator',
  check_recorded: 'collector',
  reworked: 'operator',
  closed: 'shift_lead',
  special_requested: 'handler',
  special_decided: 'dispatcher',
  resumed: 'dispatcher',
  restored: 'dispatcher',
  urged: 'leader',
  provisional_confirmed: 'shift_lead',
  provisional_overruled: 'shift_lead',
};

export const limits = {
  handle: { amount: 2, unit: 'working_days' } satisfies TimeLimit,
  dispatch: { amount: 1, unit: 'working_hours' } satisfies TimeLimit,
  urgent: { amount: 4, unit: 'urgent_hours' } satisfies TimeLimit,
};

export interface EmitOptions {
  role?: Role;
  userId?: string;
  provisional?: boolean;
  /** Minutes after the previous event (default 10). */
  after?: number;
}

/**
 * Builds the event log of one case the way real nodes would: per-origin gapless seq, HLC stamps, and `deps`
 * version vectors that reflect what each node had seen (partitions are modelled with `partition()`/`heal()`).
 */
export class CaseScenario {
  readonly caseId = newId();
  readonly events: CaseEvent[] = [];
  private clock: number;
  private logical = 0;
  private readonly seqs = new Map<string, number>();
  private readonly known = new Map<string, Map<string, number>>();
  private connected = true;

  constructor(start = Date.parse('2026-03-02T09:00:00+08:00')) {
    this.clock = start;
  }

  get now(): number {
    return this.clock;
  }

  partition(): this {
    this.connected = false;
    return this;
  }

  /** The link returns: every node learns everything. */
  heal(): this {
    this.connected = true;
    for (const e of this.events) this.learn(e);
    return this;
  }

  emit<T extends CaseEventType>(
    origin: string,
    type: T,
    payload: PayloadOf<T> | Record<string, unknown>,
    opts: EmitOptions = {},
  ): CaseEvent {
    this.clock += (opts.after ?? 10) * 60_000;
    this.logical += 1;
    const seq = (this.seqs.get(origin) ?? 0) + 1;
    this.seqs.set(origin, seq);
    const mine = this.known.get(origin) ?? new Map<string, number>();
    const deps = Object.fromEntries([...mine].filter(([o]) => o !== origin));
    const role = opts.role ?? defaultRole[type];
    const event = {
      v: 1,
      id: newId(),
      caseId: this.caseId,
      origin,
      seq,
      hlc: formatHlc({ physical: this.clock, logical: this.logical % 99_999 }),
      type,
      actor: { userId: opts.userId ?? `${role}-1`, role },
      at: new Date(this.clock).toISOString(),
      ...(opts.provisional ? { provisional: true } : {}),
      deps,
      payload,
    } as unknown as CaseEvent;
    this.events.push(event);
    if (this.connected) this.learn(event);
    else this.learnOne(origin, event);
    return event;
  }

  district<T extends CaseEventType>(
    type: T,
    payload: PayloadOf<T> | Record<string, unknown>,
    opts?: EmitOptions,
  ): CaseEvent {
    return this.emit(DISTRICT, type, payload, opts);
  }

  city<T extends CaseEventType>(
    type: T,
    payload: PayloadOf<T> | Record<string, unknown>,
    opts?: EmitOptions,
  ): CaseEvent {
    return this.emit(CITY, type, payload, opts);
  }

  /** A collector report from the district, ready to be filed. */
  report(extra: Record<string, unknown> = {}): CaseEvent {
    return this.district('reported', {
      district: '320481',
      source: 'collector',
      category: { kind: 'matter', code: '06001' },
      location: { lon: 119.484, lat: 31.416 },
      gridCode: '320481001001001',
      description: '暴露垃圾 exposed garbage beside the road',
      photos: [],
      ...extra,
    });
  }

  private learn(e: CaseEvent): void {
    for (const origin of new Set([DISTRICT, CITY, ...this.seqs.keys()])) this.learnOne(origin, e);
  }

  private learnOne(origin: string, e: CaseEvent): void {
    const mine = this.known.get(origin) ?? new Map<string, number>();
    mine.set(e.origin, Math.max(mine.get(e.origin) ?? 0, e.seq));
    this.known.set(origin, mine);
  }
}
