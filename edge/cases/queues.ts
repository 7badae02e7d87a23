import type { CaseStatus } from '../../shared/case/status.js';

/** Work queues (DOMAIN.md §2): which position has to act next. Stored on the projection so each is one index. */
const queueOfStatus: Record<CaseStatus, string> = {
  none: 'done',
  reported: 'accept',
  accepted: 'file',
  verifying: 'verify',
  verified: 'file',
  filed: 'dispatch',
  dispatched: 'handle',
  handling: 'handle',
  handled: 'check',
  checking: 'check',
  check_failed: 'rework',
  checked: 'close',
  postponed: 'suspended',
  ledgered: 'suspended',
  closed: 'done',
  rejected: 'done',
  voided: 'done',
};

export const queueNames = [...new Set(Object.values(queueOfStatus))];

export function queueOf(status: CaseStatus): string {
  return queueOfStatus[status];
}
