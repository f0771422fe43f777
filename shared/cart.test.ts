import { describe, expect, it } from 'vitest';
import { CartLimitError, MAX_CART_LINES, MAX_CART_TOTAL_MINOR, MAX_LINE_QUANTITY_MILLI, cartProblem, priceCart, quantityProblem, type PricedProduct } from './cart.js';

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

describe('cart bounds', () => {
  const kilo: PricedProduct = { id: 'sucre', name: 'Sucre au kilo', barcode: '4', priceMinor: 12_000, vatRateBp: 1800, unit: 'kg' };
  const piece: PricedProduct = { ...savon, unit: 'piece' };

  it('refuses the quantity typed by mistake at the till with a code, never a RangeError', () => {
    // 999999999999 typed in the quantity field: 10^15 thousandths, a line of 5.5 × 10^16 GNF.
    const absurd = () => priceCart([{ product: riz, quantityMilli: 999_999_999_999_000 }]);
    expect(absurd).toThrow(CartLimitError);
    expect(() => absurd()).toThrow(expect.objectContaining({ code: 'QUANTITY_TOO_LARGE', params: { name: 'Riz 5 kg', max: 9_999 } }));
    expect(quantityProblem(riz, MAX_LINE_QUANTITY_MILLI)).toBeNull();
    expect(quantityProblem(riz, MAX_LINE_QUANTITY_MILLI + 1)?.code).toBe('QUANTITY_TOO_LARGE');
  });

  it('sells pieces whole, weights to the gram, and nothing zero, negative or fractional in thousandths', () => {
    expect(quantityProblem(piece, 1500)).toEqual({ code: 'QUANTITY_NOT_WHOLE', params: { name: 'Savon' } });
    expect(quantityProblem(piece, 3000)).toBeNull();
    expect(quantityProblem(kilo, 250)).toBeNull();
    for (const bad of [0, -1000, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) expect(quantityProblem(kilo, bad)?.code, String(bad)).toMatch(/^QUANTITY_(INVALID|TOO_LARGE)$/);
    expect(cartProblem([{ product: savon, quantityMilli: 1000 }, { product: piece, quantityMilli: 2500 }])).toEqual({ code: 'QUANTITY_NOT_WHOLE', line: 1, params: { name: 'Savon' } });
  });

  it('keeps every total an exact integer: a line or a sale above the ceiling is refused before it is computed', () => {
    const dear: PricedProduct = { ...riz, priceMinor: 999_999_999_999 };
    expect(cartProblem([{ product: dear, quantityMilli: 1000 }])).toBeNull();
    expect(cartProblem([{ product: dear, quantityMilli: 2000 }])).toEqual({ code: 'CART_TOTAL_TOO_LARGE', line: 0, params: {} });
    // Each line within the ceiling, their sum above it.
    const half: PricedProduct = { ...riz, priceMinor: MAX_CART_TOTAL_MINOR / 2 };
    expect(cartProblem([{ product: half, quantityMilli: 1000 }, { product: half, quantityMilli: 1000 }])).toBeNull();
    expect(cartProblem([{ product: half, quantityMilli: 1000 }, { product: half, quantityMilli: 1000 }, { product: eau, quantityMilli: 1000 }])?.code).toBe('CART_TOTAL_TOO_LARGE');
    // The largest cart allowed prices exactly.
    const full = Array.from({ length: MAX_CART_LINES }, () => ({ product: { ...riz, priceMinor: 200_000 }, quantityMilli: MAX_LINE_QUANTITY_MILLI }));
    const totals = priceCart(full, { kind: 'percent', rate: 333 });
    expect(Number.isSafeInteger(totals.totalMinor)).toBe(true);
    expect(totals.subtotalMinor).toBe(MAX_CART_LINES * 200_000 * 9_999);
    expect(totals.lines.reduce((a, l) => a + l.totalMinor, 0)).toBe(totals.totalMinor);
    expect(() => priceCart([...full, { product: eau, quantityMilli: 1000 }])).toThrow(expect.objectContaining({ code: 'CART_TOO_LARGE', params: { max: MAX_CART_LINES } }));
  });
});
