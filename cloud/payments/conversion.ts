import { assertMinorUnits, currencyExponent, divideRounded, isCurrencyCode } from '../../shared/money.js';

/**
 * Converts minor units of one currency into another at a decimal rate given as text
 * ("0.000105" EUR per GNF), exactly: the rate never becomes a float, the result is rounded half
 * away from zero once.
 */
export function convertMinor(amount: number, from: string, to: string, rate: string): number {
  assertMinorUnits(amount);
  if (!isCurrencyCode(from) || !isCurrencyCode(to)) throw new RangeError(`no exponent known for ${from} or ${to}`);
  const match = /^(\d+)(?:\.(\d+))?$/.exec(rate.trim());
  if (!match) throw new RangeError(`not a decimal rate: "${rate}"`);
  const fraction = match[2] ?? '';
  const numerator = BigInt(`${match[1]}${fraction}`);
  if (numerator === 0n) throw new RangeError('a rate of zero converts nothing');
  const denominator = 10n ** BigInt(fraction.length);
  const scaleTo = 10n ** BigInt(currencyExponent(to));
  const scaleFrom = 10n ** BigInt(currencyExponent(from));
  return divideRounded(BigInt(amount) * numerator * scaleTo, denominator * scaleFrom);
}
