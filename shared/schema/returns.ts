import type { RxJsonSchema } from 'rxdb';
import { DOCUMENT_LIMITS, idField, isIsoInstant, isoDateField, isRef, isTenderMethod, minorUnits, sumOf, tenantField, type RuleBroken } from './common.js';

/** A fact: a full or partial return against a past sale, with its refund. */
export type Return = {
  id: string;
  tenantId: string;
  boutiqueId: string;
  deviceId: string;
  cashierId: string;
  saleId: string;
  lines: Array<{ productId: string; quantityMilli: number; refundMinor: number }>;
  refunds: Array<{ method: 'cash' | 'mtn_momo' | 'orange_money' | 'card'; amountMinor: number }>;
  reason: string;
  totalMinor: number;
  createdAt: string;
};

export const returnSchema: RxJsonSchema<Return> = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: idField, tenantId: tenantField, boutiqueId: { type: 'string', maxLength: 64 }, deviceId: { type: 'string', maxLength: 64 },
    cashierId: { type: 'string', maxLength: 64 }, saleId: { type: 'string', maxLength: 64 },
    lines: { type: 'array', items: { type: 'object', properties: { productId: { type: 'string' }, quantityMilli: { type: 'integer' }, refundMinor: minorUnits }, required: ['productId', 'quantityMilli', 'refundMinor'] } },
    refunds: { type: 'array', items: { type: 'object', properties: { method: { type: 'string' }, amountMinor: minorUnits }, required: ['method', 'amountMinor'] } },
    reason: { type: 'string', maxLength: 300 }, totalMinor: minorUnits, createdAt: isoDateField,
  },
  required: ['id', 'tenantId', 'boutiqueId', 'deviceId', 'cashierId', 'saleId', 'lines', 'refunds', 'reason', 'totalMinor', 'createdAt'],
  indexes: ['saleId'],
};

/**
 * What every return a till makes holds (desktop/core/pos/returns.ts): a reason, at least one line
 * of a positive quantity, refunds of no negative amount, the total the sum of the lines' refunds
 * and paid back exactly by the refunds. Whether the quantities were sold is for the sale's till
 * to know; the cloud takes the return as the fact it is. Call it on a document that has passed the
 * schema.
 */
export function returnRuleBroken(ret: Return): RuleBroken {
  if (!isRef(ret.cashierId) || !isRef(ret.saleId)) return 'cashierId and saleId must not be empty';
  if (ret.reason.trim().length === 0) return 'a return has a reason';
  if (!isIsoInstant(ret.createdAt)) return 'createdAt is not an ISO 8601 instant';
  if (ret.lines.length === 0) return 'a return has at least one line';
  for (const [i, line] of ret.lines.entries()) {
    if (!isRef(line.productId)) return `lines.${i}.productId must not be empty`;
    if (line.quantityMilli <= 0 || line.quantityMilli > DOCUMENT_LIMITS.quantityMilli) return `lines.${i}.quantityMilli out of bounds`;
    if (line.refundMinor < 0) return `lines.${i}.refundMinor must not be negative`;
  }
  for (const [i, refund] of ret.refunds.entries()) {
    if (!isTenderMethod(refund.method)) return `refunds.${i}.method is not a tender method`;
    if (refund.amountMinor < 0) return `refunds.${i}.amountMinor must not be negative`;
  }
  if (BigInt(ret.totalMinor) !== sumOf(ret.lines, (l) => l.refundMinor)) return 'totalMinor is not the sum of the lines’ refunds';
  if (BigInt(ret.totalMinor) !== sumOf(ret.refunds, (r) => r.amountMinor)) return 'the refunds do not pay back the total';
  return null;
}
