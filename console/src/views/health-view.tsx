import { api } from '../api.js';
import { duration } from '../format.js';
import { useI18n } from '../i18n.js';
import { usePoll } from '../ui/common.js';

const SYNC_PATH = '/api/v1/sync/status';

/** Link and health at a glance: this appliance, the city link and its backlog. */
export function HealthView() {
  const { t } = useI18n();
  const health = usePoll((signal) => api.get<{ status: string }>('/health', signal), 10_000, []);
  const sync = usePoll((signal) => api.get<Record<string, unknown>>(SYNC_PATH, signal), 10_000, []);
  const s = sync.value;
  const backlog = s && typeof s.backlog === 'number' ? s.backlog : null;
  const oldest = s && typeof s.oldestUnsyncedMs === 'number' ? s.oldestUnsyncedMs : null;
  const link = s && typeof s.link === 'string' ? s.link : s && typeof s.state === 'string' ? s.state : null;
  return (
    <section aria-labelledby="health-title">
      <h1 id="health-title">{t('health.title')}</h1>
      <dl class="info health">
        <dt>{t('health.api')}</dt>
        <dd data-testid="health-api" class={health.value?.status === 'ok' ? 'ok' : 'bad'}>
          {health.value?.status === 'ok' ? t('health.ok') : health.error ? t('health.down') : t('app.loading')}
        </dd>
        <dt>{t('health.sync')}</dt>
        <dd data-testid="health-sync">
          {sync.error ? (
            <span class="muted">{t('health.sync.unavailable')}</span>
          ) : link ? (
            <span class="data">{link}</span>
          ) : (
            t('health.unknown')
          )}
        </dd>
        <dt>{t('health.backlog')}</dt>
        <dd class="mono">{backlog ?? t('app.none')}</dd>
        <dt>{t('health.oldest')}</dt>
        <dd>{oldest === null ? t('app.none') : duration(t, oldest)}</dd>
      </dl>
    </section>
  );
}
