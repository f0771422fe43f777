import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TILL_WRITTEN, tillDocumentRuleBroken, type TillWrittenCollection } from '../../../shared/schema/validate.js';
import { createCashSessions } from './cash-sessions.js';
import { createCheckout } from './checkout.js';
import { createCustomers } from './customers.js';
import { createReturns } from './returns.js';
import { createStock } from './stock.js';
import { openTestTill, steppingClock, testProduct, testTill as till, type TestTill } from './test-support/till.js';

const manager = { id: 'pdg1', role: 'pdg' as const };

/**
 * Every document the till's services write passes the check the cloud runs on a push
 * (shared/schema/validate.ts): a real till never has a sale set aside for its shape or its sums.
 */
describe('what the till writes, checked as the cloud will', () => {
  let t: TestTill;
  const { clock } = steppingClock();

  beforeAll(async () => {
    t = await openTestTill('cloud-check');
    await t.db.collections.products!.bulkInsert([
      testProduct('riz', 'Riz parfumé 5 kg', 55_000),
      testProduct('eau', 'Eau minérale 1,5 L', 6_000),
      testProduct('sucre', 'Sucre 1 kg', 9_500, { vatRateBp: 0 }),
      testProduct('viande', 'Viande de bœuf', 60_000, { unit: 'kg' }),
      testProduct('cadeau', 'Échantillon', 0),
    ]);
  });
  afterAll(() => t.close());

  async function everyDocumentPasses(): Promise<number> {
    let checked = 0;
    for (const collection of Object.keys(TILL_WRITTEN) as TillWrittenCollection[]) {
      for (const doc of await t.db.collections[collection]!.find().exec()) {
        const json = doc.toJSON() as Record<string, unknown>;
        expect([collection, json.id, tillDocumentRuleBroken(collection, json, till)]).toEqual([collection, json.id, null]);
        checked += 1;
      }
    }
    return checked;
  }

  it('sales, returns, drawer events, stock adjustments and customers', async () => {
    const checkout = createCheckout(t.db, till, clock);
    const cash = createCashSessions(t.db, till, clock);
    await cash.open(manager, 100_000);
    const sale = await checkout.checkout(manager, {
      lines: [{ productId: 'riz', quantityMilli: 3000, discount: { kind: 'percent', rate: 500 } }, { productId: 'viande', quantityMilli: 1_250 }, { productId: 'sucre', quantityMilli: 1000 }],
      cartDiscount: { kind: 'amount', amount: 3_333 },
      tenders: [{ method: 'mtn_momo', amountMinor: 100_000, paymentId: 'pay-1' }, { method: 'cash', amountMinor: 200_000 }],
    });
    await checkout.checkout(manager, { lines: [{ productId: 'cadeau', quantityMilli: 1000 }], tenders: [] });
    await checkout.checkout(manager, { lines: [{ productId: 'eau', quantityMilli: 2000 }], cartDiscount: { kind: 'percent', rate: 10_000 }, tenders: [] });
    const returns = createReturns(t.db, till, clock);
    await returns.returnSale(manager, { saleId: sale.id, lines: [{ productId: 'riz', quantityMilli: 1000 }], refundMethod: 'cash', reason: 'abîmé' });
    await returns.returnSale(manager, { saleId: sale.id, lines: [{ productId: 'viande', quantityMilli: 1_250 }, { productId: 'riz', quantityMilli: 2000 }], refundMethod: 'orange_money', reason: 'Client mécontent' });
    await cash.cashMove(manager, { type: 'cash_in', amountMinor: 5_000, reason: 'Monnaie' });
    await cash.cashMove(manager, { type: 'cash_out', amountMinor: 2_000, reason: 'Achat de sacs' });
    await cash.close(manager, { cash: 250_000 });
    await createStock(t.db, till, clock).adjust(manager, { productId: 'eau', deltaMilli: -3000, reason: 'casse' });
    const customers = createCustomers(t.db, till, clock);
    const awa = await customers.create(manager, { name: '  Awa   Bah ', phone: '+224 620 12 34 56' });
    await customers.update(manager, awa.id, { name: 'Awa Bah Diallo', phone: '00224 655 00 11 22' });
    expect(await everyDocumentPasses()).toBeGreaterThan(15);
  });

  it('any basket the checkout accepts', async () => {
    const checkout = createCheckout(t.db, till, clock);
    const products = ['riz', 'eau', 'sucre', 'viande', 'cadeau'];
    const discount = fc.option(fc.oneof(fc.record({ kind: fc.constant('percent' as const), rate: fc.integer({ min: 0, max: 10_000 }) }), fc.record({ kind: fc.constant('amount' as const), amount: fc.integer({ min: 0, max: 1e6 }) })), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            // Pieces sell whole; weighed goods (viande, by the kg) to the gram.
            fc.record({ productId: fc.constantFrom(...products.filter((p) => p !== 'viande')), quantityMilli: fc.integer({ min: 1, max: 100 }).map((n) => n * 1000), discount }),
            fc.record({ productId: fc.constant('viande'), quantityMilli: fc.integer({ min: 1, max: 100_000 }), discount }),
          ),
          { minLength: 1, maxLength: 8 },
        ),
        discount,
        fc.integer({ min: 0, max: 50_000 }),
        async (lines, cartDiscount, extraCash) => {
          const request = { lines: lines.map(({ discount: d, ...l }) => (d ? { ...l, discount: d } : l)), ...(cartDiscount ? { cartDiscount } : {}) };
          // Paid in cash, well over: the change goes back on the cash tender.
          const sale = await checkout.checkout(manager, { ...request, tenders: [{ method: 'cash', amountMinor: 10_000_000_000 + extraCash }] });
          expect(tillDocumentRuleBroken('sales', sale, till)).toBeNull();
        },
      ),
      { numRuns: 40, seed: 20261125 },
    );
    await everyDocumentPasses();
  });
});
