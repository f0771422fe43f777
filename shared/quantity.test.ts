import { describe, expect, it } from 'vitest';
import { formatQuantity, parseQuantity, quantityInputText } from './quantity.js';

describe('quantities typed and shown', () => {
  it('reads whole units and up to three decimals, French or English, into thousandths', () => {
    expect(parseQuantity('12')).toBe(12_000);
    expect(parseQuantity(' 2,5 ')).toBe(2_500);
    expect(parseQuantity('0.125')).toBe(125);
    expect(parseQuantity('1 000')).toBe(1_000_000);
    expect(parseQuantity('1\u202f200', { unit: 'piece' })).toBe(1_200_000);
    expect(parseQuantity('0,001', { unit: 'kg' })).toBe(1);
  });

  it('refuses words, a fourth decimal, two decimal marks, exponents, a cut piece', () => {
    for (const bad of ['', 'abc', 'douze', '1,2345', '2,5,1', '1e3', '0x10', '١٢']) expect(parseQuantity(bad)).toBeNull();
    expect(parseQuantity('1,5', { unit: 'piece' })).toBeNull();
    expect(parseQuantity('1,5', { unit: 'kg' })).toBe(1_500);
  });

  it('takes a sign only where one may be typed', () => {
    expect(parseQuantity('-1')).toBeNull();
    expect(parseQuantity('+1')).toBeNull();
    expect(parseQuantity('-3', { signed: true })).toBe(-3_000);
    expect(parseQuantity('+0,75', { unit: 'kg', signed: true })).toBe(750);
  });

  it('takes zero only where zero means something, and no more than the limit', () => {
    expect(parseQuantity('0')).toBeNull();
    expect(parseQuantity('0,000', { allowZero: true })).toBe(0);
    expect(parseQuantity('100000', { maxMilli: 100_000_000 })).toBe(100_000_000);
    expect(parseQuantity('100001', { maxMilli: 100_000_000 })).toBeNull();
    expect(parseQuantity('2000000000')).toBeNull();
    expect(parseQuantity('999999999999999')).toBeNull();
  });

  it('shows thousandths in the language of the screen, with the unit where it is not a piece', () => {
    expect(formatQuantity(12_000, 'fr-GN')).toBe('12');
    expect(formatQuantity(2_500, 'fr-GN', { unit: 'kg' })).toBe('2,5\u00a0kg');
    expect(formatQuantity(750, 'en-GB', { unit: 'l' })).toBe('0.75\u00a0l');
    expect(formatQuantity(-3_000, 'en-GB', { unit: 'piece', signed: true })).toBe('-3');
    expect(formatQuantity(3_000, 'en-GB', { signed: true })).toBe('+3');
    expect(quantityInputText(2_500, 'fr-GN')).toBe('2,5');
    expect(quantityInputText(1_500, 'en')).toBe('1.5');
    expect(quantityInputText(null, 'fr')).toBe('');
  });
});
