import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PaymentProviderError } from './errors.js';
import { createOrangeMoneyProvider } from './orange-money.js';
import type { OrangeMoneyConfig } from './orange-money.js';
import type { CallbackContext, NormalisedEvent, PaymentProvider, PaymentRef } from './provider.js';
import { startCallbackRecorder } from './simulators/callback-recorder.js';
import type { CallbackRecorder, RecordedCallback } from './simulators/callback-recorder.js';
import { SIMULATOR_CREDENTIALS } from './simulators/credentials.js';
import { startOrangeMoneySimulator } from './simulators/orange-money-simulator.js';
import type { OrangeMoneySimulator } from './simulators/orange-money-simulator.js';

let sim: OrangeMoneySimulator;
let recorder: CallbackRecorder;
let orange: PaymentProvider;
/** Stands in for the payment records: what `findPayment` would find in the database. */
const known: PaymentRef[] = [];
const context: CallbackContext = {
  findPayment: async (by) =>
    known.find((ref) => (by.notifToken !== undefined && ref.secrets?.notifToken === by.notifToken) || (by.providerReference !== undefined && ref.providerReference === by.providerReference) || (by.paymentId !== undefined && ref.paymentId === by.paymentId)),
};

const RETURN_URL = 'https://shop.example/orange/retour';
const CANCEL_URL = 'https://shop.example/orange/annule';

function adapter(overrides: Partial<OrangeMoneyConfig> = {}): PaymentProvider {
  return createOrangeMoneyProvider({ ...SIMULATOR_CREDENTIALS.orangeMoney, apiBaseUrl: sim.baseUrl, env: 'dev', timeoutMs: 5000, ...overrides });
}

beforeAll(async () => {
  sim = await startOrangeMoneySimulator();
  recorder = await startCallbackRecorder();
  orange = adapter();
});

afterAll(async () => {
  await sim.close();
  await recorder.close();
});

beforeEach(async () => {
  // Notifications still on their way from the previous test must not count in this one.
  await sim.idle();
  sim.reset();
  recorder.received.length = 0;
});

async function initiate(amount = 40_000, currency = 'GNF', provider = orange) {
  const paymentId = randomUUID();
  const result = await provider.initiate({
    paymentId,
    idempotencyKey: `init-${paymentId}`,
    amount,
    currency,
    description: 'Commande 31',
    returnUrl: RETURN_URL,
    cancelUrl: CANCEL_URL,
    callbackUrl: `${recorder.url}/api/tenants/t1/ecommerce/callbacks/orange-money`,
  });
  const ref: PaymentRef = { paymentId, providerReference: result.providerReference, amount, currency, ...(result.secrets ? { secrets: result.secrets } : {}) };
  known.push(ref);
  return { result, ref };
}

/** The customer on the hosted page: open it, press a button, land where Orange redirects. */
async function onPage(redirectUrl: string, outcome: 'pay' | 'cancel'): Promise<string | null> {
  const html = await (await fetch(redirectUrl)).text();
  expect(html).toContain('Payer');
  expect(html).toContain('Annuler');
  const submitted = await fetch(redirectUrl, { method: 'POST', body: new URLSearchParams({ msisdn: '224620000000', outcome }), redirect: 'manual' });
  expect(submitted.status).toBe(303);
  return submitted.headers.get('location');
}

function verify(cb: RecordedCallback, ctx: CallbackContext | undefined = context) {
  return orange.verifyCallback({ method: cb.method, headers: cb.headers, rawBody: cb.rawBody, query: cb.query }, ctx);
}

async function notifications(count: number): Promise<NormalisedEvent[]> {
  await sim.idle();
  const received = await recorder.waitFor(count);
  const events: NormalisedEvent[] = [];
  for (const cb of received) {
    const verified = await verify(cb);
    if (!verified.ok) throw new Error(`notification refused: ${verified.reason}`);
    events.push(...verified.events);
  }
  return events;
}

