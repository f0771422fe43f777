/**
 * The admin's words: the shared catalogues (error codes, the same sentences the API answers
 * with) plus this app's own, French first, English second.
 */
import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en as sharedEn } from '../../../../../shared/i18n/en.js';
import { fr as sharedFr } from '../../../../../shared/i18n/fr.js';
import { DEFAULT_LOCALE, LOCALES, type Locale } from '../../../../../shared/i18n/index.js';
import { uiEn } from './en.js';
import { uiFr } from './fr.js';

type Widen<T> = { -readonly [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
export type UiCatalogue = Widen<typeof uiFr>;

export const resources = {
  fr: { translation: { ...sharedFr, ui: uiFr } },
  en: { translation: { ...sharedEn, ui: uiEn } },
} as const;

const LANGUAGE_KEY = 'afrigest.admin.language';

/** The language chosen on this browser before, French otherwise. */
export function savedLocale(): Locale {
  try {
    const saved = localStorage.getItem(LANGUAGE_KEY);
    return saved && (LOCALES as readonly string[]).includes(saved) ? (saved as Locale) : DEFAULT_LOCALE;
  } catch {
    return DEFAULT_LOCALE;
  }
}

export function saveLocale(locale: Locale): void {
  try {
    localStorage.setItem(LANGUAGE_KEY, locale);
  } catch {
    // Private browsing may refuse storage: the choice then lasts until the page is closed.
  }
}

export function createI18n(locale: Locale = DEFAULT_LOCALE): i18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    lng: locale,
    fallbackLng: DEFAULT_LOCALE,
    resources,
    interpolation: { escapeValue: false },
    initAsync: false,
    showSupportNotice: false,
  } as Parameters<i18n['init']>[0]);
  return instance;
}

/** Intl locale of a screen language: French as written in Guinea, English likewise. */
export function intlLocale(locale: string): string {
  return locale === 'en' ? 'en-GN' : 'fr-GN';
}
