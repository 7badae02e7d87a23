import { api } from '../api.js';
import { duration } from '../format.js';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../messages.js';
import { usePoll } from '../ui/common.js';

const SYNC_PATH = '/api/v1/sync/status';
const CAMERAS_PATH = '/api/v1/cameras';
const GPS_STATS_PATH = '/api/v1/gps/stats';

interface SyncStatus {
  link: 'unknown' | 'up' | 'down';
  backlog: number;
  oldestUnsyncedAgeMs: number | null;
  lastError: string | null;
  lastSyncAt: number | null;
}
interface CameraHealth {
  id: string;
  name: string;
  health?: { state?: string; online?: boolean } & Record<string, unknown>;
}

/** Link and health at a glance: this appliance, the city link and its backlog, the cameras. */
export function HealthView() {
  const { t } = useI18n();
  const health = usePoll((signal) => api.get<{ status: string }>('/health', signal), 10_000, []);
  const sync = usePoll((signal) => api.get<SyncStatus>(SYNC_PATH, signal), 10_000, []);
  const cams = usePoll((signal) => api.get<{ cameras: CameraHealth[] }>(CAMERAS_PATH, signal), 15_000, []);
  const gps = usePoll(
    (signal) => api.get<{ connected?: boolean; live?: { devices: number } }>(GPS_STATS_PATH, signal),
    10_000,
    [],
  );
  const s = sync.value;
  const cameraState = (c: CameraHealth): string => {
    const state = c.health?.state;
    return typeof state === 'string' && ['online', 'unreachable', 'degraded', 'unknown'].includes(state)
      ? state
      : 'unknown';
  };
  return (
    <section aria-labelledby="health-title">
      <h1 id="health-title">{t('health.title')}</h1>
      <dl class="info health">
        <dt>{t('health.api')}</dt>
        <dd data-testid="health-api" class={health.value?.status === 'ok' ? 'ok' : 'bad'}>
          {health.value?.status === 'ok' ? t('health.ok') : health.error ? t('health.down') : t('app.loading')}
        </dd>
        <dt>{t('health.link')}</dt>
        <dd data-testid="health-sync" class={s?.link === 'up' ? 'ok' : s?.link === 'down' ? 'bad' : ''}>
          {sync.error ? (
            <span class="muted">{t('health.sync.unavailable')}</span>
          ) : s ? (
            t(`health.link.${s.link}` as MessageKey)
          ) : (
            t('app.loading')
          )}
        </dd>
        <dt>{t('health.backlog')}</dt>
        <dd class="mono">{s ? s.backlog : t('app.none')}</dd>
        <dt>{t('health.oldest')}</dt>
        <dd>{s?.oldestUnsyncedAgeMs == null ? t('app.none') : duration(t, s.oldestUnsyncedAgeMs)}</dd>
        {s?.lastError && (
          <>
            <dt>{t('health.lastError')}</dt>
            <dd class="data bad">{s.lastError}</dd>
          </>
        )}
        <dt>{t('health.broker')}</dt>
        <dd data-testid="health-broker" class={gps.value?.connected ? 'ok' : gps.value ? 'bad' : ''}>
          {gps.error ? (
            <span class="muted">{t('health.broker.unavailable')}</span>
          ) : gps.value ? (
            `${gps.value.connected ? t('health.ok') : t('health.down')} · ${t('vehicles.count', { n: gps.value.live?.devices ?? 0 })}`
          ) : (
            t('app.loading')
          )}
        </dd>
        <dt>{t('health.cameras')}</dt>
        <dd>
          {cams.error ? (
            <span class="muted">
              {t('video.unavailable')} <code class="data">{CAMERAS_PATH}</code>
            </span>
          ) : (
            <ul class="plain">
              {(cams.value?.cameras ?? []).map((c) => (
                <li key={c.id} data-camera={c.id}>
                  <span class="data">{c.name}</span> ·{' '}
                  <span class={cameraState(c) === 'online' ? 'ok' : 'bad'} data-state={cameraState(c)}>
                    {t(`camera.state.${cameraState(c)}` as MessageKey)}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
    </section>
  );
}
