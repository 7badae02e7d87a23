import { api } from '../api.js';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../messages.js';
import { queuesByRole } from '../nav.js';
import { useSession } from '../session.js';
import { usePoll } from '../ui/common.js';

/** The role's queues with live counts (one cheap grouped query every 10 s). */
export function QueueNav({ path }: { path: string }) {
  const { t } = useI18n();
  const { user } = useSession();
  const { value } = usePoll(
    (signal) => api.get<{ counts: Record<string, number> }>('/api/v1/console/queue-counts', signal),
    10_000,
    [],
  );
  const counts = value?.counts ?? {};
  return (
    <ul aria-label={t('nav.queues')}>
      {queuesByRole[user.role].map((q) => {
        const href = `/queues/${q}`;
        // "all" and "done" list finished cases too: a count of open ones there would not match the list.
        const n = q === 'all' || q === 'done' ? undefined : counts[q];
        return (
          <li key={q}>
            <a href={href} aria-current={path === href ? 'page' : undefined} data-queue={q}>
              {t(`queue.${q}` as MessageKey)}
              {n !== undefined && n > 0 && <span class={`badge${q === 'overdue' ? ' badge-red' : ''}`}>{n}</span>}
            </a>
          </li>
        );
      })}
    </ul>
  );
}
