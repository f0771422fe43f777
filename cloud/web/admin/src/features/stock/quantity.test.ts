import { describe, expect, it } from 'vitest';
import { formatQuantity, parseQuantity, quantityInput } from './quantity.js';

describe('stock quantities typed and shown', () => {
  it('reads whole pieces and fractions of kilograms, French or English decimals', () => {
    expect(parseQuantity('12', 'piece', { signed: false })).toBe(12_000);
    expect(parseQuantity('1 200', 'piece', { signed: false })).toBe(1_200_000);
    expect(parseQuantity('2,5', 'kg', { signed: false })).toBe(2_500);
    expect(parseQuantity('0.125', 'l', { signed: false })).toBe(125);
    expect(parseQuantity('-3', 'piece', { signed: true })).toBe(-3_000);
    expect(parseQuantity('+0,75', 'kg', { signed: true })).toBe(750);
  });
  it('refuses a cut piece, a fourth decimal, a sign where none may be, and words', () => {
    expect(parseQuantity('2,5', 'piece', { signed: false })).toBeNull();
    expect(parseQuantity('1,2345', 'kg', { signed: false })).toBeNull();
    expect(parseQuantity('-1', 'piece', { signed: false })).toBeNull();
    expect(parseQuantity('douze', 'piece', { signed: false })).toBeNull();
    expect(parseQuantity('', 'piece', { signed: true })).toBeNull();
  });
  it('shows thousandths in the language of the screen', () => {
    expect(formatQuantity(12_000, 'piece', 'fr-GN')).toBe('12');
    expect(formatQuantity(2_500, 'kg', 'fr-GN')).toBe('2,5\u00a0kg');
    expect(formatQuantity(-3_000, 'piece', 'en-GB', { signed: true })).toBe('-3');
    expect(formatQuantity(3_000, 'piece', 'en-GB', { signed: true })).toBe('+3');
    expect(quantityInput(2_500, 'fr-GN')).toBe('2,5');
    expect(quantityInput(null, 'fr-GN')).toBe('');
  });
});
