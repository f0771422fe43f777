/** Fields every replicated document has (ARCHITECTURE §4). */
export const idField = { type: 'string', maxLength: 64 } as const;
export const tenantField = { type: 'string', maxLength: 64 } as const;
export const isoDateField = { type: 'string', maxLength: 40 } as const;
export const minorUnits = { type: 'integer', minimum: -1e15, maximum: 1e15, multipleOf: 1 } as const;

export type Owned = { id: string; tenantId: string; updatedAt: string };

/**
 * Bounds a till's documents keep to, beyond their RxDB schema (which the tills' databases are
 * created with and so cannot change without a migration). Quantities match the bridge's
 * checkout (at most 10^9 units); a basket or a return has at most the bridge's 500 lines.
 */
export const DOCUMENT_LIMITS = { quantityMilli: 1e12, items: 500, text: 300, mapKeys: 16 } as const;

/** How a payment or a refund is made: the tills' tender methods. */
export const TENDER_METHODS = ['cash', 'mtn_momo', 'orange_money', 'card'] as const;

/** A broken rule of a document, as the reason the cloud records: English, technical, short. */
export type RuleBroken = string | null;

/**
 * An instant as `Date.toISOString()` writes it (other offsets and precisions allowed): text that
 * sorts and compares, which reports and the pull order rely on.
 */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export function isIsoInstant(text: string): boolean {
  return ISO_INSTANT.test(text) && !Number.isNaN(Date.parse(text));
}

/** An id of another document: not empty (the schemas bound its length). */
export function isRef(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

/** Exact sums of integers: a thousand amounts of 10^15 would be past a double's exact integers. */
export function sumOf<T>(items: readonly T[], amount: (item: T) => number): bigint {
  let sum = 0n;
  for (const item of items) sum += BigInt(amount(item));
  return sum;
}

export function isTenderMethod(value: unknown): value is (typeof TENDER_METHODS)[number] {
  return (TENDER_METHODS as readonly unknown[]).includes(value);
}
