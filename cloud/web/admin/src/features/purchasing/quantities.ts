/**
 * Quantities and costs as a person types them on the purchasing screens. Quantities leave in
 * thousandths of a unit (1,5 kg → 1500), costs in minor units (GNF: whole francs, shared/money.ts).
 */
import { DEFAULT_CURRENCY, parseMajor } from '../../../../../../shared/money.js';
import type { QuantityRules } from '../../../../../../shared/quantity.js';
import type { Unit } from '../../api/purchasing.js';

/** The API's bound of a line (cloud/api/purchasing/routes.ts): 100,000 units. */
export const MAX_QUANTITY_MILLI = 100_000_000;
export const MAX_UNIT_COST_MINOR = 500_000_000;

/** What one purchase line may order or receive, in its product's unit: the bound catches a mistyped extra zero. */
export function purchaseQuantityRules(unit: Unit): QuantityRules {
  return { unit, maxMilli: MAX_QUANTITY_MILLI };
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
