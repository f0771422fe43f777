import { describe, expect, it } from 'vitest';
import type { BridgeProduct } from '../../../../bridge/contract.js';
import { addProduct, capExceeded, checkoutLines, emptyCart, removeLine, setCartDiscount, setLineDiscount, setQuantity, stepOf, totalsOf } from './cart-state.js';

const product = (id: string, priceMinor: number, unit: BridgeProduct['unit'] = 'piece'): BridgeProduct => ({
  id, barcode: `200${id}`, name: `Produit ${id}`, categoryId: 'c', priceMinor, vatRateBp: 1800, unit, active: true,
});
const rice = product('1', 12_000);
const oil = product('2', 22_000);
const sugar = product('3', 11_000, 'kg');

describe('the cart on screen', () => {
  it('adds a second scan of a product to its line, and a new product on a new line', () => {
    let { cart } = addProduct(emptyCart, rice);
    ({ cart } = addProduct(cart, oil));
    const again = addProduct(cart, rice);
    expect(again.index).toBe(0);
    expect(again.cart.lines.map((l) => l.quantityMilli)).toEqual([2000, 1000]);
    expect(totalsOf(again.cart).totalMinor).toBe(46_000);
  });

  it('keeps a discounted line apart from a new scan of the same product', () => {
    const one = addProduct(emptyCart, rice).cart;
    const discounted = setLineDiscount(one, 0, { kind: 'percent', rate: 500 });
    const more = addProduct(discounted, rice);
    expect(more.index).toBe(1);
    expect(more.cart.lines).toHaveLength(2);
  });

  it('steps pieces by one and weighed goods by 100 g; zero removes the line', () => {
    const cart = addProduct(addProduct(emptyCart, rice).cart, sugar, 500).cart;
    expect(stepOf(cart.lines[0]!)).toBe(1000);
    expect(stepOf(cart.lines[1]!)).toBe(100);
    expect(setQuantity(cart, 1, 0).lines).toHaveLength(1);
    expect(removeLine(cart, 0).lines[0]!.product.id).toBe('3');
  });

  it('measures discounts against the role cap as core does', () => {
    const cart = addProduct(addProduct(emptyCart, rice).cart, oil).cart;
    expect(capExceeded(setCartDiscount(cart, { kind: 'percent', rate: 1000 }), 'employee')).toBeNull();
    expect(capExceeded(setCartDiscount(cart, { kind: 'percent', rate: 1500 }), 'employee')).toBe(10);
    expect(capExceeded(setCartDiscount(cart, { kind: 'percent', rate: 1500 }), 'dg')).toBeNull();
    // A line discount and a cart discount add up.
    const both = setCartDiscount(setLineDiscount(cart, 1, { kind: 'amount', amount: 2_200 }), { kind: 'amount', amount: 2_000 });
    expect(totalsOf(both).discountMinor).toBe(4_200);
    expect(capExceeded(both, 'employee')).toBe(10);
  });

  it('sends core the lines with their own discounts only', () => {
    const cart = setLineDiscount(addProduct(emptyCart, rice).cart, 0, { kind: 'amount', amount: 1_000 });
    expect(checkoutLines(setCartDiscount(cart, { kind: 'percent', rate: 500 }))).toEqual([{ productId: '1', quantityMilli: 1000, discount: { kind: 'amount', amount: 1_000 } }]);
  });
});
