// The current language as reactive state. Default from the browser, choice kept in
// localStorage, and `t()` reads the catalog so every component re-renders on a switch.
import { en, type Catalog, type MessageKey } from './en.ts';
import { zhCN } from './zh-CN.ts';

/** Languages the UI ships. */
export type Locale = 'en' | 'zh-CN';

/** Both catalogs, by locale. */
export const catalogs: Record<Locale, Catalog> = { en, 'zh-CN': zhCN };

const STORAGE_KEY = 'hotline.locale';

/** Picks zh-CN for any Chinese browser language, English otherwise. */
export function pickLocale(saved: string | null, browser: readonly string[]): Locale {
  if (saved === 'en' || saved === 'zh-CN') return saved;
  for (const l of browser) {
    if (l.toLowerCase().startsWith('zh')) return 'zh-CN';
    if (l.toLowerCase().startsWith('en')) return 'en';
  }
  return 'en';
}

function initialLocale(): Locale {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem(STORAGE_KEY);
  } catch {
    saved = null;
  }
  return pickLocale(saved, typeof navigator === 'undefined' ? [] : navigator.languages ?? [navigator.language]);
}

/** Replaces `{name}` markers with the given values. */
export function format(template: string, params?: Record<string, string | number>): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

class I18n {
  /** The language in use. */
  locale = $state<Locale>(initialLocale());

  /** Switches language and remembers it for the next visit. */
  set(locale: Locale): void {
    this.locale = locale;
    try {
      localStorage.setItem(STORAGE_KEY, locale);
    } catch {
      /* private mode: the choice lasts for this page only */
    }
    document.documentElement.lang = locale;
  }
}

/** The app-wide language state. */
export const i18n = new I18n();

/** Translates a key in the current language. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  return format(catalogs[i18n.locale][key], params);
}

/** True when a string is a known message key (for server codes mapped to `err.*`). */
export function isMessageKey(key: string): key is MessageKey {
  return key in en;
}
