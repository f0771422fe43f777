import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PaymentProviderError } from './errors.js';
import type { PaymentRef, PaymentProvider } from './provider.js';
import { startCallbackRecorder } from './simulators/callback-recorder.js';
import type { CallbackRecorder } from './simulators/callback-recorder.js';
import { SIMULATOR_CREDENTIALS } from './simulators/credentials.js';
import { signStripePayload, startStripeSimulator } from './simulators/stripe-simulator.js';
import type { StripeSimulator } from './simulators/stripe-simulator.js';
import { createStripeProvider } from './stripe.js';

let sim: StripeSimulator;
let recorder: CallbackRecorder;
let stripe: PaymentProvider;

function adapter(overrides: Partial<Parameters<typeof createStripeProvider>[0]> = {}): PaymentProvider {
  return createStripeProvider({ ...SIMULATOR_CREDENTIALS.stripe, apiBaseUrl: sim.baseUrl, hostedPageBaseUrl: sim.checkoutUrl, maxNetworkRetries: 0, ...overrides });
}

beforeAll(async () => {
  sim = await startStripeSimulator();
  recorder = await startCallbackRecorder();
  sim.setWebhookUrl(`${recorder.url}/api/tenants/t1/ecommerce/webhooks/stripe`);
  stripe = adapter();
});

afterAll(async () => {
  await sim.close();
  await recorder.close();
});

beforeEach(() => {
  sim.reset();
  recorder.received.length = 0;
});

async function initiate(amount = 125_000, currency = 'GNF') {
  const paymentId = randomUUID();
  const result = await stripe.initiate({ paymentId, idempotencyKey: `init-${paymentId}`, amount, currency, description: 'Commande 42', returnUrl: 'https://shop.example/return' });
  const ref: PaymentRef = { paymentId, providerReference: result.providerReference, amount, currency };
  return { result, ref };
}

async function webhooks(count: number) {
  await sim.idle();
  const received = await recorder.waitFor(count);
  return Promise.all(received.map((cb) => stripe.verifyCallback({ method: cb.method, headers: cb.headers, rawBody: cb.rawBody })));
}