describe('Orange Money adapter against the simulator', () => {
  it('creates a web payment, is paid on the hosted page, and the notification is matched by notif_token and confirmed by a status query', async () => {
    const { result, ref } = await initiate(40_000, 'GNF');
    expect(result).toMatchObject({ provider: 'orange-money', status: 'pending' });
    expect(result.redirectUrl).toBe(`${sim.baseUrl}/webpayment/${result.providerReference}`);
    expect(result.secrets).toEqual({ payToken: result.providerReference, notifToken: expect.any(String) });
    // The secrets stay out of what is kept as the provider's raw answer.
    expect(JSON.stringify(result.raw)).not.toContain(result.secrets!.notifToken);
    const payment = sim.payments.get(result.providerReference);
    expect(payment).toMatchObject({ orderId: ref.paymentId, amount: 40_000, currency: 'GNF', returnUrl: RETURN_URL, cancelUrl: CANCEL_URL, notifUrl: `${recorder.url}/api/tenants/t1/ecommerce/callbacks/orange-money`, reference: 'Commande 31', status: 'INITIATED' });
    expect(await orange.status(ref)).toMatchObject({ status: 'pending', amountCheck: 'match' });

    const html = await (await fetch(result.redirectUrl!)).text();
    expect(html).toContain('40000 GNF');
    expect(html).toContain('lang="fr"');
    expect(await onPage(result.redirectUrl!, 'pay')).toBe(RETURN_URL);

    const events = await notifications(1);
    const [cb] = recorder.received;
    expect(cb?.method).toBe('POST');
    const body = JSON.parse(cb!.rawBody.toString('utf8')) as Record<string, unknown>;
    // Orange's notification carries these three fields and nothing else.
    expect(Object.keys(body).sort()).toEqual(['notif_token', 'status', 'txnid']);
    expect(body).toMatchObject({ status: 'SUCCESS', notif_token: result.secrets!.notifToken });
    expect(events).toEqual([
      expect.objectContaining({ action: 'succeeded', verifiedBy: 'notif-token+status', providerReference: ref.providerReference, paymentId: ref.paymentId, amount: 40_000, currency: 'GNF', amountCheck: 'match', transactionId: body.txnid, providerEventId: `orange-money:${ref.providerReference}:succeeded` }),
    ]);
    expect(await orange.status(ref)).toMatchObject({ status: 'succeeded', transactionId: body.txnid });
    // The page now only shows the outcome.
    expect(await (await fetch(result.redirectUrl!)).text()).toContain('SUCCESS');
  });

  it('sends the customer who cancels to the cancel URL, and the payment fails', async () => {
    const { result } = await initiate();
    expect(await onPage(result.redirectUrl!, 'cancel')).toBe(CANCEL_URL);
    expect(await notifications(1)).toEqual([expect.objectContaining({ action: 'failed' })]);
  });

  it('fails a declined payment, from the notification and from the status', async () => {
    sim.setSwitches({ decline: true });
    const { result, ref } = await initiate();
    expect(await onPage(result.redirectUrl!, 'pay')).toBe(CANCEL_URL);
    expect(await notifications(1)).toEqual([expect.objectContaining({ action: 'failed' })]);
    expect(await orange.status(ref)).toMatchObject({ status: 'failed' });
  });

  it('never pays on a forged notification: wrong notif_token, unknown token, or a success claimed for a failed payment', async () => {
    sim.setSwitches({ callbacks: { forge: 'wrong-notif-token' } });
    const { result } = await initiate();
    sim.pay(result.providerReference);
    await sim.idle();
    const [forged] = await recorder.waitFor(1);
    expect(await verify(forged!)).toEqual({ ok: false, reason: 'notif_token matches no payment' });
    // Without a way to look the token up, nothing can be matched.
    expect(await verify(forged!, undefined)).toMatchObject({ ok: false });

    const made = JSON.stringify({ status: 'SUCCESS', notif_token: 'f'.repeat(32), txnid: 'MP000000.0000.A00000' });
    expect(await orange.verifyCallback({ method: 'POST', headers: {}, rawBody: made }, context)).toMatchObject({ ok: false });
    expect(await orange.verifyCallback({ method: 'POST', headers: {}, rawBody: JSON.stringify({ status: 'SUCCESS' }) }, context)).toMatchObject({ ok: false, reason: 'notification has no notif_token' });
    expect(await orange.verifyCallback({ method: 'POST', headers: {}, rawBody: 'status=SUCCESS' }, context)).toMatchObject({ ok: false });

    // The right token, but a success claimed for a payment the customer cancelled: the status query says failed.
    sim.setSwitches({ callbacks: { forge: 'false-success' } });
    recorder.received.length = 0;
    const cancelled = await initiate();
    sim.pay(cancelled.result.providerReference, 'cancel');
    const events = await notifications(1);
    expect(JSON.parse(recorder.received[0]!.rawBody.toString('utf8'))).toMatchObject({ status: 'SUCCESS' });
    expect(events).toEqual([expect.objectContaining({ action: 'failed', reason: 'notification claimed SUCCESS, status query says FAILED' })]);
  });

  it('keeps duplicate, late and out-of-order notifications harmless: each is confirmed by the status and stored once', async () => {
    sim.setSwitches({ callbacks: { duplicates: 2, outOfOrder: true } });
    const { result, ref } = await initiate();
    sim.pay(result.providerReference);
    const events = await notifications(6);
    expect(events).toHaveLength(6);
    // The stale INITIATED arrives last and changes nothing: every event is the success, under one id.
    expect(new Set(events.map((e) => e.action))).toEqual(new Set(['succeeded']));
    expect(new Set(events.map((e) => e.providerEventId))).toEqual(new Set([`orange-money:${ref.providerReference}:succeeded`]));

    sim.reset();
    sim.setSwitches({ callbacks: { delayMs: 300 } });
    recorder.received.length = 0;
    const late = await initiate();
    sim.pay(late.result.providerReference);
    expect(await orange.status(late.ref)).toMatchObject({ status: 'succeeded' });
    expect(recorder.received).toHaveLength(0);
    expect(await notifications(1)).toEqual([expect.objectContaining({ action: 'succeeded' })]);
  });

  it('stays pending forever with no notification, and expires', async () => {
    sim.setSwitches({ pendingForever: true });
    const stuck = await initiate();
    expect(await onPage(stuck.result.redirectUrl!, 'pay')).toBe(RETURN_URL);
    await sim.idle();
    expect(recorder.received).toHaveLength(0);
    expect(await orange.status(stuck.ref)).toMatchObject({ status: 'pending' });

    sim.reset();
    sim.setSwitches({ expire: true });
    const late = await initiate();
    expect(await onPage(late.result.redirectUrl!, 'pay')).toBe(CANCEL_URL);
    expect(await notifications(1)).toEqual([expect.objectContaining({ action: 'expired' })]);

    // Nobody ever opened the page.
    const abandoned = await initiate();
    sim.expire(abandoned.result.providerReference);
    expect(await orange.status(abandoned.ref)).toMatchObject({ status: 'expired' });
  });

  it('reports a settlement of another amount as a mismatch', async () => {
    sim.setSwitches({ amountDelta: -1_000 });
    const { result, ref } = await initiate(40_000);
    sim.pay(result.providerReference);
    expect(await orange.status(ref)).toMatchObject({ status: 'succeeded', amount: 39_000, amountCheck: 'mismatch' });
    expect(await notifications(1)).toEqual([expect.objectContaining({ action: 'succeeded', amount: 39_000, amountCheck: 'mismatch' })]);
  });

  it('turns 401 and 5xx into provider errors, fetches a new token when one expires, and refuses what WebPay cannot take', async () => {
    sim.setSwitches({ unauthorized: true });
    const refused = await initiate().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PaymentProviderError);
    expect(refused).toMatchObject({ code: 'PAYMENT_PROVIDER_UNAUTHORIZED', provider: 'orange-money', retryable: false, httpStatus: 401 });
    expect(String((refused as Error).message)).not.toContain(SIMULATOR_CREDENTIALS.orangeMoney.authorization);
    sim.setSwitches({ unauthorized: false });
    await expect(initiate(1000, 'GNF', adapter({ authorization: 'Basic d3Jvbmc6d3Jvbmc=' }))).rejects.toMatchObject({ code: 'PAYMENT_PROVIDER_UNAUTHORIZED' });

    sim.setSwitches({ failNext: { status: 502, count: 1 } });
    const outage = await initiate().catch((e: unknown) => e);
    expect(outage).toBeInstanceOf(PaymentProviderError);
    expect(outage).toMatchObject({ code: 'PAYMENT_PROVIDER_UNAVAILABLE', retryable: true, httpStatus: 502 });
    const { ref } = await initiate();
    sim.setSwitches({ failNext: { status: 500, count: 1 } });
    await expect(orange.status(ref)).rejects.toMatchObject({ code: 'PAYMENT_PROVIDER_UNAVAILABLE', retryable: true });

    sim.expireTokens();
    expect(await orange.status(ref)).toMatchObject({ status: 'pending' });

    // The authorization is taken with or without its "Basic " prefix; the country is a path segment.
    const guinea = adapter({ authorization: SIMULATOR_CREDENTIALS.orangeMoney.authorization.replace(/^Basic /, ''), env: 'gn' });
    expect((await initiate(5000, 'GNF', guinea)).result.status).toBe('pending');

    await expect(initiate(1999, 'EUR')).rejects.toMatchObject({ code: 'PAYMENT_CURRENCY_UNSUPPORTED' });
    await expect(orange.initiate({ paymentId: randomUUID(), idempotencyKey: 'k', amount: 1000, currency: 'GNF', returnUrl: RETURN_URL })).rejects.toMatchObject({ code: 'PAYMENT_INVALID_REQUEST' });
    await expect(orange.status({ ...ref, secrets: {} })).rejects.toMatchObject({ code: 'PAYMENT_INVALID_REQUEST' });
  });
});
