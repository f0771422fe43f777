/**
 * Quantities as a manager types them: units with up to three decimals ("12", "2,5" kg), kept in
 * thousandths as everywhere else. `allowZero`: a reception may say nothing of a line arrived.
 */
export function parseQuantity(text: string, allowZero = false): number | null {
  const cleaned = text.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  if (!/^\d+(\.\d{1,3})?$/.test(cleaned)) return null;
  const milli = Math.round(Number(cleaned) * 1000);
  if (!Number.isSafeInteger(milli) || milli > 1e12) return null;
  return milli > 0 || (allowZero && milli === 0) ? milli : null;
}

/** Thousandths back to the units a person reads, in the screen's language ("2,5"). */
export function formatQuantity(milli: number, locale: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 3 }).format(milli / 1000);
}
