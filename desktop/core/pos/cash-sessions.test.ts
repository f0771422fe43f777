import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { vatIncluded } from '../../../shared/money.js';
import type { Return, Sale } from '../../../shared/schema/index.js';
import { createCashSessions } from './cash-sessions.js';
import { createCheckout } from './checkout.js';
import { PosError } from './errors.js';
import { createReturns } from './returns.js';
import { openTestTill, steppingClock, testProduct, testTill as till, type TestTill } from './test-support/till.js';

const manager = { id: 'dg1', role: 'dg' as const };
const cashier = { id: 'u1', role: 'employee' as const };

const codeOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(PosError);
  return (error as PosError).code;
};

describe('cash sessions', () => {
  let t: TestTill;
  beforeEach(async () => {
    t = await openTestTill('cash');
    await t.db.collections.products!.bulkInsert([
      testProduct('riz', 'Riz parfumé 5 kg', 55_000),
      testProduct('eau', 'Eau minérale 1,5 L', 6_000),
      testProduct('sucre', 'Sucre 1 kg', 9_500, { vatRateBp: 0 }),
    ]);
    const user = { tenantId: 't', email: '', boutiqueIds: ['b'], active: true, offlineVerifier: null, updatedAt: '2026-11-25T00:00:00Z' };
    await t.db.collections.users!.bulkInsert([
      { ...user, id: 'dg1', email: 'dg@demo.local', name: 'Aïssatou Barry', role: 'dg' },
      { ...user, id: 'u1', email: 'caisse@demo.local', name: 'Ibrahima Sow', role: 'employee' },
    ]);
  });
  afterEach(() => t.close());

  it('keeps one open session per till, with cash in and out and their reasons', async () => {
    const { clock } = steppingClock();
    const cash = createCashSessions(t.db, till, clock);
    expect(await cash.current()).toBeNull();
    expect(await codeOf(cash.cashMove(manager, { type: 'cash_in', amountMinor: 1000, reason: 'Monnaie' }))).toBe('CASH_SESSION_NOT_OPEN');
    expect(await codeOf(cash.open(manager, -1))).toBe('AMOUNT_INVALID');
    const [opened, twice] = await Promise.allSettled([cash.open(manager, 200_000), cash.open(manager, 200_000)]);
    expect(opened.status).toBe('fulfilled');
    expect(twice.status === 'rejected' && (twice.reason as PosError).code).toBe('CASH_SESSION_ALREADY_OPEN');
    // Another till of the same boutique has its own drawer.
    expect(await createCashSessions(t.db, { ...till, deviceId: 'd2', deviceCode: 'C02' }, clock).current()).toBeNull();

    expect(await codeOf(cash.cashMove(manager, { type: 'cash_in', amountMinor: 50_000, reason: '  ' }))).toBe('CASH_MOVE_REASON_REQUIRED');
    expect(await codeOf(cash.cashMove(manager, { type: 'cash_in', amountMinor: 0, reason: 'Monnaie' }))).toBe('AMOUNT_INVALID');
    await cash.cashMove(manager, { type: 'cash_in', amountMinor: 50_000, reason: 'Monnaie de la banque' });
    expect(await codeOf(cash.cashMove(manager, { type: 'cash_out', amountMinor: 250_001, reason: 'Dépôt' }))).toBe('CASH_OUT_ABOVE_DRAWER');
    const after = await cash.cashMove(manager, { type: 'cash_out', amountMinor: 30_000, reason: 'Achat de sacs' });
    expect(after).toMatchObject({ floatMinor: 200_000, cashInMinor: 50_000, cashOutMinor: 30_000, expectedCashMinor: 220_000, openedBy: 'dg1', salesCount: 0 });
    expect(await cash.current()).toEqual(after);
  });

  it('closes with a Z report that agrees with the sales and returns of the session, computed independently', async () => {
    const { clock, advance } = steppingClock();
    const checkout = createCheckout(t.db, till, clock);
    const cash = createCashSessions(t.db, till, clock);
    const returns = createReturns(t.db, till, clock);
    // Before the session opened: not in its report.
    const early = await checkout.checkout(cashier, { lines: [{ productId: 'eau', quantityMilli: 1000 }], tenders: [{ method: 'cash', amountMinor: 6_000 }] });
    advance(60_000);
    const session = await cash.open(manager, 100_000);

    const sold: Sale[] = [];
    sold.push(await checkout.checkout(cashier, { lines: [{ productId: 'riz', quantityMilli: 2000 }, { productId: 'eau', quantityMilli: 3000 }], cartDiscount: { kind: 'percent', rate: 500 }, tenders: [{ method: 'cash', amountMinor: 150_000 }] }));
    sold.push(await checkout.checkout(cashier, { lines: [{ productId: 'sucre', quantityMilli: 4000 }], tenders: [{ method: 'mtn_momo', amountMinor: 20_000, paymentId: 'p1' }, { method: 'cash', amountMinor: 20_000 }] }));
    sold.push(await checkout.checkout(cashier, { lines: [{ productId: 'riz', quantityMilli: 1000 }], tenders: [{ method: 'card', amountMinor: 55_000 }] }));
    await cash.cashMove(manager, { type: 'cash_out', amountMinor: 40_000, reason: 'Dépôt banque' });
    const refunded: Return[] = [
      await returns.returnSale(cashier, { saleId: sold[0]!.id, lines: [{ productId: 'eau', quantityMilli: 1000 }], refundMethod: 'cash', reason: 'Bouteille percée' }),
      await returns.returnSale(cashier, { saleId: early.id, lines: [{ productId: 'eau', quantityMilli: 1000 }], refundMethod: 'orange_money', reason: 'Erreur' }),
    ];
    // Another till's sale at the same moment belongs to its own drawer.
    await createCheckout(t.db, { ...till, deviceId: 'd2', deviceCode: 'C02' }, clock).checkout(cashier, { lines: [{ productId: 'eau', quantityMilli: 1000 }], tenders: [{ method: 'cash', amountMinor: 6_000 }] });

    const x = await cash.zReport(session.sessionId);
    expect(x).toMatchObject({ closedAt: null, differenceMinor: null, salesCount: 3, returnsCount: 2 });
    expect(await codeOf(cash.close(manager, {}))).toBe('CASH_COUNT_REQUIRED');

    const z = await cash.close(manager, { cash: 190_000, mtn_momo: 20_000 });
    // Independently: straight from the documents of this device inside the session.
    const inSession = <T extends { deviceId: string; createdAt: string }>(docs: T[]) =>
      docs.filter((d) => d.deviceId === 'd1' && d.createdAt >= session.openedAt && d.createdAt <= z.closedAt!);
    const sales = inSession((await t.db.collections.sales!.find().exec()).map((d) => d.toJSON() as Sale));
    const rets = inSession((await t.db.collections.returns!.find().exec()).map((d) => d.toJSON() as Return));
    expect(sales.map((s) => s.id).sort()).toEqual(sold.map((s) => s.id).sort());
    expect(rets.map((r) => r.id).sort()).toEqual(refunded.map((r) => r.id).sort());
    const taken = (method: string) => sales.flatMap((s) => s.tenders).filter((x) => x.method === method).reduce((a, x) => a + x.amountMinor - (x.changeMinor ?? 0), 0);
    const given = (method: string) => rets.flatMap((r) => r.refunds).filter((x) => x.method === method).reduce((a, x) => a + x.amountMinor, 0);
    const expectedCash = 100_000 + taken('cash') - given('cash') - 40_000;
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

    expect(z).toMatchObject({
      sessionId: session.sessionId, boutiqueId: 'b', boutiqueCode: 'KAL', deviceId: 'd1', deviceCode: 'C01',
      openedBy: 'dg1', openedByName: 'Aïssatou Barry', closedBy: 'dg1', floatMinor: 100_000, cashInMinor: 0, cashOutMinor: 40_000,
      salesCount: 3, returnsCount: 2,
      salesTotalMinor: sum(sales.map((s) => s.totalMinor)), refundsTotalMinor: sum(rets.map((r) => r.totalMinor)),
    });
    expect(z.byMethod).toEqual([
      { method: 'cash', salesMinor: taken('cash'), refundsMinor: given('cash'), expectedMinor: expectedCash, countedMinor: 190_000, differenceMinor: 190_000 - expectedCash },
      { method: 'mtn_momo', salesMinor: 20_000, refundsMinor: 0, expectedMinor: 20_000, countedMinor: 20_000, differenceMinor: 0 },
      { method: 'orange_money', salesMinor: 0, refundsMinor: 6_000, expectedMinor: -6_000, countedMinor: -6_000, differenceMinor: 0 },
      { method: 'card', salesMinor: 55_000, refundsMinor: 0, expectedMinor: 55_000, countedMinor: 55_000, differenceMinor: 0 },
    ]);
    expect(z.differenceMinor).toBe(190_000 - expectedCash);
    // Tenders less change, over every method, are the sales; refunds likewise.
    expect(sum(z.byMethod.map((l) => l.salesMinor))).toBe(z.salesTotalMinor);
    expect(sum(z.byMethod.map((l) => l.refundsMinor))).toBe(z.refundsTotalMinor);
    const refundVat = sum(rets.flatMap((r) => r.lines.map((l) => vatIncluded(l.refundMinor, 1800).vat)));
    expect(z.totals).toEqual({
      grossMinor: sum(sales.map((s) => s.subtotalMinor)),
      discountMinor: sum(sales.map((s) => s.discountMinor)),
      vatMinor: sum(sales.map((s) => s.vatMinor)) - refundVat,
      netMinor: sum(sales.map((s) => s.totalMinor)) - sum(rets.map((r) => r.totalMinor)),
    });
    expect(z.totals.grossMinor - z.totals.discountMinor).toBe(z.salesTotalMinor);

    // Closed: nothing open, the report reads back the same, and history lists it.
    expect(await cash.current()).toBeNull();
    expect(await cash.zReport(session.sessionId)).toEqual(z);
    expect(await codeOf(cash.cashMove(manager, { type: 'cash_in', amountMinor: 1, reason: 'x' }))).toBe('CASH_SESSION_NOT_OPEN');
    expect(await codeOf(cash.zReport('nope'))).toBe('CASH_SESSION_NOT_FOUND');
    advance(60_000);
    const next = await cash.open(cashier, 50_000);
    await checkout.checkout(cashier, { lines: [{ productId: 'eau', quantityMilli: 1000 }], tenders: [{ method: 'cash', amountMinor: 10_000 }] });
    expect(await cash.current()).toMatchObject({ sessionId: next.sessionId, salesCount: 1, expectedCashMinor: 56_000 });
    await cash.close(cashier, { cash: 56_000 });
    const history = await cash.history(10);
    expect(history.map((r) => r.sessionId)).toEqual([next.sessionId, session.sessionId]);
    expect(history[0]).toMatchObject({ differenceMinor: 0, salesCount: 1, openedByName: 'Ibrahima Sow' });
    expect(await cash.history(1)).toHaveLength(1);
  });
});
