import type { RxJsonSchema } from 'rxdb';
import { lineAmount } from '../money.js';
import { DOCUMENT_LIMITS, isIsoInstant, isRef, isTenderMethod, sumOf, type RuleBroken } from './common.js';
import { idField, isoDateField, minorUnits, tenantField } from './common.js';

export type SaleLine = { productId: string; name: string; barcode: string; unitPriceMinor: number; quantityMilli: number; discountMinor: number; vatRateBp: number; totalMinor: number; vatMinor: number };
export type Tender = { method: 'cash' | 'mtn_momo' | 'orange_money' | 'card'; amountMinor: number; changeMinor?: number; paymentId?: string };

/** A fact: born once at the till, never edited; the same id pushed twice is stored once. */
export type Sale = {
  id: string;
  tenantId: string;
  boutiqueId: string;
  deviceId: string;
  cashierId: string;
  customerId?: string;
  /** Unique without network: boutique code, till code, per-till counter. */
  number: string;
  lines: SaleLine[];
  tenders: Tender[];
  subtotalMinor: number;
  discountMinor: number;
  vatMinor: number;
  totalMinor: number;
  createdAt: string;
};

const line = {
  type: 'object',
  properties: {
    productId: { type: 'string' }, name: { type: 'string' }, barcode: { type: 'string' }, unitPriceMinor: minorUnits, quantityMilli: { type: 'integer' },
    discountMinor: minorUnits, vatRateBp: { type: 'integer' }, totalMinor: minorUnits, vatMinor: minorUnits,
  },
  required: ['productId', 'name', 'unitPriceMinor', 'quantityMilli', 'discountMinor', 'vatRateBp', 'totalMinor', 'vatMinor'],
} as const;

export const saleSchema: RxJsonSchema<Sale> = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: idField, tenantId: tenantField, boutiqueId: { type: 'string', maxLength: 64 }, deviceId: { type: 'string', maxLength: 64 },
    cashierId: { type: 'string', maxLength: 64 }, customerId: { type: 'string', maxLength: 64 }, number: { type: 'string', maxLength: 40 },
    lines: { type: 'array', items: line },
    tenders: { type: 'array', items: { type: 'object', properties: { method: { type: 'string' }, amountMinor: minorUnits, changeMinor: minorUnits, paymentId: { type: 'string' } }, required: ['method', 'amountMinor'] } },
    subtotalMinor: minorUnits, discountMinor: minorUnits, vatMinor: minorUnits, totalMinor: minorUnits, createdAt: isoDateField,
  },
  required: ['id', 'tenantId', 'boutiqueId', 'deviceId', 'cashierId', 'number', 'lines', 'tenders', 'subtotalMinor', 'discountMinor', 'vatMinor', 'totalMinor', 'createdAt'],
  indexes: ['number', 'createdAt'],
};

/**
 * What every sale a till makes holds (desktop/core/pos/checkout.ts through shared/cart.ts), so the
 * cloud can take a pushed one as a fact: at least one line; each line's total is its amount less
 * its discount; the sale's totals are the sums of its lines; the tenders, less the change given
 * back in cash, pay the total exactly. VAT is only bounded per line (its rounding is a rule that
 * may change, and a sale already made must not be lost to it); the sale's VAT is the lines' sum.
 * Call it on a document that has passed the schema.
 */
export function saleRuleBroken(sale: Sale): RuleBroken {
  if (!isRef(sale.cashierId) || !isRef(sale.number)) return 'cashierId and number must not be empty';
  if (sale.customerId !== undefined && !isRef(sale.customerId)) return 'customerId must not be empty';
  if (!isIsoInstant(sale.createdAt)) return 'createdAt is not an ISO 8601 instant';
  if (sale.lines.length === 0) return 'a sale has at least one line';
  const gross: number[] = [];
  for (const [i, line] of sale.lines.entries()) {
    if (!isRef(line.productId)) return `lines.${i}.productId must not be empty`;
    if (line.quantityMilli <= 0 || line.quantityMilli > DOCUMENT_LIMITS.quantityMilli) return `lines.${i}.quantityMilli out of bounds`;
    if (line.unitPriceMinor < 0 || line.discountMinor < 0 || line.totalMinor < 0) return `lines.${i} has a negative amount`;
    if (line.vatRateBp < 0 || line.vatRateBp > 10_000) return `lines.${i}.vatRateBp out of bounds`;
    if (line.vatMinor < 0 || line.vatMinor > line.totalMinor) return `lines.${i}.vatMinor out of bounds`;
    const amount = grossOf(line);
    if (amount === null) return `lines.${i} amount out of bounds`;
    gross.push(amount);
    if (line.totalMinor !== amount - line.discountMinor) return `lines.${i}.totalMinor is not unitPriceMinor × quantity less discountMinor`;
  }
  if (BigInt(sale.subtotalMinor) !== sumOf(gross, (g) => g)) return 'subtotalMinor is not the sum of the lines before discount';
  if (BigInt(sale.discountMinor) !== sumOf(sale.lines, (l) => l.discountMinor)) return 'discountMinor is not the sum of the lines’ discounts';
  if (BigInt(sale.totalMinor) !== sumOf(sale.lines, (l) => l.totalMinor)) return 'totalMinor is not the sum of the lines';
  if (BigInt(sale.vatMinor) !== sumOf(sale.lines, (l) => l.vatMinor)) return 'vatMinor is not the sum of the lines’ VAT';
  for (const [i, tender] of sale.tenders.entries()) {
    if (!isTenderMethod(tender.method)) return `tenders.${i}.method is not a tender method`;
    if (tender.amountMinor <= 0) return `tenders.${i}.amountMinor must be positive`;
    if (tender.paymentId !== undefined && !isRef(tender.paymentId)) return `tenders.${i}.paymentId must not be empty`;
    if (tender.changeMinor === undefined) continue;
    // Only cash gives change back, and never more than was handed over.
    if (tender.method !== 'cash' || tender.changeMinor < 0 || tender.changeMinor > tender.amountMinor) return `tenders.${i}.changeMinor out of bounds`;
  }
  const paid = sumOf(sale.tenders, (t) => t.amountMinor - (t.changeMinor ?? 0));
  if (paid !== BigInt(sale.totalMinor)) return `tenders (less change) ${paid} do not pay the total ${sale.totalMinor}`;
  return null;
}

/** The line's amount before discount, as the till computes it; null past exact integers. */
function grossOf(line: SaleLine): number | null {
  try {
    return lineAmount(line.unitPriceMinor, line.quantityMilli);
  } catch {
    return null;
  }
}
