import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPaypalProvider, paypalCharge } from './paypal.js';
import type { PaypalConfig } from './paypal.js';
import type { PaymentProvider, PaymentRef } from './provider.js';
import { startCallbackRecorder } from './simulators/callback-recorder.js';
import type { CallbackRecorder } from './simulators/callback-recorder.js';
import { SIMULATOR_CREDENTIALS } from './simulators/credentials.js';
import { startPaypalSimulator } from './simulators/paypal-simulator.js';
import type { PaypalSimulator } from './simulators/paypal-simulator.js';

let sim: PaypalSimulator;
let recorder: CallbackRecorder;
let paypal: PaymentProvider;

function adapter(overrides: Partial<PaypalConfig> = {}): PaymentProvider {
  return createPaypalProvider({
    ...SIMULATOR_CREDENTIALS.paypal,
    environment: 'sandbox',
    apiBaseUrl: sim.baseUrl,
    chargeCurrency: 'EUR',
    rates: { GNF: '0.000105', XOF: '0.001524' },
    ...overrides,
  });
}

beforeAll(async () => {
  sim = await startPaypalSimulator();
  recorder = await startCallbackRecorder();
  sim.setWebhookUrl(`${recorder.url}/api/tenants/t1/ecommerce/webhooks/paypal`);
  paypal = adapter();
});

afterAll(async () => {
  await sim.close();
  await recorder.close();
});

beforeEach(() => {
  sim.reset();
  recorder.received.length = 0;
});

async function initiate(amount = 250_000, currency = 'GNF') {
  const paymentId = randomUUID();
  const result = await paypal.initiate({ paymentId, idempotencyKey: `init-${paymentId}`, amount, currency, description: 'Commande 7', returnUrl: 'https://shop.example/paypal/return', cancelUrl: 'https://shop.example/paypal/cancel' });
  const ref: PaymentRef = { paymentId, providerReference: result.providerReference, amount, currency, ...(result.charged ? { charged: { amount: result.charged.amount, currency: result.charged.currency } } : {}) };
  return { result, ref };
}

async function verifyAll(count: number) {
  await sim.idle();
  const received = await recorder.waitFor(count);
  return Promise.all(received.map((cb) => paypal.verifyCallback({ method: cb.method, headers: cb.headers, rawBody: cb.rawBody })));
}

