/**
 * MTN MoMo, Orange Money and PayPal through the real API and their simulators: the counter's
 * mobile-money route, storefront orders, forged and repeated callbacks, reconciliation, review.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { validSale } from '../../../test/sync/support/documents.js';
import { startPaymentSimulators, type PaymentSimulators } from '../../payments/simulators/index.js';
import { startTestApi, until, type TestApi } from '../test-support.js';

let api: TestApi;
let sims: PaymentSimulators;
let tenantId: string;
let device: string;
let productId: string;

const counterPayment = (body: Record<string, unknown>, key = randomUUID()) =>
  api.call('post', '/api/pos/payments', { token: device, headers: { 'idempotency-key': key }, body: { method: 'mtn_momo', amountMinor: 25_000, phone: '622 12 34 56', ...body } });
const paymentStatus = async (paymentId: string) => (await api.call('get', `/api/pos/payments/${paymentId}`, { token: device })).body.status as string;
const orderStatus = async (orderId: string) => (await api.call('get', `/api/tenants/${tenantId}/ecommerce/orders/${orderId}`)).body.order.paymentStatus as string;
const mtnCallback = (paymentId: string, status: string, method: 'put' | 'post' = 'put') =>
  api.call(method, `/api/tenants/${tenantId}/ecommerce/payments/mtn/callback?paymentId=${paymentId}`, { body: { externalId: paymentId, amount: '25000', currency: 'GNF', status, financialTransactionId: '123' } });

async function eventsOf(paymentId: string) {
  const { rows } = await api.services.databases.withTenant(tenantId, (tx) =>
    tx.query<{ state: string }>(`SELECT state FROM payment_events WHERE payment_id::text = $1 OR event->>'paymentId' = $1 OR event->>'providerReference' = $1`, [paymentId]),
  );
  return rows.map((r) => r.state);
}

async function order(provider: string) {
  const created = await api.call('post', `/api/tenants/${tenantId}/ecommerce/orders`, {
    headers: { 'idempotency-key': randomUUID() },
    body: { customer: { name: 'Fatoumata Camara', phone: '655 00 11 22' }, lines: [{ productId, quantity: 1 }], provider, returnUrl: 'https://shop.example/commande/{orderId}' },
  });
  expect(created.status).toBe(201);
  return created.body as { order: { orderId: string; totalMinor: number }; payment: { paymentId: string; redirectUrl: string | null; charged: unknown } };
}

beforeAll(async () => {
  sims = await startPaymentSimulators({ port: 0 });
  api = await startTestApi({
    STRIPE_API_BASE_URL: sims.urls.stripe, PAYPAL_API_BASE_URL: sims.urls.paypal, MTN_MOMO_BASE_URL: sims.urls.mtnMomo, ORANGE_MOMO_BASE_URL: sims.urls.orangeMoney,
    PAYMENT_JOBS: 'false',
  });
  tenantId = api.demoTenantId;
  sims.sendWebhooksTo(api.url, tenantId);
  const pdg = (await api.login('pdg@demo.local', 'Demo123!')).accessToken;
  const boutiques = (await api.call('get', `/api/tenants/${tenantId}/boutiques`, { token: pdg })).body.boutiques;
  const code = await api.call('post', `/api/tenants/${tenantId}/devices/enrolment-codes`, { token: pdg, body: { boutiqueId: boutiques[0].id, deviceName: 'Caisse paiements' } });
  device = `Device ${(await api.call('post', '/api/devices/enrol', { body: { tenant: 'demo', code: code.body.code } })).body.credential}`;
  productId = (await api.call('get', '/api/storefront/demo?limit=1')).body.products[0].id;
});

afterAll(async () => {
  await api?.close();
  await sims?.close();
});

beforeEach(() => {
  for (const sim of [sims.stripe, sims.paypal, sims.mtnMomo, sims.orangeMoney]) sim.reset();
});

describe('MTN MoMo at the counter', () => {
  it('takes a counter payment: the payer approves, MTN calls back, the status query confirms it, the till sees it live', async () => {
    const started = await counterPayment({});
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ provider: 'mtn-momo', purpose: 'pos', status: 'pending', amountMinor: 25_000, currency: 'GNF' });
    expect(sims.mtnMomo.requests.get(started.body.paymentId)?.payer.partyId).toBe('224622123456');
    const waiting = api.call('get', `/api/pos/payments/${started.body.paymentId}?wait=10`, { token: device });
    sims.mtnMomo.approve(started.body.paymentId);
    expect((await waiting).body.status).toBe('succeeded');
    expect(await eventsOf(started.body.paymentId)).toEqual(['applied']);
  });

  it('lets a till follow only the counter payments it started', async () => {
    const started = await counterPayment({});
    const pdg = (await api.login('pdg@demo.local', 'Demo123!')).accessToken;
    const boutiques = (await api.call('get', `/api/tenants/${tenantId}/boutiques`, { token: pdg })).body.boutiques;
    const code = await api.call('post', `/api/tenants/${tenantId}/devices/enrolment-codes`, { token: pdg, body: { boutiqueId: boutiques[0].id, deviceName: 'Caisse voisine' } });
    const other = `Device ${(await api.call('post', '/api/devices/enrol', { body: { tenant: 'demo', code: code.body.code } })).body.credential}`;
    const seenByOther = await api.call('get', `/api/pos/payments/${started.body.paymentId}`, { token: other });
    expect(seenByOther.status).toBe(404);
    expect(seenByOther.body.error.code).toBe('PAYMENT_NOT_FOUND');
    // Nor a storefront order's payment, even on the till of the same boutique.
    const { payment } = await order('mtn-momo');
    expect((await api.call('get', `/api/pos/payments/${payment.paymentId}`, { token: device })).status).toBe(404);
    expect((await api.call('get', `/api/pos/payments/${started.body.paymentId}`, { token: device })).status).toBe(200);
  });

  it('records which synced sale claimed each counter payment, and lists for managers the claims that do not hold', async () => {
    const pdg = (await api.login('pdg@demo.local', 'Demo123!')).accessToken;
    const boutiqueId = (await api.call('get', `/api/tenants/${tenantId}/boutiques`, { token: pdg })).body.boutiques[0].id;
    const code = await api.call('post', `/api/tenants/${tenantId}/devices/enrolment-codes`, { token: pdg, body: { boutiqueId, deviceName: 'Caisse contrôle' } });
    const enrolled = (await api.call('post', '/api/devices/enrol', { body: { tenant: 'demo', code: code.body.code } })).body;
    const till = `Device ${enrolled.credential}`;
    const start = (phone = '622 12 34 56') =>
      api.call('post', '/api/pos/payments', { token: till, headers: { 'idempotency-key': randomUUID() }, body: { method: 'mtn_momo', amountMinor: 25_000, phone } });
    const paid = (await start()).body.paymentId as string;
    sims.mtnMomo.approve(paid);
    await until(async () => (await api.call('get', `/api/pos/payments/${paid}`, { token: till })).body.status, (s) => s === 'succeeded');
    const pending = (await start('622 00 00 07')).body.paymentId as string;
    let n = 0;
    const sale = (paymentId: string, amountMinor = 25_000) => ({
      ...validSale({ tenantId, boutiqueId, deviceId: enrolled.deviceId }, [{ priceMinor: amountMinor, quantityMilli: 1000 }], { number: `KAL-CTL-${++n}` }),
      id: randomUUID(), tenders: [{ method: 'mtn_momo', amountMinor, paymentId }],
    });
    const push = (docs: unknown[]) => api.call('post', '/api/sync/sales/push', { token: till, body: { rows: docs.map((d) => ({ newDocumentState: d })) } });

    const honest = sale(paid);
    expect((await push([honest])).body.accepted).toBe(1);
    await push([honest]); // sent again after a lost answer: nothing new
    const twice = sale(paid);
    const notPaid = sale(pending);
    const otherAmount = sale(paid, 30_000);
    const unknown = sale(randomUUID());
    expect((await push([twice, notPaid, unknown])).body.accepted).toBe(3);
    expect((await push([otherAmount])).body.accepted).toBe(1);

    // Every sale is kept; the claims that do not hold are listed, newest first.
    const listed = await api.call('get', `/api/tenants/${tenantId}/payments/anomalies`, { token: pdg });
    expect(listed.status).toBe(200);
    const bySale = new Map<string, string[]>();
    for (const a of listed.body.anomalies as Array<{ saleId: string; reason: string; deviceName: string }>) {
      expect(a.deviceName).toBe('Caisse contrôle');
      bySale.set(a.saleId, [...(bySale.get(a.saleId) ?? []), a.reason]);
    }
    expect(bySale.get(honest.id)).toBeUndefined();
    expect(bySale.get(twice.id)).toEqual(['claimed_twice']);
    expect(bySale.get(notPaid.id)).toEqual(['not_succeeded']);
    expect(bySale.get(unknown.id)).toEqual(['unknown']);
    expect(bySale.get(otherAmount.id)).toEqual(['amount']);
    expect(listed.body.anomalies[0]).toMatchObject({ saleId: otherAmount.id, saleNumber: otherAmount.number, paymentId: paid });
    const employee = (await api.login('employe@demo.local', 'Demo123!')).accessToken;
    expect((await api.call('get', `/api/tenants/${tenantId}/payments/anomalies`, { token: employee })).status).toBe(403);
  });

  it('stores the same callback sent ten times, concurrently, once, and accepts PUT and POST', async () => {
    sims.mtnMomo.setSwitches({ callbacks: { duplicates: 9 } });
    const started = await counterPayment({});
    sims.mtnMomo.approve(started.body.paymentId);
    await sims.mtnMomo.idle();
    expect(await until(() => paymentStatus(started.body.paymentId), (s) => s === 'succeeded')).toBe('succeeded');
    expect(await eventsOf(started.body.paymentId)).toEqual(['applied']);
    // Another callback (POST this time, another transaction id): a new hint, checked, changing nothing.
    expect((await mtnCallback(started.body.paymentId, 'SUCCESSFUL', 'post')).status).toBe(200);
    await until(() => eventsOf(started.body.paymentId), (states) => !states.includes('queued'));
    expect((await eventsOf(started.body.paymentId)).sort()).toEqual(['applied', 'ignored']);
    expect(await paymentStatus(started.body.paymentId)).toBe('succeeded');
  });

  it('never pays on a PUT claiming success for a failed payment, nor on a callback for an unknown payment', async () => {
    sims.mtnMomo.setSwitches({ callbacks: { forge: 'false-success' } });
    const started = await counterPayment({ phone: '46733123451' }); // MTN's "rejected by the payer" test number
    await sims.mtnMomo.idle();
    expect(await until(() => paymentStatus(started.body.paymentId), (s) => s !== 'pending')).toBe('failed');
    const unknown = await mtnCallback(randomUUID(), 'SUCCESSFUL');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('CALLBACK_REJECTED');
    // A forged success for a payment still waiting for its payer: the status query says pending.
    const waiting = await counterPayment({});
    expect((await mtnCallback(waiting.body.paymentId, 'SUCCESSFUL')).status).toBe(200);
    await api.services.payments.processDue(tenantId);
    expect(await paymentStatus(waiting.body.paymentId)).toBe('pending');
  });

  it('ignores a failure claimed after the success', async () => {
    const started = await counterPayment({});
    sims.mtnMomo.approve(started.body.paymentId);
    await sims.mtnMomo.idle();
    await until(() => paymentStatus(started.body.paymentId), (s) => s === 'succeeded');
    expect((await mtnCallback(started.body.paymentId, 'FAILED')).status).toBe(200);
    await api.services.payments.processDue(tenantId);
    expect(await paymentStatus(started.body.paymentId)).toBe('succeeded');
  });

  it('resolves a payment whose callback never comes through reconciliation, and expires one nobody answers', async () => {
    sims.mtnMomo.setSwitches({ callbacks: { mode: 'never' } });
    const started = await counterPayment({});
    sims.mtnMomo.approve(started.body.paymentId);
    expect(await paymentStatus(started.body.paymentId)).toBe('pending');
    await api.services.payments.reconcile(tenantId, 0);
    expect(await paymentStatus(started.body.paymentId)).toBe('succeeded');

    const forgotten = await counterPayment({ phone: '46733123453' }); // pending forever
    await api.services.databases.withTenant(tenantId, (tx) => tx.query(`UPDATE payments SET expires_at = now() - interval '1 minute' WHERE id = $1`, [forgotten.body.paymentId]));
    await api.services.payments.reconcile(tenantId, 0);
    expect(await paymentStatus(forgotten.body.paymentId)).toBe('expired');
  });

  it('sends a success for another amount to review', async () => {
    sims.mtnMomo.setSwitches({ amountDelta: -5_000 });
    const started = await counterPayment({});
    sims.mtnMomo.approve(started.body.paymentId);
    await sims.mtnMomo.idle();
    expect(await until(() => paymentStatus(started.body.paymentId), (s) => s !== 'pending')).toBe('review');
  });

  it('replays a retried start, refuses a key reused for another amount, and a start without a phone', async () => {
    const key = randomUUID();
    const first = await counterPayment({}, key);
    const again = await counterPayment({}, key);
    expect(again.status).toBe(200);
    expect(again.body.paymentId).toBe(first.body.paymentId);
    expect(sims.mtnMomo.requests.has(first.body.paymentId)).toBe(true);
    const other = await counterPayment({ amountMinor: 30_000 }, key);
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
    const noPhone = await api.call('post', '/api/pos/payments', { token: device, headers: { 'idempotency-key': randomUUID() }, body: { method: 'mtn_momo', amountMinor: 1000 } });
    expect(noPhone.status).toBe(400);
    const anonymous = await api.call('post', '/api/pos/payments', { headers: { 'idempotency-key': randomUUID() }, body: { method: 'mtn_momo', amountMinor: 1000, phone: '622000000' } });
    expect(anonymous.status).toBe(401);
  });

  it('answers an MTN outage with 502 in the error format', async () => {
    sims.mtnMomo.setSwitches({ failNext: { status: 500, count: 3 } });
    const started = await counterPayment({});
    expect(started.status).toBe(502);
    expect(started.body.error.code).toBe('PAYMENT_PROVIDER_UNAVAILABLE');
  });
});

describe('Orange Money', () => {
  it('pays an order on the payment page: the notification is matched by notif_token and confirmed by a status query', async () => {
    const created = await order('orange-money');
    expect(created.payment.redirectUrl).toMatch(/\/webpayment\//);
    const payToken = new URL(created.payment.redirectUrl!).pathname.split('/').pop()!;
    sims.orangeMoney.pay(payToken);
    await sims.orangeMoney.idle();
    expect(await until(() => orderStatus(created.order.orderId), (s) => s === 'paid')).toBe('paid');
  });

  it('gives a counter payment its payment_url for the QR code', async () => {
    const started = await api.call('post', '/api/pos/payments', { token: device, headers: { 'idempotency-key': randomUUID() }, body: { method: 'orange_money', amountMinor: 40_000 } });
    expect(started.status).toBe(201);
    expect(started.body.redirectUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webpayment\//);
    sims.orangeMoney.pay(new URL(started.body.redirectUrl).pathname.split('/').pop()!);
    await sims.orangeMoney.idle();
    expect(await until(() => paymentStatus(started.body.paymentId), (s) => s === 'succeeded')).toBe('succeeded');
  });

  it('refuses a notification with the wrong notif_token and never pays a cancelled payment claimed as paid', async () => {
    sims.orangeMoney.setSwitches({ callbacks: { forge: 'wrong-notif-token' } });
    const forged = await order('orange-money');
    sims.orangeMoney.pay(new URL(forged.payment.redirectUrl!).pathname.split('/').pop()!);
    await sims.orangeMoney.idle();
    expect(sims.orangeMoney.deliveries.at(-1)?.outcome).toBe(400);
    expect(await orderStatus(forged.order.orderId)).toBe('pending');

    sims.orangeMoney.setSwitches({ callbacks: { forge: 'false-success', duplicates: 9 } });
    const cancelled = await order('orange-money');
    sims.orangeMoney.pay(new URL(cancelled.payment.redirectUrl!).pathname.split('/').pop()!, 'cancel');
    await sims.orangeMoney.idle();
    expect(await until(() => orderStatus(cancelled.order.orderId), (s) => s !== 'pending')).toBe('failed');
    expect(await eventsOf(cancelled.payment.paymentId)).toEqual(['applied']);
  });
});

describe('PayPal', () => {
  it('charges in the configured currency, captures once approved, and marks the order paid', async () => {
    const created = await order('paypal');
    expect(created.payment.charged).toMatchObject({ currency: 'EUR' });
    const orderId = new URL(created.payment.redirectUrl!).searchParams.get('token')!;
    await sims.paypal.approve(orderId);
    await sims.paypal.idle();
    expect(await until(() => orderStatus(created.order.orderId), (s) => s === 'paid')).toBe('paid');
  });
});
