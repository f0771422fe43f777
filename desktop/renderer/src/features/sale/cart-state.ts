/**
 * The cart on screen, as pure functions: core prices it again at checkout from its own
 * catalogue, so what matters here is showing the same totals it will compute (shared/cart).
 */
import type { BridgeProduct } from '../../../../bridge/contract.js';
import { priceCart, type CartTotals } from '../../../../../shared/cart.js';
import type { Discount } from '../../../../../shared/money.js';
import { DISCOUNT_CAPS, type Role } from '../../../../../shared/rbac.js';

export type CartLine = { key: string; product: BridgeProduct; quantityMilli: number; discount?: Discount };
export type CartCustomer = { id: string; name: string; phone: string };
export type Cart = { lines: CartLine[]; cartDiscount?: Discount; customer?: CartCustomer };

export const emptyCart: Cart = { lines: [] };

const ONE = 1000;
let counter = 0;
const nextKey = () => `l${++counter}`;

/** A scanned product: one more on its line (the last one without its own discount), or a new line. */
export function addProduct(cart: Cart, product: BridgeProduct, quantityMilli = ONE): { cart: Cart; index: number } {
  const index = cart.lines.findIndex((l) => l.product.id === product.id && !l.discount);
  if (index >= 0) {
    const lines = cart.lines.map((l, i) => (i === index ? { ...l, quantityMilli: l.quantityMilli + quantityMilli } : l));
    return { cart: { ...cart, lines }, index };
  }
  return { cart: { ...cart, lines: [...cart.lines, { key: nextKey(), product, quantityMilli }] }, index: cart.lines.length };
}

export function setQuantity(cart: Cart, index: number, quantityMilli: number): Cart {
  if (quantityMilli <= 0) return removeLine(cart, index);
  return { ...cart, lines: cart.lines.map((l, i) => (i === index ? { ...l, quantityMilli } : l)) };
}

/** + and −: one piece, or 100 g / 100 ml for goods sold by weight or volume. */
export function stepOf(line: CartLine): number {
  return line.product.unit === 'piece' ? ONE : 100;
}

export function removeLine(cart: Cart, index: number): Cart {
  return { ...cart, lines: cart.lines.filter((_, i) => i !== index) };
}

export function setLineDiscount(cart: Cart, index: number, discount: Discount | undefined): Cart {
  return {
    ...cart,
    lines: cart.lines.map((l, i) => {
      if (i !== index) return l;
      const { discount: _previous, ...rest } = l;
      return discount ? { ...rest, discount } : rest;
    }),
  };
}

export function setCartDiscount(cart: Cart, discount: Discount | undefined): Cart {
  const { cartDiscount: _previous, ...rest } = cart;
  return discount ? { ...rest, cartDiscount: discount } : rest;
}

export function totalsOf(cart: Cart): CartTotals {
  return priceCart(
    cart.lines.map((l) => ({ product: l.product, quantityMilli: l.quantityMilli, ...(l.discount ? { discount: l.discount } : {}) })),
    cart.cartDiscount,
  );
}

/** The cap, in percent, that this cart's discounts exceed for the role; null when within it. */
export function capExceeded(cart: Cart, role: Role): number | null {
  if (cart.lines.length === 0) return null;
  const cap = DISCOUNT_CAPS[role];
  return totalsOf(cart).discountRateBp > cap ? cap / 100 : null;
}

/** What checkout.complete takes for the lines. */
export function checkoutLines(cart: Cart) {
  return cart.lines.map((l) => ({ productId: l.product.id, quantityMilli: l.quantityMilli, ...(l.discount ? { discount: l.discount } : {}) }));
}
