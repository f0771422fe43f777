import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { vatIncluded } from '../../shared/money.js';
import type { Return, Sale } from '../../shared/schema/index.js';
import { startCore, type Core } from './app.js';
import { saveEnrolment } from './app/enrolment.js';
import { openTillDatabase, tillDirectory } from './app/till-db.js';
import { bridgeOutput, testEnrolment, testProduct, testUser } from './test-support/core-fixture.js';
import { createReturns } from './pos/returns.js';

const CLOUD = 'http://cloud.test';
const enrolment = testEnrolment(CLOUD);
const identity = { tenantId: 'tenant-1', boutiqueId: 'b1', boutiqueCode: 'KAL', deviceId: 'dev-1', deviceCode: 'C01', currency: 'GNF' as const };

/**
 * The cloud as far as these calls need it: mobile-money payments succeed at once; everything
 * else (the sync's routes) is not there, as in a cloud that is down.
 */
const fakeFetch = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  if (String(url) === `${CLOUD}/api/pos/payments` && init?.method === 'POST') {
    const body = JSON.parse(String(init.body)) as { amountMinor: number; idempotencyKey: string };
    return json(201, { paymentId: `pay-${body.idempotencyKey}`, status: 'succeeded', amountMinor: body.amountMinor, currency: 'GNF', redirectUrl: null });
  }
  return json(404, { error: { code: 'ROUTE_NOT_FOUND', message: '' } });
};

