import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { useI18n } from '../i18n.js';
import type { Light } from '../types.js';

export function Loading() {
  const { t } = useI18n();
  return (
    <p class="muted" role="status">
      {t('app.loading')}
    </p>
  );
}

export function ErrorNote({ error, retry }: { error: unknown; retry?: () => void }) {
  const { t } = useI18n();
  const detail = error instanceof ApiError ? `${error.status} ${error.code}: ${error.message}` : String(error);
  return (
    <div class="error" role="alert">
      <strong>{t('app.error')}</strong> <span class="data">{detail}</span>{' '}
      {retry && (
        <button type="button" onClick={retry}>
          {t('app.retry')}
        </button>
      )}
    </div>
  );
}

/** The traffic light: colour plus a text label for screen readers and colour-blind operators. */
export function TrafficLight({ light }: { light: Light | null | undefined }) {
  const { t } = useI18n();
  const key = light ?? 'none';
  const label = t(`light.${key}` as 'light.none');
  return (
    <span class={`light light-${key}`} title={label} role="img" aria-label={label} data-light={key}>
      <span aria-hidden="true" />
    </span>
  );
}

/** Polls `load` every `ms` while the page is visible; returns the latest value and error. */
export function usePoll<T>(load: (signal: AbortSignal) => Promise<T>, ms: number, deps: unknown[]) {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
  const tick = useRef(0);
  const last = useRef('');
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    const ctl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      const mine = ++tick.current;
      try {
        const v = await load(ctl.signal);
        if (mine === tick.current) {
          // An unchanged answer keeps the same value object, so nothing below re-renders for it.
          const text = JSON.stringify(v);
          if (text !== last.current) {
            last.current = text;
            setValue(v);
          }
          setError(null);
          setUpdatedAt(new Date());
        }
      } catch (e) {
        if (!ctl.signal.aborted) setError(e);
      }
      if (!ctl.signal.aborted) timer = setTimeout(run, document.hidden ? ms * 4 : ms);
    };
    void run();
    return () => {
      ctl.abort();
      clearTimeout(timer);
    };
  }, [...deps, nonce]);
  return { value, error, updatedAt, refresh: () => setNonce((n) => n + 1) };
}

/** A labelled form field with its server or client error shown beside it. */
export function Field(props: { id: string; label: string; error?: string | undefined; children: ComponentChildren }) {
  return (
    <div class={`field${props.error ? ' has-error' : ''}`}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.error && (
        <span class="field-error" id={`${props.id}-error`} role="alert">
          {props.error}
        </span>
      )}
    </div>
  );
}
