import { useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { LangSwitch } from '../app.js';
import { useI18n } from '../i18n.js';
import type { User } from '../types.js';
import { Field } from '../ui/common.js';

export function LoginView({
  onLogin,
  toggleLang,
  title,
}: {
  onLogin: (u: User, csrf: string) => void;
  toggleLang: () => void;
  /** The platform's name (central shows the city's). */
  title?: string;
}) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api.post<{ user: User; csrfToken: string }>('/api/v1/auth/login', { username, password });
      onLogin(r.user, r.csrfToken);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 429 ? t('login.limited') : t('login.failed'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="login" id="main">
      <form onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">
          {title ?? t('app.title')} · {t('login.title')}
        </h1>
        <Field id="login-username" label={t('login.username')}>
          <input
            id="login-username"
            name="username"
            autocomplete="username"
            required
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </Field>
        <Field id="login-password" label={t('login.password')}>
          <input
            id="login-password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </Field>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="row">
          <button type="submit" class="primary" disabled={busy}>
            {t('login.submit')}
          </button>
          <LangSwitch onClick={toggleLang} />
        </div>
      </form>
    </main>
  );
}
