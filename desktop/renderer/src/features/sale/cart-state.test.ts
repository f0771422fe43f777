import { describe, expect, it } from 'vitest';
import type { BridgeProduct } from '../../../../bridge/contract.js';
import { fr } from '../../../../../shared/i18n/fr.js';
import { translate } from '../../../../../shared/i18n/index.js';
import {
  addProduct, capExceeded, checkoutLines, emptyCart, problemText, removeLine, restoredCart, savedCart, setCartDiscount, setLineDiscount, setQuantity, stepOf, totalsOf,
  type Cart, type CartChange,
} from './cart-state.js';

const product = (id: string, priceMinor: number, unit: BridgeProduct['unit'] = 'piece'): BridgeProduct => ({
  id, barcode: `200${id}`, name: `Produit ${id}`, categoryId: 'c', priceMinor, vatRateBp: 1800, unit, active: true,
});
const rice = product('1', 12_000);
const oil = product('2', 22_000);
const sugar = product('3', 11_000, 'kg');

/** The cart after a change that must be accepted. */
const made = (change: CartChange): Cart => {
  if (!change.ok) throw new Error(`refused: ${change.problem.code}`);
  return change.cart;
};

describe('the cart on screen', () => {
  it('adds a second scan of a product to its line, and a new product on a new line', () => {
    const cart = made(addProduct(made(addProduct(emptyCart, rice)), oil));
    const again = addProduct(cart, rice);
    expect(again).toMatchObject({ ok: true, index: 0 });
    expect(made(again).lines.map((l) => l.quantityMilli)).toEqual([2000, 1000]);
    expect(totalsOf(made(again)).totalMinor).toBe(46_000);
  });

  it('keeps a discounted line apart from a new scan of the same product', () => {
    const discounted = setLineDiscount(made(addProduct(emptyCart, rice)), 0, { kind: 'percent', rate: 500 });
    const more = addProduct(discounted, rice);
    expect(more).toMatchObject({ ok: true, index: 1 });
    expect(made(more).lines).toHaveLength(2);
  });

  it('steps pieces by one and weighed goods by 100 g; zero removes the line', () => {
    const cart = made(addProduct(made(addProduct(emptyCart, rice)), sugar, 500));
    expect(stepOf(cart.lines[0]!)).toBe(1000);
    expect(stepOf(cart.lines[1]!)).toBe(100);
    expect(made(setQuantity(cart, 1, 0)).lines).toHaveLength(1);
    expect(removeLine(cart, 0).lines[0]!.product.id).toBe('3');
  });

  it('refuses, with the cashier’s words, a quantity outside shared/cart’s bounds and leaves the cart as it was', () => {
    const cart = made(addProduct(made(addProduct(emptyCart, rice)), sugar, 500));
    // 999999999999 typed in the quantity field of the rice line.
    const absurd = setQuantity(cart, 0, 999_999_999_999_000);
    expect(absurd).toEqual({ ok: false, problem: { code: 'QUANTITY_TOO_LARGE', line: 0, params: { name: 'Produit 1', max: 9_999 } } });
    if (absurd.ok) throw new Error('accepted');
    expect(problemText(absurd.problem, (key, params) => translate('fr', key, params))).toBe(
      fr.errors.QUANTITY_TOO_LARGE.replace('{{name}}', 'Produit 1').replace('{{max, number}}', '9\u202f999'),
    );
    expect(setQuantity(cart, 0, 1_500)).toMatchObject({ ok: false, problem: { code: 'QUANTITY_NOT_WHOLE' } });
    expect(made(setQuantity(cart, 1, 1_250)).lines[1]!.quantityMilli).toBe(1_250);
    // "999999999999*code" at the scan field, a scan onto a full line, a quantity that did not read.
    expect(addProduct(cart, oil, 999_999_999_999_000)).toMatchObject({ ok: false, problem: { code: 'QUANTITY_TOO_LARGE' } });
    expect(addProduct(made(setQuantity(cart, 0, 9_999_000)), rice)).toMatchObject({ ok: false, problem: { code: 'QUANTITY_TOO_LARGE', line: 0 } });
    expect(addProduct(cart, oil, Number.NaN)).toMatchObject({ ok: false, problem: { code: 'QUANTITY_INVALID' } });
    // A line within bounds whose amount no integer sale holds.
    expect(addProduct(cart, product('4', 500_000_000_000), 3_000)).toMatchObject({ ok: false, problem: { code: 'CART_TOTAL_TOO_LARGE' } });
    expect(cart.lines.map((l) => l.quantityMilli)).toEqual([1000, 500]);
  });

  it('measures discounts against the role cap as core does', () => {
    const cart = made(addProduct(made(addProduct(emptyCart, rice)), oil));
    expect(capExceeded(setCartDiscount(cart, { kind: 'percent', rate: 1000 }), 'employee')).toBeNull();
    expect(capExceeded(setCartDiscount(cart, { kind: 'percent', rate: 1500 }), 'employee')).toBe(10);
    expect(capExceeded(setCartDiscount(cart, { kind: 'percent', rate: 1500 }), 'dg')).toBeNull();
    // A line discount and a cart discount add up.
    const both = setCartDiscount(setLineDiscount(cart, 1, { kind: 'amount', amount: 2_200 }), { kind: 'amount', amount: 2_000 });
    expect(totalsOf(both).discountMinor).toBe(4_200);
    expect(capExceeded(both, 'employee')).toBe(10);
  });

  it('sends core the lines with their own discounts only', () => {
    const cart = setLineDiscount(made(addProduct(emptyCart, rice)), 0, { kind: 'amount', amount: 1_000 });
    expect(checkoutLines(setCartDiscount(cart, { kind: 'percent', rate: 500 }))).toEqual([{ productId: '1', quantityMilli: 1000, discount: { kind: 'amount', amount: 1_000 } }]);
  });

  it('gives core the cart to keep and takes it back as it was', () => {
    const cart = { ...setCartDiscount(made(addProduct(made(addProduct(emptyCart, rice)), sugar, 750)), { kind: 'percent', rate: 500 }), customer: { id: 'c1', name: 'Awa', phone: '224622112233' } };
    const kept = savedCart(cart);
    expect(kept).toEqual({ lines: [{ productId: '1', quantityMilli: 1000 }, { productId: '3', quantityMilli: 750 }], cartDiscount: { kind: 'percent', rate: 500 }, customer: cart.customer });
    const back = restoredCart({ lines: [{ product: rice, quantityMilli: 1000 }, { product: sugar, quantityMilli: 750 }], cartDiscount: kept.cartDiscount, customer: cart.customer, updatedAt: '2026-11-25T10:00:00Z' });
    expect(totalsOf(back)).toEqual(totalsOf(cart));
    expect(back.customer).toEqual(cart.customer);
    expect(savedCart(emptyCart)).toEqual({ lines: [] });
  });
});
