import { useTranslation } from 'react-i18next';
import { parseQuantity as parseTypedQuantity, type QuantityRules } from '../../../../shared/quantity.js';
import { formatMoney, isCurrencyCode, parseMajor, DEFAULT_CURRENCY, type CurrencyCode } from '../../../../shared/money.js';
import { intlLocale } from '../i18n/index.js';
import { useTill } from '../till.js';

export function currencyOf(code: string | undefined): CurrencyCode {
  return code && isCurrencyCode(code) ? code : DEFAULT_CURRENCY;
}

/** Amounts, quantities and dates as the cashier reads them, in the screen's language. */
export function useFormat() {
  const { i18n } = useTranslation();
  const { state } = useTill();
  const locale = intlLocale(i18n.language);
  const currency = currencyOf(state.till?.tenant.currency);
  const timeZone = state.till?.tenant.timeZone || 'Africa/Conakry';
  return {
    currency,
    money: (minor: number) => formatMoney(minor, currency, locale),
    /** Quantities are thousandths: 1000 is one piece, 250 is 0.25 kg. */
    quantity: (milli: number) => new Intl.NumberFormat(locale, { maximumFractionDigits: 3 }).format(milli / 1000),
    date: (iso: string) => {
      try {
        return new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short', timeZone }).format(new Date(iso));
      } catch {
        return iso;
      }
    },
    /** Typed amount → minor units, or null when it is not an amount. */
    parseAmount: (text: string): number | null => {
      if (!text.trim()) return null;
      try {
        return parseMajor(text, currency);
      } catch {
        return null;
      }
    },
  };
}

/**
 * A typed quantity ("2", "0,25") → thousandths, or null. An absurd one still reads, so the cart
 * can say in words why it refuses it (shared/cart.ts) rather than "not a quantity".
 */
export function parseQuantity(text: string, rules: QuantityRules = {}): number | null {
  return parseTypedQuantity(text, { maxMilli: Number.MAX_SAFE_INTEGER, ...rules });
}

/** A key for idempotent starts: same key, same payment. */
export function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
