/**
 * Money is always an integer count of the currency's minor units (GNF and XOF have none, so
 * 12 500 GNF is the number 12500). Every rounding rule of the product lives here, once.
 */

/** ISO 4217 exponents of the currencies we handle. Stripe also treats GNF and XOF as zero-decimal. */
export const CURRENCY_EXPONENTS = {
  GNF: 0,
  XOF: 0,
  XAF: 0,
  EUR: 2,
  USD: 2,
  GBP: 2,
  CAD: 2,
} as const;

export type CurrencyCode = keyof typeof CURRENCY_EXPONENTS;

export const DEFAULT_CURRENCY: CurrencyCode = 'GNF';

export function isCurrencyCode(value: string): value is CurrencyCode {
  return Object.hasOwn(CURRENCY_EXPONENTS, value);
}

export function currencyExponent(currency: CurrencyCode): number {
  return CURRENCY_EXPONENTS[currency];
}

/** Throws unless `value` is a safe integer: floats never enter an amount. */
export function assertMinorUnits(value: number, what = 'amount'): number {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`${what} must be an integer number of minor units, got ${value}`);
  }
  return value;
}

/**
 * Integer division rounded half away from zero: the rounding of receipts and tax authorities
 * (0.5 GNF of VAT becomes 1 GNF). BigInt keeps large products exact.
 */
export function divideRounded(numerator: bigint, denominator: bigint): number {
  if (denominator === 0n) throw new RangeError('division by zero');
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  let q = n / d;
  if ((n % d) * 2n >= d) q += 1n;
  const result = Number(negative ? -q : q);
  return assertMinorUnits(result, 'result');
}

/** Rates are basis points: 1800 = 18 %. */
export type BasisPoints = number;

export const BASIS_POINTS_PER_UNIT = 10_000;

/** `amount × rate`, rounded half away from zero. */
export function percentOf(amount: number, rate: BasisPoints): number {
  assertMinorUnits(amount);
  assertMinorUnits(rate, 'rate');
  return divideRounded(BigInt(amount) * BigInt(rate), BigInt(BASIS_POINTS_PER_UNIT));
}

/** Unit price × quantity, where quantity is in thousandths (1 item = 1000) to allow sales by weight. */
export function lineAmount(unitPrice: number, quantityMilli: number): number {
  assertMinorUnits(unitPrice, 'unitPrice');
  assertMinorUnits(quantityMilli, 'quantity');
  return divideRounded(BigInt(unitPrice) * BigInt(quantityMilli), 1000n);
}

/**
 * VAT contained in a tax-inclusive amount (shop prices in Guinea are shown TTC):
 * vat = gross − gross / (1 + rate), the net part rounded first so net + vat = gross exactly.
 */
export function vatIncluded(gross: number, rate: BasisPoints): { net: number; vat: number } {
  assertMinorUnits(gross);
  assertMinorUnits(rate, 'rate');
  const net = divideRounded(BigInt(gross) * BigInt(BASIS_POINTS_PER_UNIT), BigInt(BASIS_POINTS_PER_UNIT + rate));
  return { net, vat: gross - net };
}

/** VAT to add on a tax-exclusive amount. */
export function vatOnNet(net: number, rate: BasisPoints): number {
  return percentOf(net, rate);
}

export type Discount = { kind: 'percent'; rate: BasisPoints } | { kind: 'amount'; amount: number };

/** The discount's value on `amount`, never more than the amount itself nor below zero. */
export function discountValue(amount: number, discount: Discount): number {
  assertMinorUnits(amount);
  const raw = discount.kind === 'percent' ? percentOf(amount, discount.rate) : assertMinorUnits(discount.amount, 'discount');
  return Math.min(Math.max(raw, 0), Math.max(amount, 0));
}

/** Discount expressed as a rate of `amount`, in basis points rounded up (so caps are never exceeded silently). */
export function discountRate(amount: number, discountAmount: number): BasisPoints {
  if (amount <= 0) return discountAmount > 0 ? BASIS_POINTS_PER_UNIT : 0;
  const exact = (BigInt(discountAmount) * BigInt(BASIS_POINTS_PER_UNIT) + BigInt(amount) - 1n) / BigInt(amount);
  return Number(exact);
}

/**
 * Splits `total` over `weights` in proportion, by largest remainder, so the parts are integers that
 * add up to `total` exactly (a cart discount spread over its lines, for instance).
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  assertMinorUnits(total);
  weights.forEach((w) => assertMinorUnits(w, 'weight'));
  const sum = weights.reduce((a, b) => a + b, 0);
  if (weights.length === 0) return [];
  if (sum === 0) {
    const even = weights.map(() => 0);
    even[0] = total;
    return even;
  }
  const big = BigInt(total);
  const bigSum = BigInt(sum);
  const parts = weights.map((w) => (big * BigInt(w)) / bigSum);
  const remainders = weights.map((w, i) => ({ i, r: (big * BigInt(w)) % bigSum }));
  let left = total - parts.reduce((a, b) => a + Number(b), 0);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  const result = parts.map(Number);
  for (let k = 0; left !== 0; k = (k + 1) % result.length) {
    const step = left > 0 ? 1 : -1;
    result[remainders[k]!.i]! += step;
    left -= step;
  }
  return result;
}

/** Parses a decimal text typed by a person ("12 500", "12500", "19,99") into minor units. */
export function parseMajor(text: string, currency: CurrencyCode): number {
  const cleaned = text.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(cleaned)) throw new RangeError(`not an amount: "${text}"`);
  const exponent = currencyExponent(currency);
  const [whole, fraction = ''] = cleaned.replace('-', '').split('.');
  if (fraction.length > exponent) throw new RangeError(`${currency} has ${exponent} decimals: "${text}"`);
  const minor = Number(whole) * 10 ** exponent + Number(fraction.padEnd(exponent, '0') || '0');
  return assertMinorUnits(cleaned.startsWith('-') ? -minor : minor);
}

/** The amount in major units as a number, for SDKs that want one (Stripe wants minor, PayPal major). */
export function toMajorString(minor: number, currency: CurrencyCode): string {
  assertMinorUnits(minor);
  const exponent = currencyExponent(currency);
  if (exponent === 0) return String(minor);
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor).toString().padStart(exponent + 1, '0');
  return `${sign}${abs.slice(0, -exponent)}.${abs.slice(-exponent)}`;
}

const formatters = new Map<string, Intl.NumberFormat>();

/** "12 500 GNF" in French, "GNF 12,500" in English: never decimals for zero-decimal currencies. */
export function formatMoney(minor: number, currency: CurrencyCode, locale = 'fr-GN'): string {
  assertMinorUnits(minor);
  const key = `${locale}|${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    const digits = currencyExponent(currency);
    formatter = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      currencyDisplay: 'code',
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    formatters.set(key, formatter);
  }
  return formatter.format(minor / 10 ** currencyExponent(currency));
}
