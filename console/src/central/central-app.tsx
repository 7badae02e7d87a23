import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, api, onSessionLost, setCsrf } from '../api.js';
import { LangSwitch } from '../app.js';
import { useI18n } from '../i18n.js';
import { linkClick, navigate } from '../router.js';
import { type Session, SessionContext, useSession } from '../session.js';
import type { Category, User } from '../types.js';
import { ErrorNote, Loading } from '../ui/common.js';
import { LoginView } from '../views/login-view.js';
import { CityCaseView } from './city-case-view.js';
import { CityCasesView } from './city-cases-view.js';
import { DistrictsView } from './districts-view.js';
import { FileForDistrictView } from './file-view.js';
import { useLocation } from './location.js';
import { cityLanding, cityScreensFor } from './nav.js';
import { ProvisionalView } from './provisional-view.js';

export interface CentralRootProps {
  toggleLang: () => void;
  large: boolean;
  toggleLarge: () => void;
}

/**
 * The console on central (市级监督中心): logs in against central's users and shows the city's screens — districts
 * overview, city-wide cases, provisional decisions to confirm or overrule, filing for a district, and the city-owned
 * steps the user's role allows on a case.
 */
export function CentralRoot(props: CentralRootProps) {
  const { t } = useI18n();
  const [session, setSession] = useState<Session | null | 'loading'>('loading');
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async (csrf?: string) => {
    try {
      if (csrf) setCsrf(csrf);
      const me = await api.get<{ user: User; csrfToken: string }>('/api/v1/console/session');
      setCsrf(me.csrfToken);
      // A position without case access (a department handler) still gets a shell that says so.
      const cats = await api
        .get<{ categories: Category[] }>('/api/v1/console/categories')
        .catch(() => ({ categories: [] as Category[] }));
      setSession({
        user: me.user,
        settings: {
          district: { division: '', name: '' },
          city: { division: '', name: '' },
          basemap: null,
        },
        categories: new Map(cats.categories.map((c) => [`${c.kind}:${c.code}`, c])),
        people: new Map(),
        departments: new Map(),
      });
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
    return <LoginView onLogin={(_u, csrf) => void load(csrf)} toggleLang={props.toggleLang} title={t('city.title')} />;
  }
  return (
    <SessionContext.Provider value={session}>
      <CityShell {...props} onLogout={() => setSession(null)} />
    </SessionContext.Provider>
  );
}

function CityShell(props: CentralRootProps & { onLogout: () => void }) {
  const { t } = useI18n();
  const session = useSession();
  const { path, search } = useLocation();
  const role = session.user.role;
  useEffect(() => {
    if (path === '/' || path === '/login' || !path.startsWith('/city/')) navigate(cityLanding(role), true);
  }, [path, role]);
  const logout = async () => {
    await api.post('/api/v1/auth/logout').catch(() => {});
    props.onLogout();
    navigate('/', true);
  };
  const here = path + search;
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions lint/a11y/useKeyWithClickEvents: delegated link routing; links stay keyboard-operable
    <div class="shell city" onClick={linkClick}>
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <header class="top">
        <span class="brand">{t('app.brand')}</span>
        <span class="district">{t('city.centre')}</span>
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
          <ul>
            {cityScreensFor(role).map((s) => (
              <li key={s.path}>
                <a href={s.path} aria-current={here === s.path ? 'page' : undefined} data-screen={s.path}>
                  {t(s.label)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" tabIndex={-1}>
          <CityPage path={path} search={search} />
        </main>
      </div>
    </div>
  );
}

function CityPage({ path, search }: { path: string; search: string }) {
  const { t } = useI18n();
  const { user } = useSession();
  const allowed = (p: string) => cityScreensFor(user.role).some((s) => s.path.split('?')[0] === p);
  const caseMatch = /^\/city\/cases\/([0-9a-f-]{36})$/.exec(path);
  if (caseMatch?.[1] && allowed('/city/cases')) return <CityCaseView key={caseMatch[1]} id={caseMatch[1]} />;
  if (path === '/city/districts' && allowed(path)) return <DistrictsView />;
  if (path === '/city/cases' && allowed(path)) return <CityCasesView search={search} />;
  if (path === '/city/provisional' && allowed(path)) return <ProvisionalView />;
  if (path === '/city/file' && allowed(path)) return <FileForDistrictView />;
  if (path === '/city/none' || cityScreensFor(user.role).length === 0) {
    return (
      <section>
        <h1>{t('city.noScreens')}</h1>
      </section>
    );
  }
  if (!path.startsWith('/city/')) return <Loading />;
  return (
    <section>
      <h1>{t('app.notFound')}</h1>
    </section>
  );
}
