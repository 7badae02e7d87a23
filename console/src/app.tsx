import { lazy, Suspense } from 'preact/compat';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, api, onSessionLost, setCsrf } from './api.js';
import { I18n, initialLang, type Lang, translator, useI18n } from './i18n.js';
import { landingPath, screensFor } from './nav.js';
import { linkClick, navigate, usePath } from './router.js';
import { type Session, SessionContext, type Settings, useSession } from './session.js';
import { detectSite } from './site.js';
import type { Category, User } from './types.js';
import { ErrorNote, Loading } from './ui/common.js';
import { CaseView } from './views/case-view.js';
import { ChartsView } from './views/charts-view.js';
import { HealthView } from './views/health-view.js';
import { LoginView } from './views/login-view.js';
import { MapView } from './views/map-view.js';
import { QueueNav } from './views/queue-nav.js';
import { QueueView } from './views/queue-view.js';
import { ReportView } from './views/report-view.js';
import { VehiclesView } from './views/vehicles-view.js';
import { VideoView } from './views/video-view.js';

/** Read once: central marks the page it serves (the city's screens); the edge does not. */
const site = detectSite();
/** The city's screens load only on central (the edge's bundle does not carry them). */
const CentralRoot = lazy(() => import('./central/central-app.js').then((m) => ({ default: m.CentralRoot })));

export function App() {
  const [lang, setLang] = useState<Lang>(initialLang);
  const [large, setLarge] = useState(() => localStorage.getItem('wanmi.large') === '1');
  const t = useMemo(() => translator(lang), [lang]);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = t(site === 'central' ? 'city.title' : 'app.title');
    localStorage.setItem('wanmi.lang', lang);
  }, [lang, t]);
  useEffect(() => {
    document.documentElement.classList.toggle('large', large);
    localStorage.setItem('wanmi.large', large ? '1' : '0');
  }, [large]);
  const i18n = useMemo(() => ({ lang, t }), [lang, t]);
  return (
    <I18n.Provider value={i18n}>
      {site === 'central' ? (
        <Suspense fallback={<Loading />}>
          <CentralRoot
            toggleLang={() => setLang(lang === 'zh-CN' ? 'en' : 'zh-CN')}
            large={large}
            toggleLarge={() => setLarge(!large)}
          />
        </Suspense>
      ) : (
        <Root
          toggleLang={() => setLang(lang === 'zh-CN' ? 'en' : 'zh-CN')}
          large={large}
          toggleLarge={() => setLarge(!large)}
        />
      )}
    </I18n.Provider>
  );
}

interface RootProps {
  toggleLang: () => void;
  large: boolean;
  toggleLarge: () => void;
}

function Root(props: RootProps) {
  const [session, setSession] = useState<Session | null | 'loading'>('loading');
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async (user?: User, csrf?: string) => {
    try {
      let u = user;
      if (!u) {
        const me = await api.get<{ user: User; csrfToken: string }>('/api/v1/auth/me');
        u = me.user;
        setCsrf(me.csrfToken);
      } else if (csrf) setCsrf(csrf);
      const [settings, cats, dir] = await Promise.all([
        api.get<Settings>('/api/v1/console/settings'),
        api.get<{ categories: Category[] }>('/api/v1/console/categories'),
        api.get<{ people: { id: string; displayName: string }[]; departments: { id: string; name: string }[] }>(
          '/api/v1/console/directory',
        ),
      ]);
      const categories = new Map(cats.categories.map((c) => [`${c.kind}:${c.code}`, c]));
      const people = new Map(dir.people.map((p) => [p.id, p.displayName]));
      const departments = new Map(dir.departments.map((d) => [d.id, d.name]));
      setSession({ user: u, settings, categories, people, departments });
      setError(null);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setSession(null);
      else setError(e);
    }
  }, []);

  useEffect(() => {
    onSessionLost(() => setSession(null));
    void load();
  }, [load]);

  if (error) return <ErrorNote error={error} retry={() => void load()} />;
  if (session === 'loading') return <Loading />;
  if (session === null) {
    return <LoginView onLogin={(u, csrf) => void load(u, csrf)} toggleLang={props.toggleLang} />;
  }
  return (
    <SessionContext.Provider value={session}>
      <Shell {...props} onLogout={() => setSession(null)} />
    </SessionContext.Provider>
  );
}

function Shell(props: RootProps & { onLogout: () => void }) {
  const { t } = useI18n();
  const session = useSession();
  const path = usePath();
  const role = session.user.role;
  useEffect(() => {
    if (path === '/' || path === '/login') navigate(landingPath(role), true);
  }, [path, role]);
  const logout = async () => {
    await api.post('/api/v1/auth/logout').catch(() => {});
    props.onLogout();
    navigate('/', true);
  };
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions lint/a11y/useKeyWithClickEvents: delegated link routing; links stay keyboard-operable
    <div class="shell" onClick={linkClick}>
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <header class="top">
        <span class="brand">{t('app.brand')}</span>
        <span class="district data">{session.settings.district.name}</span>
        <span class="spacer" />
        <span class="who">
          <span class="sr">{t('app.user')}</span>
          <span class="data">{session.user.displayName}</span> · {t(`role.${role}`)}
        </span>
        <LangSwitch onClick={props.toggleLang} />
        <button type="button" onClick={props.toggleLarge} aria-pressed={props.large} data-testid="large-switch">
          {props.large ? t('app.large.off') : t('app.large')}
        </button>
        <button type="button" onClick={() => void logout()}>
          {t('app.logout')}
        </button>
      </header>
      <div class="body">
        <nav class="side" aria-label={t('app.nav')}>
          <QueueNav path={path} />
          <ul>
            {screensFor(role).map((s) => (
              <li key={s.path}>
                <a href={s.path} aria-current={path === s.path ? 'page' : undefined}>
                  {t(s.label)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" tabIndex={-1}>
          <Page path={path} />
        </main>
      </div>
    </div>
  );
}

/** The switch names the other language in that language (English / 中文), marked with its `lang`. */
export function LangSwitch({ onClick }: { onClick: () => void }) {
  const { t, lang } = useI18n();
  return (
    <button type="button" onClick={onClick} aria-label={t('app.lang')} data-testid="lang-switch">
      <span lang={lang === 'en' ? 'zh-CN' : 'en'}>{t('app.lang.switch')}</span>
    </button>
  );
}

function Page({ path }: { path: string }) {
  const { t } = useI18n();
  const { user } = useSession();
  const queue = /^\/queues\/([a-z_]+)$/.exec(path);
  if (queue?.[1]) return <QueueView key={queue[1]} queue={queue[1]} />;
  const caseMatch = /^\/cases\/([0-9a-f-]{36})$/.exec(path);
  if (caseMatch?.[1]) return <CaseView key={caseMatch[1]} id={caseMatch[1]} />;
  const allowed = screensFor(user.role).some((s) => s.path === path);
  if (allowed && path === '/report') return <ReportView />;
  if (allowed && path === '/map') return <MapView />;
  if (allowed && path === '/charts') return <ChartsView />;
  if (allowed && path === '/vehicles') return <VehiclesView />;
  if (allowed && path === '/video') return <VideoView />;
  if (allowed && path === '/health') return <HealthView />;
  if (path === '/' || path === '/login') return <Loading />;
  return (
    <section>
      <h1>{t('app.notFound')}</h1>
    </section>
  );
}
