import { describe, expect, it } from 'vitest';
import { priceCart, type PricedProduct } from './cart.js';

const riz: PricedProduct = { id: 'riz', name: 'Riz 5 kg', barcode: '1', priceMinor: 55_000, vatRateBp: 1800 };
const eau: PricedProduct = { id: 'eau', name: 'Eau 1,5 L', barcode: '2', priceMinor: 6_000, vatRateBp: 1800 };
const savon: PricedProduct = { id: 'savon', name: 'Savon', barcode: '3', priceMinor: 4_000, vatRateBp: 0 };

describe('priceCart', () => {
  it('adds lines, extracts VAT per line and keeps totals exact', () => {
    const totals = priceCart([{ product: riz, quantityMilli: 2000 }, { product: eau, quantityMilli: 3000 }, { product: savon, quantityMilli: 1000 }]);
    expect(totals.subtotalMinor).toBe(132_000);
    expect(totals.totalMinor).toBe(132_000);
    expect(totals.lines.map((l) => l.vatMinor)).toEqual([16_780, 2_746, 0]);
    expect(totals.vatMinor).toBe(19_526);
  });

  it('spreads a cart discount over the lines to the franc, after line discounts', () => {
    const totals = priceCart(
      [{ product: riz, quantityMilli: 1000, discount: { kind: 'amount', amount: 5_000 } }, { product: eau, quantityMilli: 1000 }],
      { kind: 'percent', rate: 1000 },
    );
    expect(totals.subtotalMinor).toBe(61_000);
    expect(totals.discountMinor).toBe(5_000 + 5_600);
    expect(totals.totalMinor).toBe(50_400);
    expect(totals.lines.reduce((a, l) => a + l.totalMinor, 0)).toBe(totals.totalMinor);
    expect(totals.discountRateBp).toBe(1738);
  });
});
