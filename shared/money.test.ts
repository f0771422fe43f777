import { describe, expect, it } from 'vitest';
import { allocate, discountRate, discountValue, divideRounded, formatMoney, lineAmount, parseMajor, percentOf, toMajorString, vatIncluded, vatOnNet } from './money.js';

describe('money', () => {
  it('rounds half away from zero', () => {
    expect(divideRounded(5n, 10n)).toBe(1);
    expect(divideRounded(4n, 10n)).toBe(0);
    expect(divideRounded(-5n, 10n)).toBe(-1);
    expect(divideRounded(15n, 10n)).toBe(2);
  });

  it('computes 18 % VAT on net and inside gross amounts, in whole GNF', () => {
    expect(vatOnNet(10_000, 1800)).toBe(1800);
    expect(vatOnNet(3, 1800)).toBe(1); // 0.54 -> 1
    const { net, vat } = vatIncluded(11_800, 1800);
    expect(net).toBe(10_000);
    expect(vat).toBe(1800);
    const odd = vatIncluded(12_345, 1800);
    expect(odd.net + odd.vat).toBe(12_345);
    expect(odd.net).toBe(10_462); // 10461.86 -> 10462
  });

  it('computes line amounts from thousandths of a unit', () => {
    expect(lineAmount(2_500, 3_000)).toBe(7_500);
    expect(lineAmount(2_500, 1_250)).toBe(3_125);
    expect(lineAmount(999, 1_500)).toBe(1_499); // 1498.5 -> 1499
  });

  it('caps discounts at the amount and never below zero', () => {
    expect(discountValue(10_000, { kind: 'percent', rate: 1000 })).toBe(1_000);
    expect(discountValue(10_000, { kind: 'amount', amount: 50_000 })).toBe(10_000);
    expect(discountValue(10_000, { kind: 'amount', amount: -5 })).toBe(0);
    expect(discountRate(10_000, 1_000)).toBe(1000);
    expect(discountRate(10_000, 1_001)).toBe(1001);
    expect(discountRate(3, 1)).toBe(3334);
    expect(percentOf(333, 5000)).toBe(167);
  });

  it('allocates a total over weights exactly', () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(1000, [2500, 7500])).toEqual([250, 750]);
    expect(allocate(7, [0, 0])).toEqual([7, 0]);
    for (let i = 0; i < 200; i++) {
      const weights = Array.from({ length: 1 + (i % 7) }, (_, k) => (k * 7919 + i * 104729) % 50_000);
      const total = (i * 15_485_863) % 1_000_000;
      expect(allocate(total, weights).reduce((a, b) => a + b, 0)).toBe(total);
    }
  });

  it('refuses floats', () => {
    expect(() => percentOf(10.5, 1800)).toThrow(RangeError);
    expect(() => lineAmount(100, 0.5)).toThrow(RangeError);
  });

  it('parses and prints amounts without decimals for GNF', () => {
    expect(parseMajor('12 500', 'GNF')).toBe(12_500);
    expect(() => parseMajor('12,5', 'GNF')).toThrow(RangeError);
    expect(parseMajor('19,99', 'EUR')).toBe(1999);
    expect(toMajorString(1999, 'EUR')).toBe('19.99');
    expect(toMajorString(5, 'USD')).toBe('0.05');
    expect(toMajorString(12_500, 'GNF')).toBe('12500');
    expect(formatMoney(12_500, 'GNF').replace(/[\u00a0\u202f]/g, ' ')).toBe('12 500 GNF');
    expect(formatMoney(1_250_000, 'GNF', 'en')).toMatch(/^GNF\s1,250,000$/);
  });
});