describe('Stripe adapter against the simulator', () => {
  it('creates a PaymentIntent in zero-decimal GNF, pays it on the hosted page, and verifies the signed webhook', async () => {
    const { result, ref } = await initiate();
    expect(result.status).toBe('pending');
    expect(result.providerReference).toMatch(/^pi_/);
    expect(result.clientSecret).toBeTruthy();
    expect(sim.intents.get(result.providerReference)?.amount).toBe(125_000);
    expect(sim.intents.get(result.providerReference)?.currency).toBe('gnf');

    // The payer's browser: open the page, press "Payer", follow the redirect home.
    const pageHtml = await (await fetch(result.redirectUrl!)).text();
    expect(pageHtml).toContain('125000 GNF');
    const form = new URLSearchParams({ client_secret: result.clientSecret!, return_url: 'https://shop.example/return', outcome: 'succeed' });
    const submitted = await fetch(`${sim.checkoutUrl}/${result.providerReference}`, { method: 'POST', body: form, redirect: 'manual' });
    expect(submitted.status).toBe(303);
    expect(submitted.headers.get('location')).toContain('redirect_status=succeeded');

    const status = await stripe.status(ref);
    expect(status).toMatchObject({ status: 'succeeded', amount: 125_000, currency: 'GNF', amountCheck: 'match' });

    const [verified] = await webhooks(1);
    expect(verified).toMatchObject({ ok: true });
    if (!verified?.ok) throw new Error('unreachable');
    expect(verified.events).toHaveLength(1);
    expect(verified.events[0]).toMatchObject({ action: 'succeeded', providerReference: ref.providerReference, paymentId: ref.paymentId, amount: 125_000, currency: 'GNF', verifiedBy: 'signature' });
    expect(verified.events[0]?.providerEventId).toMatch(/^evt_/);
  });

  it('sends EUR in cents', async () => {
    const { result } = await initiate(1999, 'EUR');
    expect(sim.intents.get(result.providerReference)).toMatchObject({ amount: 1999, currency: 'eur' });
  });

  it('replays an initiate with the same idempotency key instead of creating a second intent', async () => {
    const paymentId = randomUUID();
    const input = { paymentId, idempotencyKey: `k-${paymentId}`, amount: 5000, currency: 'XOF' };
    const first = await stripe.initiate(input);
    const second = await stripe.initiate(input);
    expect(second.providerReference).toBe(first.providerReference);
    await expect(stripe.initiate({ ...input, amount: 6000 })).rejects.toMatchObject({ code: 'PAYMENT_IDEMPOTENCY_CONFLICT' });
  });

  it('reports a decline as failed, from status and from the webhook', async () => {
    const { result, ref } = await initiate();
    await sim.pay(result.providerReference, 'decline');
    expect(await stripe.status(ref)).toMatchObject({ status: 'failed', reason: 'generic_decline' });
    const [verified] = await webhooks(1);
    expect(verified).toMatchObject({ ok: true, events: [{ action: 'failed', reason: 'generic_decline' }] });
  });

  it('rejects a webhook signed with another secret', async () => {
    sim.setSwitches({ callbacks: { forge: 'bad-signature' } });
    const { result } = await initiate();
    await sim.pay(result.providerReference);
    const [verified] = await webhooks(1);
    expect(verified).toMatchObject({ ok: false });
    if (verified?.ok === false) expect(verified.reason).toMatch(/signature/i);
  });

  it('rejects a correctly signed webhook that is an hour old (replay)', async () => {
    sim.setSwitches({ callbacks: { forge: 'stale-signature' } });
    const { result } = await initiate();
    await sim.pay(result.providerReference);
    const [verified] = await webhooks(1);
    expect(verified).toMatchObject({ ok: false });
    if (verified?.ok === false) expect(verified.reason).toMatch(/tolerance|timestamp/i);
  });

  it('rejects a body altered after signing, and a missing signature', async () => {
    const body = JSON.stringify({ id: 'evt_x', object: 'event', type: 'payment_intent.succeeded', created: Math.floor(Date.now() / 1000), data: { object: { id: 'pi_x', object: 'payment_intent', amount: 1, amount_received: 1, currency: 'gnf', status: 'succeeded', metadata: {} } } });
    const signature = signStripePayload(body, SIMULATOR_CREDENTIALS.stripe.webhookSecret);
    expect(await stripe.verifyCallback({ method: 'POST', headers: { 'stripe-signature': signature }, rawBody: body })).toMatchObject({ ok: true });
    expect(await stripe.verifyCallback({ method: 'POST', headers: { 'stripe-signature': signature }, rawBody: body.replace('"amount":1', '"amount":2') })).toMatchObject({ ok: false });
    expect(await stripe.verifyCallback({ method: 'POST', headers: {}, rawBody: body })).toMatchObject({ ok: false });
  });

  it('surfaces an amount the provider reports differently, so the payment goes to review', async () => {
    sim.setSwitches({ amountDelta: -100 });
    const { result, ref } = await initiate(10_000, 'XOF');
    await sim.pay(result.providerReference);
    expect(await stripe.status(ref)).toMatchObject({ status: 'succeeded', amount: 9900, amountCheck: 'mismatch' });
    await sim.idle();
    const [cb] = await recorder.waitFor(1);
    const verified = await stripe.verifyCallback({ method: cb!.method, headers: cb!.headers, rawBody: cb!.rawBody }, { findPayment: async () => ref });
    expect(verified).toMatchObject({ ok: true, events: [{ action: 'succeeded', amount: 9900, amountCheck: 'mismatch' }] });
  });

  it('delivers duplicates and an out-of-order processing event that the adapter keeps distinguishable', async () => {
    sim.setSwitches({ callbacks: { duplicates: 2, outOfOrder: true } });
    const { result } = await initiate();
    await sim.pay(result.providerReference);
    const verified = await webhooks(6);
    const events = verified.flatMap((v) => (v.ok ? v.events : []));
    expect(events).toHaveLength(6);
    const ids = new Set(events.map((e) => e.providerEventId));
    // Three copies of each of two events: the event store keeps two.
    expect(ids.size).toBe(2);
    expect(events.filter((e) => e.action === 'succeeded')).toHaveLength(3);
    expect(events.filter((e) => e.action === 'pending')).toHaveLength(3);
  });

  it('maps expiry and pending-forever', async () => {
    sim.setSwitches({ expire: true });
    const expired = await initiate();
    await sim.pay(expired.result.providerReference);
    expect(await stripe.status(expired.ref)).toMatchObject({ status: 'expired' });
    sim.setSwitches({ expire: false, pendingForever: true });
    const pending = await initiate();
    await sim.pay(pending.result.providerReference);
    expect(await stripe.status(pending.ref)).toMatchObject({ status: 'pending' });
  });

  it('refunds through the API and verifies the charge.refunded webhook', async () => {
    const { result, ref } = await initiate(20_000, 'GNF');
    await sim.pay(result.providerReference);
    const refund = await stripe.refund!({ ref, idempotencyKey: `refund-${ref.paymentId}`, amount: 5000 });
    expect(refund).toMatchObject({ status: 'succeeded', amount: 5000, currency: 'GNF' });
    const verified = await webhooks(2);
    const events = verified.flatMap((v) => (v.ok ? v.events : []));
    expect(events.find((e) => e.action === 'refunded')).toMatchObject({ providerReference: ref.providerReference, amount: 5000, currency: 'GNF' });
  });

  it('turns 401 and 5xx into provider errors the job can act on', async () => {
    sim.setSwitches({ unauthorized: true });
    const err = await initiate().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaymentProviderError);
    expect(err).toMatchObject({ code: 'PAYMENT_PROVIDER_UNAUTHORIZED', retryable: false });
    expect(String((err as Error).message)).not.toContain(SIMULATOR_CREDENTIALS.stripe.secretKey);
    sim.setSwitches({ unauthorized: false, failNext: { count: 1, status: 503 } });
    await expect(initiate()).rejects.toMatchObject({ code: 'PAYMENT_PROVIDER_UNAVAILABLE', retryable: true });
    await expect(adapter({ secretKey: 'sk_test_wrong' }).status({ paymentId: 'p', providerReference: 'pi_x', amount: 1, currency: 'GNF' })).rejects.toMatchObject({ code: 'PAYMENT_PROVIDER_UNAUTHORIZED' });
  });

  it('reports an unknown intent as not found', async () => {
    await expect(stripe.status({ paymentId: 'p', providerReference: 'pi_unknown', amount: 1, currency: 'GNF' })).rejects.toMatchObject({ code: 'PAYMENT_NOT_FOUND_AT_PROVIDER' });
  });
});
