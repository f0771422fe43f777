import { describe, expect, it } from 'vitest';
import { formatQuantity, parseQuantity } from './quantities.js';

describe('transfer quantities', () => {
  it('reads units with up to three decimals, a comma or a point, into thousandths', () => {
    expect(parseQuantity('12')).toBe(12_000);
    expect(parseQuantity(' 2,5 ')).toBe(2_500);
    expect(parseQuantity('0.125')).toBe(125);
    expect(parseQuantity('1 000')).toBe(1_000_000);
  });

  it('refuses what is not a quantity, and zero unless a reception allows it', () => {
    for (const bad of ['', 'abc', '-1', '1,2345', '1e3', '2,5,1']) expect(parseQuantity(bad)).toBeNull();
    expect(parseQuantity('0')).toBeNull();
    expect(parseQuantity('0', true)).toBe(0);
    expect(parseQuantity('2000000000')).toBeNull();
  });

  it('shows thousandths as units in the screen’s language', () => {
    expect(formatQuantity(2_500, 'fr-FR')).toBe('2,5');
    expect(formatQuantity(12_000, 'en-GB')).toBe('12');
  });
});
