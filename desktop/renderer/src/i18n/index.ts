/**
 * The counter's words: the shared catalogues (error codes, the same sentences core puts in the
 * bridge's error format) plus this screen's own, French first, English second.
 */
import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en as sharedEn } from '../../../../shared/i18n/en.js';
import { fr as sharedFr } from '../../../../shared/i18n/fr.js';
import { DEFAULT_LOCALE, type Locale } from '../../../../shared/i18n/index.js';
import { uiEn } from './en.js';
import { uiFr } from './fr.js';

export const resources = {
  fr: { translation: { ...sharedFr, ui: uiFr } },
  en: { translation: { ...sharedEn, ui: uiEn } },
} as const;

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

/** Intl locale of a screen language: French as spoken in Guinea, English likewise. */
export function intlLocale(locale: string): string {
  return locale === 'en' ? 'en-GN' : 'fr-GN';
}
