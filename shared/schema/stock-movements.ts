import type { RxJsonSchema } from 'rxdb';
import { idField, isoDateField, tenantField } from './common.js';

/** A fact. Stock on hand is the sum of movements, never a synced counter. */
export type StockMovement = {
  id: string;
  tenantId: string;
  boutiqueId: string;
  productId: string;
  /** Signed, in thousandths of a unit. */
  quantityMilli: number;
  kind: 'sale' | 'return' | 'receipt' | 'adjustment' | 'transfer_out' | 'transfer_in';
  reason?: string;
  refId?: string | null;
  deviceId?: string | null;
  createdAt: string;
};

export const stockMovementSchema: RxJsonSchema<StockMovement> = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: idField, tenantId: tenantField, boutiqueId: { type: 'string', maxLength: 64 }, productId: { type: 'string', maxLength: 64 },
    quantityMilli: { type: 'integer' }, kind: { type: 'string', enum: ['sale', 'return', 'receipt', 'adjustment', 'transfer_out', 'transfer_in'] },
    reason: { type: 'string' }, refId: { type: ['string', 'null'] }, deviceId: { type: ['string', 'null'] }, createdAt: isoDateField,
  },
  required: ['id', 'tenantId', 'boutiqueId', 'productId', 'quantityMilli', 'kind', 'createdAt'],
  indexes: ['productId'],
};
