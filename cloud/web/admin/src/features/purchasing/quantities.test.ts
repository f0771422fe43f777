import { describe, expect, it } from 'vitest';
import { parseQuantity } from '../../../../../../shared/quantity.js';
import { parseUnitCost, purchaseQuantityRules } from './quantities.js';

describe('purchasing quantities as typed', () => {
  it('reads whole and decimal quantities into thousandths', () => {
    expect(parseQuantity('12', purchaseQuantityRules('piece'))).toBe(12_000);
    expect(parseQuantity('2 000', purchaseQuantityRules('piece'))).toBe(2_000_000);
    expect(parseQuantity('1,5', purchaseQuantityRules('kg'))).toBe(1_500);
    expect(parseQuantity('1.250', purchaseQuantityRules('l'))).toBe(1_250);
    expect(parseQuantity('0,001', purchaseQuantityRules('kg'))).toBe(1);
  });

  it('refuses what is not a quantity, a part of a piece, zero and too much', () => {
    for (const text of ['', 'abc', '-1', '1,2345', '1,5,2']) expect(parseQuantity(text, purchaseQuantityRules('kg'))).toBeNull();
    expect(parseQuantity('1,5', purchaseQuantityRules('piece'))).toBeNull();
    expect(parseQuantity('0', purchaseQuantityRules('piece'))).toBeNull();
    expect(parseQuantity('100001', purchaseQuantityRules('piece'))).toBeNull();
  });

  it('reads GNF unit costs without decimals', () => {
    expect(parseUnitCost('12 500')).toBe(12_500);
    expect(parseUnitCost('0')).toBe(0);
    expect(parseUnitCost('12,5')).toBeNull();
    expect(parseUnitCost('-3')).toBeNull();
    expect(parseUnitCost('600000000')).toBeNull();
  });
});
