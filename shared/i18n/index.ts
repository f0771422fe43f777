import i18next, { type i18n } from 'i18next';
import { en } from './en.js';
import { fr } from './fr.js';

type Widen<T> = { -readonly [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
export type Catalogue = Widen<typeof fr>;
export type ErrorCode = keyof Catalogue['errors'];

export const LOCALES = ['fr', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'fr';

const instances = new Map<Locale, i18n>();

function instanceFor(locale: Locale): i18n {
  let instance = instances.get(locale);
  if (!instance) {
    instance = i18next.createInstance();
    void instance.init({
      lng: locale,
      fallbackLng: DEFAULT_LOCALE,
      resources: { fr: { translation: fr }, en: { translation: en } },
      interpolation: { escapeValue: false },
      initAsync: false,
      showSupportNotice: false,
    } as Parameters<i18n['init']>[0]);
    instances.set(locale, instance);
  }
  return instance;
}

/** Picks our locale from an Accept-Language header or a user setting; French unless English is asked. */
export function pickLocale(preference: string | null | undefined): Locale {
  if (!preference) return DEFAULT_LOCALE;
  for (const part of preference.split(',')) {
    const tag = part.trim().slice(0, 2).toLowerCase();
    if ((LOCALES as readonly string[]).includes(tag)) return tag as Locale;
  }
  return DEFAULT_LOCALE;
}

export function translate(locale: Locale, key: string, params?: Record<string, unknown>): string {
  return instanceFor(locale).t(key, params ?? {}) as string;
}

export function errorMessage(locale: Locale, code: ErrorCode, params?: Record<string, unknown>): string {
  return translate(locale, `errors.${code}`, params);
}

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(fr.errors, code);
}
