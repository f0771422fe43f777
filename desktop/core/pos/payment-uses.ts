import type { RxDatabase, RxJsonSchema } from 'rxdb';
import { localCollection } from '../db/local-collection.js';

/**
 * Which sale each mobile-money payment paid for on this till. Written in the same transaction as
 * the sale, keyed by the payment: a confirmed payment pays for one sale only, even when two
 * checkouts race or the till restarts in between. Local to the till, like the PINs (not in
 * TILL_COLLECTIONS, so never replicated): the sale itself carries the payment id to the cloud.
 */
export const PAYMENT_USES_COLLECTION = 'local_payment_uses';

export type PaymentUse = { paymentId: string; saleId: string; usedAt: string };

const schema: RxJsonSchema<PaymentUse> = {
  version: 0,
  primaryKey: 'paymentId',
  type: 'object',
  properties: { paymentId: { type: 'string', maxLength: 128 }, saleId: { type: 'string', maxLength: 64 }, usedAt: { type: 'string', maxLength: 40 } },
  required: ['paymentId', 'saleId', 'usedAt'],
};

export const paymentUses = (db: RxDatabase) => localCollection(db, PAYMENT_USES_COLLECTION, schema);
