import { describe, expect, it } from 'vitest';
import { parseQuantity, parseUnitCost, quantityText } from './quantities.js';

describe('purchasing quantities as typed', () => {
  it('reads whole and decimal quantities into thousandths', () => {
    expect(parseQuantity('12', 'piece')).toBe(12_000);
    expect(parseQuantity('2 000', 'piece')).toBe(2_000_000);
    expect(parseQuantity('1,5', 'kg')).toBe(1_500);
    expect(parseQuantity('1.250', 'l')).toBe(1_250);
    expect(parseQuantity('0,001', 'kg')).toBe(1);
  });

  it('refuses what is not a quantity, a part of a piece, zero and too much', () => {
    for (const text of ['', 'abc', '-1', '1,2345', '1,5,2']) expect(parseQuantity(text, 'kg')).toBeNull();
    expect(parseQuantity('1,5', 'piece')).toBeNull();
    expect(parseQuantity('0', 'piece')).toBeNull();
    expect(parseQuantity('100001', 'piece')).toBeNull();
  });

  it('shows thousandths back in the screen language', () => {
    expect(quantityText(1_500, 'fr')).toBe('1,5');
    expect(quantityText(1_500, 'en')).toBe('1.5');
    expect(quantityText(12_000, 'fr')).toBe('12');
  });

  it('reads GNF unit costs without decimals', () => {
    expect(parseUnitCost('12 500')).toBe(12_500);
    expect(parseUnitCost('0')).toBe(0);
    expect(parseUnitCost('12,5')).toBeNull();
    expect(parseUnitCost('-3')).toBeNull();
    expect(parseUnitCost('600000000')).toBeNull();
  });
});
