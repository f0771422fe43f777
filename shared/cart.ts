import { allocate, discountRate, discountValue, lineAmount, vatIncluded, type Discount } from './money.js';

/** What pricing needs of a product (prices include VAT, as shown on the shelf). */
export type PricedProduct = { id: string; name: string; barcode: string; priceMinor: number; vatRateBp: number };
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

/**
 * Prices a cart: line amounts, line discounts, the cart discount spread over the lines in
 * proportion (to the unit), VAT extracted per line. The till and every screen use this one function.
 */
export function priceCart(lines: CartLineInput[], cartDiscount?: Discount): CartTotals {
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
