import type { Context } from 'hono';
import type { CaseState } from '../../../shared/case/state.js';
import { clockStatus } from '../../../shared/clock/index.js';
import type { Principal } from '../../auth/auth.service.js';
import type { ServiceContext } from '../../cases/workflow.service.js';
import { DomainError } from '../../errors.js';
import type { EdgeServices } from '../app.js';
import type { EdgeEnv } from '../env.js';

export function ctxOf(c: Context<EdgeEnv>): ServiceContext {
  const principal = c.get('principal');
  if (!principal) throw new DomainError('unauthenticated', 'log in first');
  return { principal, ip: c.get('ip') };
}

/** Loads a case the caller may see: a department handler sees only cases of their department (404 otherwise). */
export function visibleCase(s: EdgeServices, p: Principal | null, id: string): CaseState {
  const state = s.store.get(id);
  if (!state || (p?.role === 'handler' && state.departmentId !== p.departmentId))
    throw new DomainError('not_found', `case ${id} does not exist`);
  return state;
}

/** Every step clock of the case with its deadline, time left and traffic light now. */
export function clockView(s: EdgeServices, state: CaseState) {
  const now = s.now();
  return Object.values(state.clocks).flatMap((clock) =>
    clock ? [{ step: clock.step, ...clockStatus(s.config.calendar, clock, now, s.config.thresholds) }] : [],
  );
}
