import type { RxJsonSchema } from 'rxdb';
import { DOCUMENT_LIMITS, idField, isIsoInstant, isoDateField, isRef, tenantField, type RuleBroken } from './common.js';

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

/** Which way each kind moves stock: a sale or a transfer out takes, a return, receipt or transfer in brings. */
const DIRECTION: Record<StockMovement['kind'], -1 | 1 | 0> = { sale: -1, transfer_out: -1, return: 1, receipt: 1, transfer_in: 1, adjustment: 0 };

/**
 * A movement moves something, the way of its kind (an adjustment either way), of a product. Call
 * it on a document that has passed the schema. The one movement of nothing is a transfer's
 * reception of a line of which nothing arrived: a fact of the reception like its other lines
 * (its reason says why), which leaves the stock as it is.
 */
export function stockMovementRuleBroken(movement: StockMovement): RuleBroken {
  if (!isRef(movement.productId)) return 'productId must not be empty';
  if (!isIsoInstant(movement.createdAt)) return 'createdAt is not an ISO 8601 instant';
  const q = movement.quantityMilli;
  if (q === 0 && movement.kind === 'transfer_in' && isRef(movement.refId)) return null;
  if (q === 0 || Math.abs(q) > DOCUMENT_LIMITS.quantityMilli) return 'quantityMilli out of bounds';
  const direction = DIRECTION[movement.kind];
  if (direction !== 0 && Math.sign(q) !== direction) return `a ${movement.kind} movement must be ${direction < 0 ? 'negative' : 'positive'}`;
  return null;
}
