/**
 * Quantities and costs as a person types them on the purchasing screens. Quantities leave in
 * thousandths of a unit (1,5 kg → 1500), costs in minor units (GNF: whole francs, shared/money.ts).
 */
import { DEFAULT_CURRENCY, parseMajor } from '../../../../../../shared/money.js';
import type { Unit } from '../../api/purchasing.js';

/** The API's bound of a line (cloud/api/purchasing/routes.ts): 100,000 units. */
export const MAX_QUANTITY_MILLI = 100_000_000;
export const MAX_UNIT_COST_MINOR = 500_000_000;

/** "12", "1,5", "1.250", "2 000" → thousandths; null when it is not a quantity (or pieces are not whole). */
export function parseQuantity(text: string, unit: Unit): number | null {
  const cleaned = text.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  const match = /^(\d+)(?:\.(\d{1,3}))?$/.exec(cleaned);
  if (!match) return null;
  const milli = Number(match[1]) * 1000 + Number((match[2] ?? '').padEnd(3, '0'));
  if (!Number.isSafeInteger(milli) || milli <= 0 || milli > MAX_QUANTITY_MILLI) return null;
  if (unit === 'piece' && milli % 1000 !== 0) return null;
  return milli;
}

/** Thousandths as the field shows them again: 1500 → "1,5" in French, "1.5" in English. */
export function quantityText(milli: number, language: string): string {
  const text = String(milli / 1000);
  return language === 'en' ? text : text.replace('.', ',');
}

/** A unit cost in the currency's major units ("12 500") → minor units; null when not one. */
export function parseUnitCost(text: string): number | null {
  try {
    const minor = parseMajor(text, DEFAULT_CURRENCY);
    return minor >= 0 && minor <= MAX_UNIT_COST_MINOR ? minor : null;
  } catch {
    return null;
  }
}
