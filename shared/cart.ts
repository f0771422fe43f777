import { allocate, discountRate, discountValue, lineAmount, vatIncluded, type Discount } from './money.js';

export type Unit = 'piece' | 'kg' | 'l';

/**
 * Bounds of a till cart, the same for the screen (immediate refusal) and for core (the authority).
 * 9,999 pieces, or 9,999 kg / l, on one line: far above a real basket, and with 500 lines and the
 * total below, every amount stays an exact integer (Number.MAX_SAFE_INTEGER is about 9.007e15).
 * Quantities are thousandths: one piece is 1000.
 */
export const ONE_UNIT_MILLI = 1000;
export const MAX_LINE_QUANTITY_MILLI = 9_999 * ONE_UNIT_MILLI;
export const MAX_CART_LINES = 500;
/** 10^12 minor units (a thousand billion GNF) for one sale: no real sale comes near, no sum of lines can overflow. */
export const MAX_CART_TOTAL_MINOR = 1_000_000_000_000;

/** What pricing needs of a product (prices include VAT, as shown on the shelf). Without a unit, any thousandth is allowed. */
export type PricedProduct = { id: string; name: string; barcode: string; priceMinor: number; vatRateBp: number; unit?: Unit };
export type CartLineInput = { product: PricedProduct; quantityMilli: number; discount?: Discount };

export type PricedLine = {
  productId: string;
  name: string;
  barcode: string;
  unitPriceMinor: number;
  quantityMilli: number;
  /** Line discount plus this line's share of the cart discount. */
  discountMinor: number;
  vatRateBp: number;
  totalMinor: number;
  vatMinor: number;
};

export type CartTotals = { lines: PricedLine[]; subtotalMinor: number; discountMinor: number; vatMinor: number; totalMinor: number; discountRateBp: number };

/** Why a cart cannot be priced: codes of the shared error catalogue, with their message parameters. */
export type CartProblem =
  | { code: 'QUANTITY_INVALID'; line?: number; params: Record<string, never> }
  | { code: 'QUANTITY_NOT_WHOLE'; line?: number; params: { name: string } }
  | { code: 'QUANTITY_TOO_LARGE'; line?: number; params: { name: string; max: number } }
  | { code: 'CART_TOO_LARGE'; params: { max: number } }
  | { code: 'CART_TOTAL_TOO_LARGE'; line?: number; params: Record<string, never> };

/** What priceCart throws for a cart outside the bounds: a refusal to show, never a crash. */
export class CartLimitError extends Error {
  readonly code: CartProblem['code'];
  readonly params: Record<string, unknown>;
  constructor(readonly problem: CartProblem) {
    super(problem.code);
    this.name = 'CartLimitError';
    this.code = problem.code;
    this.params = problem.params;
  }
}

/**
 * The quantity rule of one line: a positive whole number of thousandths, at most 9,999 units,
 * and whole pieces for goods sold by the piece (half a bar of soap is not sold).
 */
export function quantityProblem(product: { name: string; unit?: Unit | undefined }, quantityMilli: number): CartProblem | null {
  if (!Number.isSafeInteger(quantityMilli) || quantityMilli <= 0) return { code: 'QUANTITY_INVALID', params: {} };
  if (quantityMilli > MAX_LINE_QUANTITY_MILLI) return { code: 'QUANTITY_TOO_LARGE', params: { name: product.name, max: MAX_LINE_QUANTITY_MILLI / ONE_UNIT_MILLI } };
  if (product.unit === 'piece' && quantityMilli % ONE_UNIT_MILLI !== 0) return { code: 'QUANTITY_NOT_WHOLE', params: { name: product.name } };
  return null;
}

/**
 * The first reason this cart cannot be sold, or null: too many lines, a quantity outside the rule,
 * a price that is not an integer, or a line or a total above MAX_CART_TOTAL_MINOR. Amounts are
 * compared in BigInt, so an absurd line is refused before any float could round it.
 */
export function cartProblem(lines: readonly CartLineInput[]): CartProblem | null {
  if (lines.length > MAX_CART_LINES) return { code: 'CART_TOO_LARGE', params: { max: MAX_CART_LINES } };
  const max = BigInt(MAX_CART_TOTAL_MINOR);
  let subtotal = 0n;
  for (const [index, line] of lines.entries()) {
    const problem = quantityProblem(line.product, line.quantityMilli);
    if (problem) return { ...problem, line: index } as CartProblem;
    if (!Number.isSafeInteger(line.product.priceMinor)) return { code: 'CART_TOTAL_TOO_LARGE', line: index, params: {} };
    const price = BigInt(Math.abs(line.product.priceMinor));
    const gross = (price * BigInt(line.quantityMilli)) / BigInt(ONE_UNIT_MILLI);
    subtotal += gross;
    if (gross > max || subtotal > max) return { code: 'CART_TOTAL_TOO_LARGE', line: index, params: {} };
  }
  return null;
}

/**
 * Prices a cart: line amounts, line discounts, the cart discount spread over the lines in
 * proportion (to the unit), VAT extracted per line. The till and every screen use this one function.
 * A cart outside the bounds above throws CartLimitError.
 */
export function priceCart(lines: CartLineInput[], cartDiscount?: Discount): CartTotals {
  const problem = cartProblem(lines);
  if (problem) throw new CartLimitError(problem);
  const gross = lines.map((l) => lineAmount(l.product.priceMinor, l.quantityMilli));
  const lineDiscounts = lines.map((l, i) => (l.discount ? discountValue(gross[i]!, l.discount) : 0));
  const afterLine = gross.map((g, i) => g - lineDiscounts[i]!);
  const cartDiscountMinor = cartDiscount ? discountValue(afterLine.reduce((a, b) => a + b, 0), cartDiscount) : 0;
  const shares = allocate(cartDiscountMinor, afterLine);
  const priced = lines.map((l, i) => {
    const totalMinor = afterLine[i]! - shares[i]!;
    return {
      productId: l.product.id,
      name: l.product.name,
      barcode: l.product.barcode,
      unitPriceMinor: l.product.priceMinor,
      quantityMilli: l.quantityMilli,
      discountMinor: lineDiscounts[i]! + shares[i]!,
      vatRateBp: l.product.vatRateBp,
      totalMinor,
      vatMinor: vatIncluded(totalMinor, l.product.vatRateBp).vat,
    };
  });
  const subtotalMinor = gross.reduce((a, b) => a + b, 0);
  const discountMinor = priced.reduce((a, l) => a + l.discountMinor, 0);
  return {
    lines: priced,
    subtotalMinor,
    discountMinor,
    vatMinor: priced.reduce((a, l) => a + l.vatMinor, 0),
    totalMinor: subtotalMinor - discountMinor,
    discountRateBp: discountRate(subtotalMinor, discountMinor),
  };
}
