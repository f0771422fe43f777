import type { RxCollection, RxDatabase, RxJsonSchema } from 'rxdb';

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

// The collection is added to the till's database once, on first use.
const opened = new WeakMap<RxDatabase, Promise<RxCollection<PaymentUse>>>();

export function paymentUses(db: RxDatabase): Promise<RxCollection<PaymentUse>> {
  let collection = opened.get(db);
  if (!collection) {
    collection = db.collections[PAYMENT_USES_COLLECTION]
      ? Promise.resolve(db.collections[PAYMENT_USES_COLLECTION] as RxCollection<PaymentUse>)
      : db.addCollections({ [PAYMENT_USES_COLLECTION]: { schema } }).then((added) => added[PAYMENT_USES_COLLECTION] as RxCollection<PaymentUse>);
    opened.set(db, collection);
  }
  return collection;
}
