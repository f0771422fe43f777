/**
 * What a product costs the company: the weighted average of what was paid for the stock on hand.
 * Quantities are in thousandths of a unit (1 piece = 1000, 1.250 kg = 1250); costs are integer
 * minor units per whole unit. The one rounding of a cost is here, used by the cloud's receptions
 * and by anything that shows what a reception will do.
 */
import { assertMinorUnits, divideRounded } from './money.js';

export type CostReceipt = {
  /** Stock on hand across the company's boutiques before the receipt (may be negative: sold offline before it was received). */
  onHandMilli: number;
  /** The product's cost before the receipt, null when it never had one. */
  costMinor: number | null;
  /** The quantity received, positive. */
  receivedMilli: number;
  /** What was paid per whole unit for the quantity received. */
  unitCostMinor: number;
};

/**
 * (on hand × old cost + received × unit cost) / (on hand + received), rounded half away from zero
 * (the rounding of shared/money.ts). With nothing (or less than nothing) on hand, or no cost
 * known, the stock is valued at what was just paid: a negative quantity has no cost to weigh, and
 * weighing it would drag the average below anything ever paid.
 */
export function weightedAverageCost(receipt: CostReceipt): number {
  const { onHandMilli, costMinor, receivedMilli, unitCostMinor } = receipt;
  assertMinorUnits(onHandMilli, 'onHandMilli');
  assertMinorUnits(receivedMilli, 'receivedMilli');
  assertMinorUnits(unitCostMinor, 'unitCostMinor');
  if (receivedMilli <= 0) throw new RangeError(`a receipt brings a positive quantity, got ${receivedMilli}`);
  if (unitCostMinor < 0) throw new RangeError(`a unit cost is not negative, got ${unitCostMinor}`);
  if (costMinor === null || onHandMilli <= 0) return unitCostMinor;
  assertMinorUnits(costMinor, 'costMinor');
  const value = BigInt(onHandMilli) * BigInt(costMinor) + BigInt(receivedMilli) * BigInt(unitCostMinor);
  return divideRounded(value, BigInt(onHandMilli) + BigInt(receivedMilli));
}
