/**
 * Payments through the real API: orders paid on the providers' simulated pages, callbacks
 * verified, stored once and applied by the job, reconciliation, idempotency and review.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SIMULATOR_CREDENTIALS } from '../../payments/simulators/credentials.js';
import { signStripePayload, startStripeSimulator, type StripeSimulator } from '../../payments/simulators/stripe-simulator.js';
import { startTestApi, until, type TestApi } from '../test-support.js';

let api: TestApi;
let stripe: StripeSimulator;
let tenantId: string;
let productId: string;
let productPrice: number;

async function order(provider: string, options: { key?: string; quantity?: number } = {}) {
  return api.call('post', `/api/tenants/${tenantId}/ecommerce/orders`, {
    headers: { 'idempotency-key': options.key ?? randomUUID() },
    body: { customer: { name: 'Aïssatou Barry', phone: '622 00 00 01' }, lines: [{ productId, quantity: options.quantity ?? 2 }], provider, returnUrl: 'https://shop.example/merci' },
  });
}

const orderStatus = async (orderId: string) => (await api.call('get', `/api/tenants/${tenantId}/ecommerce/orders/${orderId}`)).body.order.paymentStatus as string;

async function payOnStripePage(payment: { redirectUrl: string; clientSecret: string }, outcome: 'succeed' | 'decline' = 'succeed') {
  const intentId = new URL(payment.redirectUrl).pathname.split('/').pop()!;
  const form = new URLSearchParams({ client_secret: payment.clientSecret, return_url: 'https://shop.example/merci', outcome });
  const submitted = await fetch(`${stripe.baseUrl}/checkout/${intentId}`, { method: 'POST', body: form, redirect: 'manual' });
  expect(submitted.status).toBe(303);
  return intentId;
}

function stripeWebhook(event: object) {
  const body = JSON.stringify(event);
  return api.call('post', `/api/tenants/${tenantId}/ecommerce/webhooks/stripe`, {
    headers: { 'content-type': 'application/json', 'stripe-signature': signStripePayload(body, SIMULATOR_CREDENTIALS.stripe.webhookSecret) },
    body,
  });
}

const intentEvent = (type: string, intentId: string, paymentId: string, amount: number, eventId = `evt_${randomUUID()}`) => ({
  id: eventId, object: 'event', type, created: Math.floor(Date.now() / 1000),
  data: { object: { id: intentId, object: 'payment_intent', amount, amount_received: type.endsWith('succeeded') ? amount : 0, currency: 'gnf', status: type.endsWith('succeeded') ? 'succeeded' : 'requires_payment_method', metadata: { paymentId } } },
});

beforeAll(async () => {
  stripe = await startStripeSimulator();
  api = await startTestApi({ STRIPE_API_BASE_URL: stripe.baseUrl, PAYMENT_JOBS: 'false' });
  tenantId = api.demoTenantId;
  stripe.setWebhookUrl(`${api.url}/api/tenants/${tenantId}/ecommerce/webhooks/stripe`);
  const shop = await api.call('get', '/api/storefront/demo?limit=1');
  productId = shop.body.products[0].id;
  productPrice = shop.body.products[0].priceMinor;
});

afterAll(async () => {
  await api?.close();
  await stripe?.close();
});

beforeEach(() => stripe.reset());

describe('payments through the API', () => {
  it('pays an order by card: the signed webhook marks it paid, and only that', async () => {
    const created = await order('stripe');
    expect(created.status).toBe(201);
    expect(created.body.order).toMatchObject({ paymentStatus: 'pending', totalMinor: productPrice * 2, currency: 'GNF' });
    expect(created.body.payment).toMatchObject({ provider: 'stripe', status: 'pending', amountMinor: productPrice * 2 });
    expect(await orderStatus(created.body.order.orderId)).toBe('pending');

    await payOnStripePage(created.body.payment);
    await stripe.idle();
    expect(await until(() => orderStatus(created.body.order.orderId), (s) => s === 'paid')).toBe('paid');
  });

  it('stores the same webhook sent ten times, also concurrently, once', async () => {
    stripe.setSwitches({ callbacks: { duplicates: 9 } });
    const created = await order('stripe');
    await payOnStripePage(created.body.payment);
    await stripe.idle();
    expect(await until(() => orderStatus(created.body.order.orderId), (s) => s === 'paid')).toBe('paid');
    const { rows } = await api.services.databases.withTenant(tenantId, (tx) =>
      tx.query<{ n: number; applied: number }>(`SELECT count(*)::int AS n, count(*) FILTER (WHERE state = 'applied')::int AS applied FROM payment_events WHERE payment_id::text = $1 OR event->>'paymentId' = $1`, [created.body.payment.paymentId]),
    );
    expect(rows[0]).toEqual({ n: 1, applied: 1 });
  });

  it('never marks anything paid on a forged or replayed-old signature', async () => {
    for (const forge of ['bad-signature', 'stale-signature'] as const) {
      stripe.setSwitches({ callbacks: { forge } });
      const created = await order('stripe');
      await payOnStripePage(created.body.payment);
      await stripe.idle();
      expect(await orderStatus(created.body.order.orderId)).toBe('pending');
    }
    const unsigned = await api.call('post', `/api/tenants/${tenantId}/ecommerce/webhooks/stripe`, { headers: { 'content-type': 'application/json' }, body: '{"id":"evt_1"}' });
    expect(unsigned.status).toBe(400);
    expect(unsigned.body.error.code).toBe('CALLBACK_REJECTED');
    const metrics = await api.call('get', '/metrics');
    expect(metrics.body).toMatch(/afrigest_payment_callbacks_rejected_total\{provider="stripe"\} [3-9]/);
  });

  it('ignores a failure that arrives after the success', async () => {
    const created = await order('stripe');
    const intentId = await payOnStripePage(created.body.payment);
    await stripe.idle();
    await until(() => orderStatus(created.body.order.orderId), (s) => s === 'paid');
    expect((await stripeWebhook(intentEvent('payment_intent.payment_failed', intentId, created.body.payment.paymentId, productPrice * 2))).status).toBe(200);
    await api.services.payments.processDue(tenantId);
    expect(await orderStatus(created.body.order.orderId)).toBe('paid');
  });

  it('sends a success for another amount to review, never to paid', async () => {
    stripe.setSwitches({ callbacks: { mode: 'never' } });
    const created = await order('stripe');
    const intentId = new URL(created.body.payment.redirectUrl).pathname.split('/').pop()!;
    expect((await stripeWebhook(intentEvent('payment_intent.succeeded', intentId, created.body.payment.paymentId, productPrice))).status).toBe(200);
    expect(await until(() => orderStatus(created.body.order.orderId), (s) => s !== 'pending')).toBe('review');
    const listed = await api.call('get', `/api/tenants/${tenantId}/payments?status=review`, { token: (await api.login('pdg@demo.local', 'Demo123!')).accessToken });
    expect(listed.body.payments.map((p: { paymentId: string }) => p.paymentId)).toContain(created.body.payment.paymentId);
  });

  it('resolves a payment whose webhook never comes through reconciliation', async () => {
    stripe.setSwitches({ callbacks: { mode: 'never' } });
    const created = await order('stripe');
    await payOnStripePage(created.body.payment);
    await stripe.idle();
    expect(await orderStatus(created.body.order.orderId)).toBe('pending');
    expect(await api.services.payments.reconcile(tenantId, 0)).toBeGreaterThanOrEqual(1);
    expect(await orderStatus(created.body.order.orderId)).toBe('paid');
  });

  it('answers a retried order with the same order and payment, and refuses the key reused for another order', async () => {
    const key = randomUUID();
    const first = await order('stripe', { key });
    const again = await order('stripe', { key });
    expect(again.status).toBe(200);
    expect(again.body.order.orderId).toBe(first.body.order.orderId);
    expect(again.body.payment.paymentId).toBe(first.body.payment.paymentId);
    const other = await order('stripe', { key, quantity: 5 });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
    const missing = await api.call('post', `/api/tenants/${tenantId}/ecommerce/orders`, { body: { customer: { name: 'A B', phone: '622000001' }, lines: [{ productId, quantity: 1 }], provider: 'stripe' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
  });

  it('replays a stored event on demand without paying twice', async () => {
    const created = await order('stripe');
    await payOnStripePage(created.body.payment);
    await stripe.idle();
    await until(() => orderStatus(created.body.order.orderId), (s) => s === 'paid');
    const { rows } = await api.services.databases.withTenant(tenantId, (tx) => tx.query<{ id: string }>(`SELECT id FROM payment_events WHERE payment_id::text = $1`, [created.body.payment.paymentId]));
    expect(await api.services.payments.replay(tenantId, rows[0]!.id)).toMatch(/already succeeded/);
    expect(await orderStatus(created.body.order.orderId)).toBe('paid');
  });

  it('refunds a paid order once, for a manager only, and the refund webhook that follows changes nothing', async () => {
    const created = await order('stripe');
    await payOnStripePage(created.body.payment);
    await stripe.idle();
    await until(() => orderStatus(created.body.order.orderId), (s) => s === 'paid');
    const path = `/api/tenants/${tenantId}/payments/${created.body.payment.paymentId}/refund`;
    const cashier = (await api.login('employe@demo.local', 'Demo123!')).accessToken;
    expect((await api.call('post', path, { token: cashier, headers: { 'idempotency-key': randomUUID() }, body: { reason: 'Client mécontent' } })).status).toBe(403);
    const dg = (await api.login('dg@demo.local', 'Demo123!')).accessToken;
    const key = randomUUID();
    const refunded = await api.call('post', path, { token: dg, headers: { 'idempotency-key': key }, body: { reason: 'Client mécontent' } });
    expect(refunded.status).toBe(200);
    expect(refunded.body.status).toBe('refunded');
    await stripe.idle();
    await api.services.payments.processDue(tenantId);
    expect(await orderStatus(created.body.order.orderId)).toBe('refunded');
    expect((await api.call('post', path, { token: dg, headers: { 'idempotency-key': key }, body: { reason: 'Client mécontent' } })).body.status).toBe('refunded');
    const unpaid = await order('stripe');
    const refused = await api.call('post', `/api/tenants/${tenantId}/payments/${unpaid.body.payment.paymentId}/refund`, { token: dg, headers: { 'idempotency-key': randomUUID() }, body: { reason: 'Erreur de caisse' } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('PAYMENT_NOT_REFUNDABLE');
  });

  it('answers a provider outage with 502 in the error format and an unknown tenant with 404', async () => {
    stripe.setSwitches({ failNext: { status: 500, count: 5 } });
    const created = await order('stripe');
    expect(created.status).toBe(502);
    expect(created.body.error.code).toBe('PAYMENT_PROVIDER_UNAVAILABLE');
    const unknown = await api.call('post', '/api/tenants/nope/ecommerce/payments/mtn/callback', { body: { status: 'SUCCESSFUL' } });
    expect(unknown.status).toBe(404);
  });
});
