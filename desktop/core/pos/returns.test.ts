import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Return, StockMovement } from '../../../shared/schema/index.js';
import { createCheckout } from './checkout.js';
import { PosError } from './errors.js';
import { createReturns } from './returns.js';
import { openTestTill, steppingClock, testProduct, testTill as till, type TestTill } from './test-support/till.js';

const cashier = { id: 'u1', role: 'employee' as const };

describe('returns', () => {
  let t: TestTill;
  beforeEach(async () => {
    t = await openTestTill('returns');
    await t.db.collections.products!.bulkInsert([
      testProduct('riz', 'Riz parfumé 5 kg', 55_000),
      testProduct('eau', 'Eau minérale 1,5 L', 6_000),
      testProduct('savon', 'Savon', 10_000),
      testProduct('viande', 'Viande de bœuf', 60_000, { unit: 'kg' }),
    ]);
  });
  afterEach(() => t.close());

  const onHand = async (productId: string) =>
    (await t.db.collections.stock_movements!.find({ selector: { productId } }).exec()).reduce((sum, d) => sum + (d.toJSON() as StockMovement).quantityMilli, 0);

  it('refunds a full return to the franc, discounts included, and puts the stock back', async () => {
    const { clock } = steppingClock();
    const sale = await createCheckout(t.db, till, clock).checkout({ id: 'u1', role: 'dg' }, {
      lines: [{ productId: 'riz', quantityMilli: 3000, discount: { kind: 'percent', rate: 500 } }, { productId: 'eau', quantityMilli: 7000 }],
      cartDiscount: { kind: 'amount', amount: 3_333 },
      tenders: [{ method: 'cash', amountMinor: 250_000 }],
    });
    expect(sale.discountMinor).toBeGreaterThan(0);
    const returns = createReturns(t.db, till, clock);
    const before = await returns.returnable(sale.id);
    expect(before.lines.map((l) => [l.productId, l.soldMilli, l.returnedMilli, l.remainingMilli])).toEqual([['riz', 3000, 0, 3000], ['eau', 7000, 0, 7000]]);

    const ret = await returns.returnSale(cashier, {
      saleId: sale.id, lines: before.lines.map((l) => ({ productId: l.productId, quantityMilli: l.remainingMilli })), refundMethod: 'cash', reason: '  Client mécontent ',
    });
    expect(ret.totalMinor).toBe(sale.totalMinor);
    expect(ret.lines.map((l) => l.refundMinor)).toEqual(sale.lines.map((l) => l.totalMinor));
    expect(ret).toMatchObject({ reason: 'Client mécontent', refunds: [{ method: 'cash', amountMinor: sale.totalMinor }], deviceId: 'd1', boutiqueId: 'b', cashierId: 'u1' });
    expect(await onHand('riz')).toBe(0);
    expect(await onHand('eau')).toBe(0);
    const back = await t.db.collections.stock_movements!.find({ selector: { refId: ret.id } }).exec();
    expect(back.map((d) => (d.toJSON() as StockMovement).kind)).toEqual(['return', 'return']);
    expect((await returns.returnable(sale.id)).lines.every((l) => l.remainingMilli === 0)).toBe(true);
  });

  it('splits a line into partial returns whose refunds add up to what was paid', async () => {
    const { clock } = steppingClock();
    // 3 soaps for 29 000 after a 1 000 cart discount: a third is not a whole franc.
    const sale = await createCheckout(t.db, till, clock).checkout(cashier, {
      lines: [{ productId: 'savon', quantityMilli: 3000 }], cartDiscount: { kind: 'amount', amount: 1_000 }, tenders: [{ method: 'cash', amountMinor: 29_000 }],
    });
    const returns = createReturns(t.db, till, clock);
    expect((await returns.returnable(sale.id)).lines[0]!.unitRefundMinor).toBe(9_667);
    const refunds: number[] = [];
    for (let i = 0; i < 3; i++) {
      const ret = await returns.returnSale(cashier, { saleId: sale.id, lines: [{ productId: 'savon', quantityMilli: 1000 }], refundMethod: 'orange_money', reason: 'Défaut' });
      refunds.push(ret.totalMinor);
    }
    expect(refunds).toEqual([9_667, 9_666, 9_667]);
    expect(refunds.reduce((a, b) => a + b, 0)).toBe(29_000);
    const error = await returns.returnSale(cashier, { saleId: sale.id, lines: [{ productId: 'savon', quantityMilli: 1 }], refundMethod: 'cash', reason: 'Encore' }).catch((e: unknown) => e);
    expect((error as PosError).code).toBe('RETURN_QUANTITY_EXCEEDED');
  });

  it('returns part of a weighed line', async () => {
    const { clock } = steppingClock();
    const sale = await createCheckout(t.db, till, clock).checkout(cashier, { lines: [{ productId: 'viande', quantityMilli: 1500 }], tenders: [{ method: 'cash', amountMinor: 90_000 }] });
    const ret = await createReturns(t.db, till, clock).returnSale(cashier, { saleId: sale.id, lines: [{ productId: 'viande', quantityMilli: 250 }], refundMethod: 'cash', reason: 'Trop' });
    expect(ret.totalMinor).toBe(15_000);
    expect(await onHand('viande')).toBe(-1250);
  });

  it('refuses what cannot be returned, and writes nothing', async () => {
    const { clock } = steppingClock();
    const sale = await createCheckout(t.db, till, clock).checkout(cashier, { lines: [{ productId: 'riz', quantityMilli: 2000 }], tenders: [{ method: 'cash', amountMinor: 110_000 }] });
    const returns = createReturns(t.db, till, clock);
    const refuse = async (request: Parameters<typeof returns.returnSale>[1], code: string) => {
      const error = await returns.returnSale(cashier, request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PosError);
      expect((error as PosError).code).toBe(code);
    };
    const base = { saleId: sale.id, refundMethod: 'cash' as const, reason: 'Erreur de caisse' };
    await refuse({ ...base, reason: '   ', lines: [{ productId: 'riz', quantityMilli: 1000 }] }, 'RETURN_REASON_REQUIRED');
    await refuse({ ...base, lines: [] }, 'RETURN_EMPTY');
    await refuse({ ...base, saleId: 'nope', lines: [{ productId: 'riz', quantityMilli: 1000 }] }, 'SALE_NOT_FOUND');
    await refuse({ ...base, lines: [{ productId: 'eau', quantityMilli: 1000 }] }, 'RETURN_PRODUCT_NOT_IN_SALE');
    await refuse({ ...base, lines: [{ productId: 'riz', quantityMilli: 0 }] }, 'QUANTITY_INVALID');
    await refuse({ ...base, lines: [{ productId: 'riz', quantityMilli: 1500 }, { productId: 'riz', quantityMilli: 1000 }] }, 'RETURN_QUANTITY_EXCEEDED');
    await refuse({ ...base, refundMethod: 'cheque' as never, lines: [{ productId: 'riz', quantityMilli: 1000 }] }, 'TENDER_INVALID');
    expect(await t.db.collections.returns!.count().exec()).toBe(0);
    expect(await onHand('riz')).toBe(-2000);
  });

  it('lets only one of two simultaneous returns take the last unit', async () => {
    const { clock } = steppingClock();
    const sale = await createCheckout(t.db, till, clock).checkout(cashier, { lines: [{ productId: 'eau', quantityMilli: 1000 }], tenders: [{ method: 'cash', amountMinor: 6_000 }] });
    const returns = createReturns(t.db, till, clock);
    const request = { saleId: sale.id, lines: [{ productId: 'eau', quantityMilli: 1000 }], refundMethod: 'cash' as const, reason: 'Double clic' };
    const results = await Promise.allSettled([returns.returnSale(cashier, request), returns.returnSale(cashier, request)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const saved = (await t.db.collections.returns!.find().exec()).map((d) => d.toJSON() as Return);
    expect(saved).toHaveLength(1);
    expect(await onHand('eau')).toBe(0);
  });
});
