import { describe, expect, it } from 'vitest';
import { weightedAverageCost } from './costing.js';

describe('weightedAverageCost', () => {
  it('weighs the stock on hand and the quantity received by their quantities', () => {
    // 10 pieces at 1 000 GNF, 30 received at 2 000 GNF: (10 000 + 60 000) / 40 = 1 750.
    expect(weightedAverageCost({ onHandMilli: 10_000, costMinor: 1_000, receivedMilli: 30_000, unitCostMinor: 2_000 })).toBe(1_750);
  });

  it('takes the unit cost when nothing is on hand, less than nothing is, or no cost was known', () => {
    expect(weightedAverageCost({ onHandMilli: 0, costMinor: 900, receivedMilli: 5_000, unitCostMinor: 1_200 })).toBe(1_200);
    expect(weightedAverageCost({ onHandMilli: -3_000, costMinor: 900, receivedMilli: 5_000, unitCostMinor: 1_200 })).toBe(1_200);
    expect(weightedAverageCost({ onHandMilli: 7_000, costMinor: null, receivedMilli: 5_000, unitCostMinor: 1_200 })).toBe(1_200);
  });

  it('weighs milli-unit quantities (sold by weight) exactly', () => {
    // 2.500 kg at 8 000 GNF/kg, 1.250 kg received at 9 500 GNF/kg: (20 000 + 11 875) / 3.75 = 8 500.
    expect(weightedAverageCost({ onHandMilli: 2_500, costMinor: 8_000, receivedMilli: 1_250, unitCostMinor: 9_500 })).toBe(8_500);
    // 0.001 kg on hand does not move the cost of 10 kg received by more than its weight.
    expect(weightedAverageCost({ onHandMilli: 1, costMinor: 1_000_000, receivedMilli: 10_000, unitCostMinor: 1_000 })).toBe(1_100);
  });

  it('rounds half away from zero, once', () => {
    // (1 × 1 000 + 1 × 1 001) / 2 = 1 000.5 → 1 001.
    expect(weightedAverageCost({ onHandMilli: 1_000, costMinor: 1_000, receivedMilli: 1_000, unitCostMinor: 1_001 })).toBe(1_001);
    // (2 × 1 000 + 1 × 1 001) / 3 = 1 000.33… → 1 000.
    expect(weightedAverageCost({ onHandMilli: 2_000, costMinor: 1_000, receivedMilli: 1_000, unitCostMinor: 1_001 })).toBe(1_000);
    // (1 × 1 000 + 2 × 1 001) / 3 = 1 000.66… → 1 001.
    expect(weightedAverageCost({ onHandMilli: 1_000, costMinor: 1_000, receivedMilli: 2_000, unitCostMinor: 1_001 })).toBe(1_001);
  });

  it('stays exact where a float product would not (large stock, large costs)', () => {
    // 9 000 000 000 milli × 999 999 999 is past 2^53; BigInt keeps it exact: 899 999 999.2 → 899 999 999.
    expect(weightedAverageCost({ onHandMilli: 9_000_000_000, costMinor: 999_999_999, receivedMilli: 1_000_000_000, unitCostMinor: 1 })).toBe(899_999_999);
  });

  it('refuses what is not a receipt', () => {
    expect(() => weightedAverageCost({ onHandMilli: 0, costMinor: null, receivedMilli: 0, unitCostMinor: 1 })).toThrow(RangeError);
    expect(() => weightedAverageCost({ onHandMilli: 0, costMinor: null, receivedMilli: 1_000, unitCostMinor: -1 })).toThrow(RangeError);
    expect(() => weightedAverageCost({ onHandMilli: 0.5, costMinor: null, receivedMilli: 1_000, unitCostMinor: 1 })).toThrow(RangeError);
  });
});
