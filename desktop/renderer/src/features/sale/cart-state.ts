/**
 * The cart on screen, as pure functions: core prices it again at checkout from its own
 * catalogue, so what matters here is showing the same totals it will compute (shared/cart).
 * Every change is checked against shared/cart's bounds before it is made: a refused change
 * leaves the cart as it was and says why (core refuses the same carts, this is the early word).
 */
import type { BridgeInput, BridgeProduct, OpenCart } from '../../../../bridge/contract.js';
import { cartProblem, ONE_UNIT_MILLI, priceCart, quantityProblem, type CartLineInput, type CartProblem, type CartTotals } from '../../../../../shared/cart.js';
import type { Discount } from '../../../../../shared/money.js';
import { DISCOUNT_CAPS, type Role } from '../../../../../shared/rbac.js';

export type CartLine = { key: string; product: BridgeProduct; quantityMilli: number; discount?: Discount };
export type CartCustomer = { id: string; name: string; phone: string };
export type Cart = { lines: CartLine[]; cartDiscount?: Discount; customer?: CartCustomer };

export const emptyCart: Cart = { lines: [] };

/** A change of the cart: the new cart (and the line it touched), or why it was refused. */
export type CartChange = { ok: true; cart: Cart; index: number } | { ok: false; problem: CartProblem };

const ONE = ONE_UNIT_MILLI;
let counter = 0;
const nextKey = () => `l${++counter}`;

const pricingLines = (cart: Cart): CartLineInput[] =>
  cart.lines.map((l) => ({ product: l.product, quantityMilli: l.quantityMilli, ...(l.discount ? { discount: l.discount } : {}) }));

function checked(cart: Cart, index: number): CartChange {
  const problem = cartProblem(pricingLines(cart));
  return problem ? { ok: false, problem } : { ok: true, cart, index };
}

/** A scanned product: one more on its line (the last one without its own discount), or a new line. */
export function addProduct(cart: Cart, product: BridgeProduct, quantityMilli = ONE): CartChange {
  // The typed quantity first: "999999999999*code" is refused as typed, not as a sum.
  const typed = quantityProblem(product, quantityMilli);
  if (typed) return { ok: false, problem: typed };
  const index = cart.lines.findIndex((l) => l.product.id === product.id && !l.discount);
  if (index >= 0) {
    const lines = cart.lines.map((l, i) => (i === index ? { ...l, quantityMilli: l.quantityMilli + quantityMilli } : l));
    return checked({ ...cart, lines }, index);
  }
  return checked({ ...cart, lines: [...cart.lines, { key: nextKey(), product, quantityMilli }] }, cart.lines.length);
}

/** A quantity typed or stepped on a line; zero (or less) takes the line away. */
export function setQuantity(cart: Cart, index: number, quantityMilli: number): CartChange {
  if (quantityMilli <= 0) return { ok: true, cart: removeLine(cart, index), index: Math.min(index, cart.lines.length - 2) };
  return checked({ ...cart, lines: cart.lines.map((l, i) => (i === index ? { ...l, quantityMilli } : l)) }, index);
}

/** + and −: one piece, or 100 g / 100 ml for goods sold by weight or volume. */
export function stepOf(line: CartLine): number {
  return line.product.unit === 'piece' ? ONE : 100;
}

/** The cashier's words for a refused change, from the shared error catalogue. */
export function problemText(problem: CartProblem, t: (key: string, params?: Record<string, unknown>) => string): string {
  return t(`errors.${problem.code}`, problem.params);
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

/** What core keeps of the cart in progress (cart.save). */
export function savedCart(cart: Cart): BridgeInput<'cart.save'> {
  return {
    lines: checkoutLines(cart),
    ...(cart.cartDiscount ? { cartDiscount: cart.cartDiscount } : {}),
    ...(cart.customer ? { customer: cart.customer } : {}),
  };
}

/** The cart core kept (cart.get), back on screen. */
export function restoredCart(kept: OpenCart): Cart {
  return {
    lines: kept.lines.map((l) => ({ key: nextKey(), product: l.product, quantityMilli: l.quantityMilli, ...(l.discount ? { discount: l.discount } : {}) })),
    ...(kept.cartDiscount ? { cartDiscount: kept.cartDiscount } : {}),
    ...(kept.customer ? { customer: kept.customer } : {}),
  };
}
