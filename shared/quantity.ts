import type { Unit } from './cart.js';
import { DOCUMENT_LIMITS } from './schema/common.js';

/**
 * Quantities as people type and read them. Stored and sent as whole thousandths of the product's
 * unit (a piece, a kilogram, a litre), so 2,5 kg is 2500 and no float ever holds a quantity.
 */
export type QuantityRules = {
  /** A piece cannot be cut: only whole units. */
  unit?: Unit | null | undefined;
  /** A sign may be typed (an adjustment takes away or brings); otherwise only amounts. */
  signed?: boolean;
  /** Zero is a quantity here (a counted shelf that is empty, a line of which nothing arrived). */
  allowZero?: boolean;
  /** The most, in thousandths; a document may hold no more than its schema's limit. */
  maxMilli?: number;
};

/** "12", "2,5", "0.125", "1 000", "-3" (when signed) → thousandths; anything else → null. */
export function parseQuantity(text: string, rules: QuantityRules = {}): number | null {
  const match = /^([+-]?)(\d{1,15})(?:[.,](\d{1,3}))?$/.exec(text.replace(/[\s\u00a0\u202f]/g, ''));
  if (!match) return null;
  const [, sign, whole, fraction = ''] = match;
  if (sign && !rules.signed) return null;
  const magnitude = Number(whole) * 1000 + Number(fraction.padEnd(3, '0'));
  if (!Number.isSafeInteger(magnitude) || magnitude > (rules.maxMilli ?? DOCUMENT_LIMITS.quantityMilli)) return null;
  if (magnitude === 0 && !rules.allowZero) return null;
  if (rules.unit === 'piece' && magnitude % 1000 !== 0) return null;
  return sign === '-' ? -magnitude : magnitude;
}

/** Thousandths shown in the screen's language: 2500 kg → "2,5 kg"; with `signed`, "+3" and "−3". */
export function formatQuantity(milli: number, locale: string, options: { unit?: Unit | null | undefined; signed?: boolean } = {}): string {
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 3, ...(options.signed ? { signDisplay: 'exceptZero' } : {}) }).format(milli / 1000);
  return !options.unit || options.unit === 'piece' ? number : `${number}\u00a0${options.unit}`;
}

/** What a quantity field holds for editing: no grouping, the decimal mark of the language. */
export function quantityInputText(milli: number | null, locale: string): string {
  if (milli === null) return '';
  const text = String(milli / 1000);
  return locale.startsWith('fr') ? text.replace('.', ',') : text;
}
