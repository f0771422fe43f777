import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { DEFAULT_CURRENCY, formatMoney } from '../../../../../shared/money.js';
import { intlLocale } from '../i18n/index.js';

/** Dates are stored in UTC and read in the boutiques' time zone. */
export const TIME_ZONE = 'Africa/Conakry';

/** Amounts, counts and dates in the screen's language: GNF without decimals, Conakry time. */
export function useFormat() {
  const { i18n } = useTranslation();
  const locale = intlLocale(i18n.language);
  return useMemo(() => {
    const dates = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short', timeZone: TIME_ZONE });
    const numbers = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
    return {
      locale,
      money: (minor: number) => formatMoney(minor, DEFAULT_CURRENCY, locale),
      number: (value: number) => numbers.format(value),
      /** Basis points as a percentage: 1800 → "18 %". */
      percent: (bp: number) => `${numbers.format(bp / 100)}${locale.startsWith('fr') ? '\u202f%' : '%'}`,
      date: (iso: string) => {
        const date = new Date(iso);
        return Number.isNaN(date.getTime()) ? iso : dates.format(date);
      },
    };
  }, [locale]);
}