describe('PayPal adapter against the simulator', () => {
  it('charges GNF in EUR at the configured rate, is approved on the page, captured, and its webhooks verify', async () => {
    const { result, ref } = await initiate(250_000, 'GNF');
    // 250 000 GNF × 0.000105 = 26.25 EUR
    expect(result.charged).toEqual({ amount: 2625, currency: 'EUR', rate: '0.000105' });
    expect(result.status).toBe('pending');
    expect(result.redirectUrl).toBe(`${sim.baseUrl}/checkoutnow?token=${result.providerReference}`);
    expect(sim.orders.get(result.providerReference)?.purchaseUnit).toMatchObject({ custom_id: ref.paymentId, amount: { currency_code: 'EUR', value: '26.25' } });

    const pageHtml = await (await fetch(result.redirectUrl!)).text();
    expect(pageHtml).toContain('26.25 EUR');
    const approved = await fetch(`${sim.baseUrl}/checkoutnow`, { method: 'POST', body: new URLSearchParams({ token: result.providerReference, action: 'approve' }), redirect: 'manual' });
    expect(approved.status).toBe(303);
    expect(approved.headers.get('location')).toMatch(/^https:\/\/shop\.example\/paypal\/return\?token=.+&PayerID=/);

    expect(await paypal.status(ref)).toMatchObject({ status: 'requires-completion' });
    const captured = await paypal.complete!(ref, `capture-${ref.paymentId}`);
    expect(captured).toMatchObject({ status: 'succeeded', amount: 2625, currency: 'EUR', amountCheck: 'match' });
    expect(captured.transactionId).toBeTruthy();
    // A second capture (a retried job) answers the order's state instead of failing.
    expect(await paypal.complete!(ref, `capture-${ref.paymentId}-again`)).toMatchObject({ status: 'succeeded' });

    const verified = await verifyAll(2);
    expect(verified.map((v) => v.ok)).toEqual([true, true]);
    // Webhooks travel concurrently: their arrival order is not the order they were sent in.
    const events = verified.flatMap((v) => (v.ok ? v.events : []));
    expect(events.find((e) => e.action === 'requires-completion')).toMatchObject({ providerReference: ref.providerReference, paymentId: ref.paymentId, verifiedBy: 'verify-endpoint' });
    expect(events.find((e) => e.action === 'succeeded')).toMatchObject({ providerReference: ref.providerReference, paymentId: ref.paymentId, amount: 2625, currency: 'EUR' });
  });

  it('charges a PayPal currency as it is', async () => {
    const { result } = await initiate(1999, 'EUR');
    expect(result.charged).toBeUndefined();
    expect(sim.orders.get(result.providerReference)?.purchaseUnit.amount).toEqual({ currency_code: 'EUR', value: '19.99' });
  });

  it('refuses a currency with no configured rate', async () => {
    expect(() => paypalCharge({ chargeCurrency: 'EUR', rates: {} }, 1000, 'XOF')).toThrow(/XOF/);
    await expect(adapter({ rates: {} }).initiate({ paymentId: randomUUID(), idempotencyKey: randomUUID(), amount: 1000, currency: 'XOF' })).rejects.toMatchObject({ code: 'PAYMENT_CURRENCY_UNSUPPORTED' });
  });

  it('uses PayPal-Request-Id so a retried initiate returns the same order', async () => {
    const paymentId = randomUUID();
    const input = { paymentId, idempotencyKey: `k-${paymentId}`, amount: 10_000, currency: 'XOF' };
    const first = await paypal.initiate(input);
    const second = await paypal.initiate(input);
    expect(second.providerReference).toBe(first.providerReference);
    expect(sim.orders.size).toBeGreaterThan(0);
  });

  it('rejects a webhook whose signature the verify endpoint refuses, and one altered after sending', async () => {
    sim.setSwitches({ callbacks: { forge: 'bad-signature' } });
    const forged = await initiate();
    await sim.approve(forged.result.providerReference);
    const [rejected] = await verifyAll(1);
    expect(rejected).toMatchObject({ ok: false });

    sim.reset();
    recorder.received.length = 0;
    const genuine = await initiate();
    await sim.approve(genuine.result.providerReference);
    await sim.idle();
    const [cb] = await recorder.waitFor(1);
    const altered = cb!.rawBody.toString('utf8').replace('APPROVED', 'COMPLETED');
    expect(await paypal.verifyCallback({ method: 'POST', headers: cb!.headers, rawBody: altered })).toMatchObject({ ok: false });
    expect(await paypal.verifyCallback({ method: 'POST', headers: {}, rawBody: cb!.rawBody })).toMatchObject({ ok: false });
    expect(await paypal.verifyCallback({ method: 'POST', headers: cb!.headers, rawBody: cb!.rawBody })).toMatchObject({ ok: true });
  });

  it('rejects a genuine webhook presented under another webhook id', async () => {
    const { result } = await initiate();
    await sim.approve(result.providerReference);
    await sim.idle();
    const [cb] = await recorder.waitFor(1);
    expect(await adapter({ webhookId: 'WH-SOMEONE-ELSE' }).verifyCallback({ method: 'POST', headers: cb!.headers, rawBody: cb!.rawBody })).toMatchObject({ ok: false });
  });

  it('reports a denied capture as failed and a pending one as pending', async () => {
    sim.setSwitches({ decline: true });
    const denied = await initiate();
    await sim.approve(denied.result.providerReference);
    expect(await paypal.complete!(denied.ref, randomUUID())).toMatchObject({ status: 'failed' });
    sim.setSwitches({ decline: false, pendingForever: true });
    const pending = await initiate();
    await sim.approve(pending.result.providerReference);
    expect(await paypal.complete!(pending.ref, randomUUID())).toMatchObject({ status: 'pending', reason: 'PENDING_REVIEW' });
  });

  it('reports a captured amount that differs from the charge as a mismatch', async () => {
    sim.setSwitches({ amountDelta: -25 });
    const { result, ref } = await initiate(250_000, 'GNF');
    await sim.approve(result.providerReference);
    expect(await paypal.complete!(ref, randomUUID())).toMatchObject({ status: 'succeeded', amount: 2600, amountCheck: 'mismatch' });
    await verifyAll(2);
    const capture = recorder.received.find((cb) => cb.rawBody.toString('utf8').includes('PAYMENT.CAPTURE.COMPLETED'))!;
    const annotated = await paypal.verifyCallback({ method: 'POST', headers: capture.headers, rawBody: capture.rawBody }, { findPayment: async () => ref });
    expect(annotated).toMatchObject({ ok: true, events: [{ action: 'succeeded', amount: 2600, amountCheck: 'mismatch' }] });
  });

  it('maps an expired order', async () => {
    const { result, ref } = await initiate();
    sim.expire(result.providerReference);
    expect(await paypal.status(ref)).toMatchObject({ status: 'expired' });
  });

  it('refunds a share of the captured charge', async () => {
    const { result, ref } = await initiate(250_000, 'GNF');
    await sim.approve(result.providerReference);
    await paypal.complete!(ref, randomUUID());
    const refund = await paypal.refund!({ ref, idempotencyKey: randomUUID(), amount: 125_000 });
    expect(refund).toMatchObject({ status: 'succeeded', amount: 1313, currency: 'EUR' });
    expect(await paypal.status(ref)).toMatchObject({ status: 'refunded' });
  });

  it('turns a 401 and a 5xx into provider errors and never leaks the secret', async () => {
    const wrong = adapter({ clientSecret: 'not-the-secret' });
    const error = await wrong.initiate({ paymentId: randomUUID(), idempotencyKey: randomUUID(), amount: 1000, currency: 'EUR' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PAYMENT_PROVIDER_UNAUTHORIZED' });
    expect(JSON.stringify(error)).not.toContain('not-the-secret');
    const { ref } = await initiate();
    sim.setSwitches({ failNext: { count: 1, status: 503 } });
    await expect(paypal.status(ref)).rejects.toMatchObject({ code: 'PAYMENT_PROVIDER_UNAVAILABLE', retryable: true });
    await expect(paypal.status({ ...ref, providerReference: 'UNKNOWN' })).rejects.toMatchObject({ code: 'PAYMENT_NOT_FOUND_AT_PROVIDER' });
  });
});
