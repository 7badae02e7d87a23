import type { Translate } from './i18n.js';
import type { ClockView } from './types.js';

/** "2天3小时" / "2d 3h": the two largest units, in the console's language. */
export function duration(t: Translate, ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  if (minutes < 1) return t('time.lessMinute');
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const parts: string[] = [];
  if (d) parts.push(t('time.d', { n: d }));
  if (h && parts.length < 2) parts.push(t('time.h', { n: h }));
  if (m && parts.length < 2 && !d) parts.push(t('time.m', { n: m }));
  return parts.join(' ');
}

export function timeLeft(t: Translate, clock: ClockView | null): string {
  if (!clock) return t('app.none');
  if (clock.state === 'suspended') return t('time.suspended');
  if (clock.remainingMs === null) return t('app.none');
  return clock.remainingMs >= 0
    ? t('time.left', { t: duration(t, clock.remainingMs) })
    : t('time.over', { t: duration(t, clock.remainingMs) });
}

/** Local date-time of an ISO instant as the control room reads it (yyyy-mm-dd hh:mm). */
export function dateTime(iso: string | null | undefined, lang: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone: 'Asia/Shanghai',
  });
}

/** hh:mm:ss in the console's language (24-hour). */
export function clockTime(d: Date, lang: string): string {
  return d.toLocaleTimeString(lang === 'en' ? 'en-GB' : 'zh-CN', { hour12: false });
}