describe('core: drawer, stock, customers and PIN through the bridge', () => {
  let directory: string;
  let core: Core;
  let now: number;
  // Each reading is a millisecond after the last: documents written one after another keep their order.
  const clock = () => new Date(++now);

  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), 'afrigest-core-cash-'));
    now = Date.UTC(2026, 10, 25, 9, 0, 0);
    saveEnrolment(directory, enrolment);
    const db = await openTillDatabase(tillDirectory(directory, 'dev-1'));
    await db.collections.users!.bulkInsert([
      testUser('u-emp', 'employe@demo.local', 'Ibrahima Sow', 'employee'),
      testUser('u-dg', 'dg@demo.local', 'Aïssatou Diallo', 'dg'),
    ]);
    await db.collections.products!.bulkInsert([testProduct('riz', 'Riz parfumé 5 kg', '2240000000077', 55_000), testProduct('eau', 'Eau minérale Coyah 1,5 L', '2240000000084', 6_000)]);
    await db.close();
    core = await startCore({
      dataDirectory: directory, cloudUrl: CLOUD, clock, fetch: fakeFetch as typeof fetch, strictOutputs: true, log: () => undefined,
      sync: { live: false, retryTime: 60_000, pollInterval: 60_000 },
    });
  });
  afterEach(async () => {
    await core?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const signIn = async (email: string) => bridgeOutput(await core.call('auth.signIn', { email, password: 'Demo123!' }));

  it('refuses a second open, and closes with a Z report that matches the sales and returns of the session', async () => {
    await signIn('employe@demo.local');
    // Before the session: a sale that is not the session's.
    bridgeOutput(await core.call('checkout.complete', { lines: [{ productId: 'eau', quantityMilli: 1000 }], tenders: [{ method: 'cash', amountMinor: 6_000 }] }));

    await signIn('dg@demo.local');
    expect(await core.call('cash.current', {})).toEqual({ ok: true, output: null });
    expect(await core.call('cash.move', { type: 'cash_in', amountMinor: 1_000, reason: 'Monnaie' })).toMatchObject({ ok: false, error: { code: 'CASH_SESSION_NOT_OPEN' } });
    const session = bridgeOutput<{ sessionId: string; openedAt: string }>(await core.call('cash.open', { floatMinor: 100_000 }));
    expect(session).toEqual({ sessionId: expect.any(String), openedAt: expect.any(String), openedBy: 'u-dg', floatMinor: 100_000, cashInMinor: 0, cashOutMinor: 0, expectedCashMinor: 100_000 });
    expect(await core.call('cash.open', { floatMinor: 50_000 })).toMatchObject({ ok: false, error: { code: 'CASH_SESSION_ALREADY_OPEN', message: expect.any(String) } });
    expect(await core.call('cash.move', { type: 'cash_in', amountMinor: 10_000, reason: '   ' })).toMatchObject({ ok: false, error: { code: 'CASH_MOVE_REASON_REQUIRED' } });
    bridgeOutput(await core.call('cash.move', { type: 'cash_in', amountMinor: 10_000, reason: 'Monnaie de la banque' }));

    await signIn('employe@demo.local');
    // Cash with change; then mobile money with cash.
    const first = bridgeOutput<Sale>(await core.call('checkout.complete', {
      lines: [{ productId: 'riz', quantityMilli: 1000 }, { productId: 'eau', quantityMilli: 2000 }], tenders: [{ method: 'cash', amountMinor: 70_000 }],
    }));
    expect(first.tenders).toEqual([{ method: 'cash', amountMinor: 70_000, changeMinor: 3_000 }]);
    const payment = bridgeOutput<{ paymentId: string }>(await core.call('payments.mobileStart', { method: 'mtn_momo', amountMinor: 20_000, phone: '+224 620 00 00 01' }));
    bridgeOutput(await core.call('checkout.complete', {
      lines: [{ productId: 'riz', quantityMilli: 1000 }], tenders: [{ method: 'mtn_momo', amountMinor: 20_000, paymentId: payment.paymentId }, { method: 'cash', amountMinor: 35_000 }],
    }));
    // A bottle of water given back in cash (the returns service on the till's database, as returns.create runs it).
    await createReturns(core.database()!, identity, clock).returnSale({ id: 'u-emp', role: 'employee' }, {
      saleId: first.id, lines: [{ productId: 'eau', quantityMilli: 1000 }], refundMethod: 'cash', reason: 'Bouteille percée',
    });
    // The drawer is a manager's.
    expect(await core.call('cash.close', { counted: { cash: 1 } })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    await signIn('dg@demo.local');
    expect(bridgeOutput(await core.call('cash.move', { type: 'cash_out', amountMinor: 25_000, reason: 'Achat de sacs' }))).toMatchObject({
      cashInMinor: 10_000, cashOutMinor: 25_000, expectedCashMinor: 100_000 + 67_000 + 35_000 + 10_000 - 25_000 - 6_000,
    });
    // Still open: an X report, nothing counted yet.
    expect(await core.call('cash.zReport', { sessionId: session.sessionId })).toMatchObject({
      ok: true, output: { closedAt: null, salesCount: 2, returnsCount: 1, differenceMinor: 0, byMethod: [{ method: 'cash', expectedMinor: 181_000, countedMinor: 0, differenceMinor: 0 }, {}, {}, {}] },
    });
    type Z = { closedAt: string; byMethod: Array<{ method: string }> } & Record<string, unknown>;
    const z = bridgeOutput<Z>(await core.call('cash.close', { counted: { cash: 180_000, mtn_momo: 20_000 } }));

    // Independently, from the documents this device wrote while the session was open.
    const db = core.database()!;
    const inSession = <T extends { deviceId: string; createdAt: string }>(docs: T[]) =>
      docs.filter((d) => d.deviceId === 'dev-1' && d.createdAt >= session.openedAt && d.createdAt <= z.closedAt);
    const sales = inSession((await db.collections.sales!.find().exec()).map((d) => d.toJSON() as Sale));
    const returns = inSession((await db.collections.returns!.find().exec()).map((d) => d.toJSON() as Return));
    expect([sales.length, returns.length]).toEqual([2, 1]);
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    const taken = (method: string) => sum(sales.flatMap((s) => s.tenders).filter((t) => t.method === method).map((t) => t.amountMinor - (t.changeMinor ?? 0)));
    const given = (method: string) => sum(returns.flatMap((r) => r.refunds).filter((r) => r.method === method).map((r) => r.amountMinor));
    const expectedCash = 100_000 + taken('cash') - given('cash') + 10_000 - 25_000;
    expect(expectedCash).toBe(181_000);

    expect(z).toEqual({
      sessionId: session.sessionId, openedAt: session.openedAt, closedAt: expect.any(String),
      floatMinor: 100_000, cashInMinor: 10_000, cashOutMinor: 25_000,
      salesCount: 2, returnsCount: 1,
      salesTotalMinor: sum(sales.map((s) => s.totalMinor)), refundsTotalMinor: sum(returns.map((r) => r.totalMinor)),
      byMethod: [
        { method: 'cash', salesMinor: taken('cash'), refundsMinor: given('cash'), expectedMinor: expectedCash, countedMinor: 180_000, differenceMinor: 180_000 - expectedCash },
        { method: 'mtn_momo', salesMinor: 20_000, refundsMinor: 0, expectedMinor: 20_000, countedMinor: 20_000, differenceMinor: 0 },
        { method: 'orange_money', salesMinor: 0, refundsMinor: 0, expectedMinor: 0, countedMinor: 0, differenceMinor: 0 },
        { method: 'card', salesMinor: 0, refundsMinor: 0, expectedMinor: 0, countedMinor: 0, differenceMinor: 0 },
      ],
      differenceMinor: -1_000,
      totals: {
        grossMinor: sum(sales.map((s) => s.subtotalMinor)),
        discountMinor: sum(sales.map((s) => s.discountMinor)),
        vatMinor: sum(sales.map((s) => s.vatMinor)) - sum(returns.flatMap((r) => r.lines.map((l) => vatIncluded(l.refundMinor, 1800).vat))),
        netMinor: sum(sales.map((s) => s.totalMinor)) - sum(returns.map((r) => r.totalMinor)),
      },
    });

    // Closed: nothing open, the report reads back the same, history lists it.
    expect(await core.call('cash.current', {})).toEqual({ ok: true, output: null });
    expect(await core.call('cash.zReport', { sessionId: session.sessionId })).toEqual({ ok: true, output: z });
    expect(await core.call('cash.history', {})).toEqual({ ok: true, output: [z] });
    expect(await core.call('cash.zReport', { sessionId: 'inconnue' })).toMatchObject({ ok: false, error: { code: 'CASH_SESSION_NOT_FOUND' } });
    expect(await core.call('cash.move', { type: 'cash_out', amountMinor: 1, reason: 'x' })).toMatchObject({ ok: false, error: { code: 'CASH_SESSION_NOT_OPEN' } });
  });

  it('lets a dg adjust stock with a reason; an employee is refused and nothing is written', async () => {
    const movements = () => core.database()!.collections.stock_movements!.count().exec();
    await signIn('employe@demo.local');
    bridgeOutput(await core.call('checkout.complete', { lines: [{ productId: 'eau', quantityMilli: 2000 }], tenders: [{ method: 'cash', amountMinor: 12_000 }] }));
    const before = await movements();
    expect(await core.call('stock.adjust', { productId: 'eau', deltaMilli: 24_000, reason: 'Réception' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await movements()).toBe(before);
    // Reading is everyone's.
    expect(bridgeOutput(await core.call('stock.list', { search: 'EAU' }))).toEqual([
      { productId: 'eau', name: 'Eau minérale Coyah 1,5 L', barcode: '2240000000084', unit: 'piece', onHandMilli: -2_000, low: true },
    ]);

    await signIn('dg@demo.local');
    expect(await core.call('stock.adjust', { productId: 'eau', deltaMilli: 24_000, reason: '  ' })).toMatchObject({ ok: false, error: { code: 'STOCK_ADJUST_REASON_REQUIRED', message: expect.any(String) } });
    expect(await core.call('stock.adjust', { productId: 'eau', deltaMilli: 24_000 })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await movements()).toBe(before);
    expect(await core.call('stock.adjust', { productId: 'eau', deltaMilli: 24_000, reason: 'Inventaire du soir' })).toEqual({
      ok: true, output: { productId: 'eau', name: 'Eau minérale Coyah 1,5 L', barcode: '2240000000084', unit: 'piece', onHandMilli: 22_000, low: false },
    });
    expect(await movements()).toBe(before + 1);
    bridgeOutput(await core.call('stock.adjust', { productId: 'riz', deltaMilli: 3_000, reason: 'Réception partielle' }));
    // At or below 5 units is low.
    expect(bridgeOutput<Array<{ productId: string }>>(await core.call('stock.low', {})).map((i) => i.productId)).toEqual(['riz']);
    expect(bridgeOutput<Array<{ productId: string; low: boolean }>>(await core.call('stock.list', {})).map((i) => [i.productId, i.low])).toEqual([['eau', false], ['riz', true]]);
  });

  it('locks a PIN after five wrong tries, lists only the users who have one, and switches cashiers', async () => {
    await signIn('dg@demo.local');
    expect(await core.call('auth.setPin', { pin: '1234' })).toMatchObject({ ok: false, error: { code: 'PIN_TOO_SIMPLE' } });
    expect(await core.call('auth.setPin', { pin: '12a4' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await core.call('auth.setPin', { pin: '2580' })).toEqual({ ok: true, output: { ok: true } });
    await core.call('auth.signOut', {});
    expect(await core.call('auth.setPin', { pin: '2580' })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(await core.call('auth.pinUsers', {})).toEqual({ ok: true, output: [{ id: 'u-dg', name: 'Aïssatou Diallo', role: 'dg' }] });
    expect(await core.call('auth.signInWithPin', { userId: 'u-emp', pin: '2580' })).toMatchObject({ ok: false, error: { code: 'PIN_NOT_SET' } });

    for (let i = 0; i < 4; i++) expect(await core.call('auth.signInWithPin', { userId: 'u-dg', pin: '0000' })).toMatchObject({ ok: false, error: { code: 'PIN_INVALID' } });
    expect(await core.call('auth.signInWithPin', { userId: 'u-dg', pin: '0000' })).toMatchObject({ ok: false, error: { code: 'ACCOUNT_LOCKED', details: { minutes: 5 } } });
    // Locked: even the right PIN waits.
    expect(await core.call('auth.signInWithPin', { userId: 'u-dg', pin: '2580' })).toMatchObject({ ok: false, error: { code: 'ACCOUNT_LOCKED' } });
    expect(core.state().user).toBeNull();
    now += 5 * 60_000;
    expect(await core.call('auth.signInWithPin', { userId: 'u-dg', pin: '2580' })).toEqual({ ok: true, output: { id: 'u-dg', email: 'dg@demo.local', name: 'Aïssatou Diallo', role: 'dg' } });
    expect(core.state().user).toMatchObject({ id: 'u-dg' });
  });

  it('creates a customer once per phone and finds them by phone or name', async () => {
    await signIn('employe@demo.local');
    const made = bridgeOutput<{ id: string }>(await core.call('customers.create', { name: 'Mamadou Diallo', phone: '620 12 34 56' }));
    expect(made).toEqual({ id: expect.any(String), name: 'Mamadou Diallo', phone: '224620123456' });
    expect(await core.call('customers.create', { name: 'M. Diallo', phone: '+224 620 12 34 56' })).toEqual({ ok: true, output: made });
    expect(await core.database()!.collections.customers!.count().exec()).toBe(1);
    expect(await core.call('customers.create', { name: 'Fanta', phone: 'pas un numéro' })).toMatchObject({ ok: false, error: { code: 'PHONE_INVALID' } });
    expect(await core.call('customers.search', { query: 'DIALLO mam' })).toEqual({ ok: true, output: [made] });
    expect(await core.call('customers.search', { query: '620 12' })).toEqual({ ok: true, output: [made] });
    expect(await core.call('customers.search', { query: 'Fanta' })).toEqual({ ok: true, output: [] });
  });
});
