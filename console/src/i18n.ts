import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { en, type MessageKey, zh } from './messages.js';

export type Lang = 'zh-CN' | 'en';
const catalogues: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zh, en };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** A translator for one language; a missing key shows as ⟦key⟧ so tests (and people) see it at once. */
export function translator(lang: Lang): Translate {
  const cat = catalogues[lang];
  return (key, params) => {
    const text = cat[key];
    if (text === undefined) return `⟦${key}⟧`;
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
  };
}

/** Looks up a key built at run time (a status, role or step name from the API). */
export function dynamicKey(prefix: string, value: string | null | undefined): MessageKey {
  return `${prefix}.${value ?? 'none'}` as MessageKey;
}

export function initialLang(): Lang {
  const saved = localStorage.getItem('wanmi.lang');
  return saved === 'en' || saved === 'zh-CN' ? saved : 'zh-CN';
}

export const I18n = createContext<{ lang: Lang; t: Translate }>({ lang: 'zh-CN', t: translator('zh-CN') });
export const useI18n = () => useContext(I18n);
