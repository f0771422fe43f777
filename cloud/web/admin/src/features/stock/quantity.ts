/**
 * Quantities as managers type and read them: whole pieces, or kilograms and litres to the gram
 * and millilitre. The API counts in thousandths of a unit (`quantityMilli`), never in floats.
 */
import type { Unit } from '../../api/stock.js';

/**
 * Typed text in thousandths: "12", "-3", "+2", "2,5", "2.250", "1 200". Null when it is not a
 * number with at most three decimals, or when a piece is cut, or a sign is typed where none may be.
 */
export function parseQuantity(text: string, unit: Unit, options: { signed: boolean }): number | null {
  const match = /^([+-]?)(\d{1,12})(?:[.,](\d{1,3}))?$/.exec(text.trim().replace(/[\s\u00a0\u202f]/g, ''));
  if (!match) return null;
  if (match[1] && !options.signed) return null;
  const milli = Number(match[2]) * 1000 + Number((match[3] ?? '').padEnd(3, '0'));
  if (unit === 'piece' && milli % 1000 !== 0) return null;
  return match[1] === '-' ? -milli : milli;
}

/** Thousandths as the screen shows them, in the screen's language, with the unit for kg and litres. */
export function formatQuantity(milli: number, unit: Unit, locale: string, options: { signed?: boolean } = {}): string {
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 3, ...(options.signed ? { signDisplay: 'exceptZero' } : {}) }).format(milli / 1000);
  return unit === 'piece' ? number : `${number}\u00a0${unit === 'kg' ? 'kg' : 'l'}`;
}

/** The number as a counting field holds it: "2,5" in French, "2.5" in English, no grouping. */
export function quantityInput(milli: number | null, locale: string): string {
  if (milli === null) return '';
  const text = String(milli / 1000);
  return locale.startsWith('fr') ? text.replace('.', ',') : text;
}
