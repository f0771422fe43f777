import type { RxJsonSchema } from 'rxdb';
import { idField, isoDateField, minorUnits, tenantField } from './common.js';

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
