import type { FoldConfig } from './config.js';
import type { CaseEvent, CaseEventType } from './events.js';

/** Which side of 监管分离 a step belongs to (DESIGN.md §4). `open` steps may be taken by either side. */
export type StepDomain = 'supervision' | 'command' | 'open';

const domainOfType: Record<CaseEventType, StepDomain> = {
  reported: 'open',
  accepted: 'supervision',
  verification_requested: 'supervision',
  verification_recorded: 'supervision',
  filed: 'supervision',
  rejected: 'supervision',
  check_requested: 'supervision',
  check_recorded: 'supervision',
  reworked: 'supervision',
  closed: 'supervision',
  dispatched: 'command',
  signed: 'command',
  handled: 'command',
  resumed: 'command',
  restored: 'command',
  special_requested: 'open',
  special_decided: 'command', // a void decision is supervision: see domainOf
  urged: 'open',
  provisional_confirmed: 'supervision',
  provisional_overruled: 'supervision',
};

/** The domain of an event; a special decision takes the domain of the operation it decides. */
export function domainOf(e: CaseEvent, opOfRequest: (requestId: string) => string | undefined): StepDomain {
  if (e.type === 'special_decided') return opOfRequest(e.payload.requestId) === 'void' ? 'supervision' : 'command';
  return domainOfType[e.type];
}

/** Does this origin own the given domain for a case of this district? */
export function isOwner(config: FoldConfig, domain: StepDomain, origin: string, district: string): boolean {
  if (domain === 'open') return true;
  const owner = config.authority[domain];
  return owner === 'city' ? origin.startsWith('city:') : origin === `district:${district}`;
}

/** Only the city and the case's own district may write to a case. */
export function isParticipant(origin: string, district: string): boolean {
  return origin.startsWith('city:') || origin === `district:${district}`;
}

/** Did the author of `a` know event `b` when writing it? (`deps` is a per-case version vector.) */
export function knows(a: CaseEvent, b: CaseEvent): boolean {
  if (a.origin === b.origin) return a.seq > b.seq;
  return (a.deps?.[b.origin] ?? 0) >= b.seq;
}

/** Two events are concurrent when neither author knew the other's event. */
export function concurrent(a: CaseEvent, b: CaseEvent): boolean {
  return !knows(a, b) && !knows(b, a);
}

/** Types that change state (decisions); explicit confirmations and overrules are handled separately. */
export function isDecision(e: CaseEvent): boolean {
  return e.type !== 'provisional_confirmed' && e.type !== 'provisional_overruled' && e.type !== 'urged';
}
