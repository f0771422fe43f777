import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PaymentProviderError } from './errors.js';
import { createMtnMomoProvider } from './mtn-momo.js';
import type { MtnMomoConfig } from './mtn-momo.js';
import { resolveByStatus } from './provider.js';
import type { CallbackContext, NormalisedEvent, PaymentProvider, PaymentRef } from './provider.js';
import { startCallbackRecorder } from './simulators/callback-recorder.js';
import type { CallbackRecorder, RecordedCallback } from './simulators/callback-recorder.js';
import { SIMULATOR_CREDENTIALS } from './simulators/credentials.js';
import { MTN_TEST_NUMBERS, startMtnMomoSimulator } from './simulators/mtn-momo-simulator.js';
import type { MtnMomoSimulator } from './simulators/mtn-momo-simulator.js';

let sim: MtnMomoSimulator;
let recorder: CallbackRecorder;
let mtn: PaymentProvider;
/** Stands in for the payment records: what `findPayment` would find in the database. */
const known = new Map<string, PaymentRef>();
const context: CallbackContext = { findPayment: async (by) => known.get(by.providerReference ?? by.paymentId ?? '') };

function adapter(overrides: Partial<MtnMomoConfig> = {}): PaymentProvider {
  return createMtnMomoProvider({ ...SIMULATOR_CREDENTIALS.mtnMomo, baseUrl: sim.baseUrl, targetEnvironment: 'sandbox', timeoutMs: 5000, ...overrides });
}

beforeAll(async () => {
  sim = await startMtnMomoSimulator();
  recorder = await startCallbackRecorder();
  mtn = adapter();
});

afterAll(async () => {
  await sim.close();
  await recorder.close();
});

beforeEach(async () => {
  // Callbacks still on their way from the previous test must not count in this one.
  await sim.idle();
  sim.reset();
  recorder.received.length = 0;
});

async function initiate(phone = '224622123456', amount = 50_000, currency = 'GNF', provider = mtn) {
  const paymentId = randomUUID();
  const result = await provider.initiate({
    paymentId,
    idempotencyKey: `init-${paymentId}`,
    amount,
    currency,
    payer: { phone },
    description: 'Vente 12',
    callbackUrl: `${recorder.url}/api/tenants/t1/ecommerce/callbacks/mtn-momo?paymentId=${paymentId}`,
  });
  const ref: PaymentRef = { paymentId, providerReference: result.providerReference, amount, currency, ...(result.charged ? { charged: { amount: result.charged.amount, currency: result.charged.currency } } : {}) };
  known.set(paymentId, ref);
  return { result, ref };
}

function verify(cb: RecordedCallback, provider = mtn) {
  return provider.verifyCallback({ method: cb.method, headers: cb.headers, rawBody: cb.rawBody, query: cb.query }, context);
}

/** What the apply job does with callbacks: verify each, answer every `check-status` hint with a status query. */
async function applyCallbacks(count: number): Promise<{ hints: NormalisedEvent[]; outcomes: NormalisedEvent[] }> {
  await sim.idle();
  const received = await recorder.waitFor(count);
  const hints: NormalisedEvent[] = [];
  const outcomes: NormalisedEvent[] = [];
  for (const cb of received) {
    const verified = await verify(cb);
    if (!verified.ok) throw new Error(`callback refused: ${verified.reason}`);
    for (const event of verified.events) {
      hints.push(event);
      const ref = known.get(event.providerReference);
      if (event.action === 'check-status' && ref) outcomes.push(await resolveByStatus(mtn, ref));
    }
  }
  return { hints, outcomes };
}

async function payOnPhone(msisdn: string, referenceId: string, outcome: 'approve' | 'reject') {
  const pageHtml = await (await fetch(sim.phonePageUrl(msisdn))).text();
  expect(pageHtml).toContain(referenceId);
  const answered = await fetch(sim.phonePageUrl(msisdn), { method: 'POST', body: new URLSearchParams({ referenceId, outcome }), redirect: 'manual' });
  expect(answered.status).toBe(303);
}

describe('MTN MoMo adapter against the simulator', () => {
  it('requests to pay, the payer approves on the phone, the unsigned PUT callback is a hint and the status query pays', async () => {
    const { result, ref } = await initiate('224622123456', 50_000, 'GNF');
    expect(result).toMatchObject({ provider: 'mtn-momo', providerReference: ref.paymentId, status: 'pending' });
    expect(result.charged).toBeUndefined();
    const request = sim.requests.get(ref.paymentId);
    expect(request).toMatchObject({ amount: '50000', currency: 'GNF', externalId: ref.paymentId, payer: { partyIdType: 'MSISDN', partyId: '224622123456' }, status: 'PENDING' });
    expect(request?.callbackUrl).toContain(`paymentId=${ref.paymentId}`);
    expect(await mtn.status(ref)).toMatchObject({ status: 'pending', amountCheck: 'match' });

    const pageHtml = await (await fetch(sim.phonePageUrl('224622123456'))).text();
    expect(pageHtml).toContain('50000 GNF');
    await payOnPhone('224622123456', ref.paymentId, 'approve');

    const { hints, outcomes } = await applyCallbacks(1);
    const [cb] = recorder.received;
    expect(cb?.method).toBe('PUT');
    expect(Object.keys(cb!.headers).some((h) => h.includes('signature'))).toBe(false);
    expect(JSON.parse(cb!.rawBody.toString('utf8'))).toMatchObject({ status: 'SUCCESSFUL', externalId: ref.paymentId, amount: '50000', currency: 'GNF' });
    expect(hints).toEqual([expect.objectContaining({ action: 'check-status', verifiedBy: 'hint', providerReference: ref.paymentId, paymentId: ref.paymentId, amountCheck: 'unknown' })]);
    expect(outcomes).toEqual([expect.objectContaining({ action: 'succeeded', verifiedBy: 'status', amount: 50_000, currency: 'GNF', amountCheck: 'match', providerEventId: `mtn-momo:${ref.paymentId}:succeeded` })]);
    expect(outcomes[0]?.transactionId).toMatch(/^\d{10}$/);
    // Nothing left waiting on the handset.
    expect(await (await fetch(sim.phonePageUrl('224622123456'))).text()).toContain('Aucune demande');
  });

  it('takes the callback as POST too, and a payer who refuses fails the payment', async () => {
    sim.setBehaviour({ callbackMethod: 'POST' });
    const { ref } = await initiate('224622000111');
    await payOnPhone('224622000111', ref.paymentId, 'reject');
    const { outcomes } = await applyCallbacks(1);
    expect(recorder.received[0]?.method).toBe('POST');
    expect(outcomes).toEqual([expect.objectContaining({ action: 'failed', reason: 'APPROVAL_REJECTED' })]);
  });

  it('gives MTN sandbox numbers their fixed outcomes', async () => {
    sim.setBehaviour({ delayedMs: 1500 });
    const expected: Record<string, { status: string; reason?: string }> = {
      '46733123450': { status: 'failed', reason: 'INTERNAL_PROCESSING_ERROR' },
      '46733123451': { status: 'failed', reason: 'APPROVAL_REJECTED' },
      '46733123452': { status: 'expired', reason: 'EXPIRED' },
      '46733123453': { status: 'pending' },
      '46733123455': { status: 'failed', reason: 'PAYER_NOT_FOUND' },
      '46733123463': { status: 'expired', reason: 'COULD_NOT_PERFORM_TRANSACTION' },
    };
    for (const [phone, outcome] of Object.entries(expected)) {
      expect(MTN_TEST_NUMBERS).toHaveProperty(phone);
      const { ref } = await initiate(phone);
      expect(await mtn.status(ref), phone).toMatchObject(outcome);
    }
    // "Delayed": pending at first, then paid; the callback says so and the status query confirms it.
    const delayed = await initiate('46733123454');
    expect(await mtn.status(delayed.ref)).toMatchObject({ status: 'pending' });
    await sim.idle();
    expect(await mtn.status(delayed.ref)).toMatchObject({ status: 'succeeded', amountCheck: 'match' });

    // "Ongoing" stays pending whatever the handset does, and calls back nothing.
    const ongoing = await initiate('46733123453');
    sim.approve(ongoing.ref.paymentId);
    await sim.idle();
    expect(await mtn.status(ongoing.ref)).toMatchObject({ status: 'pending' });
    // Five failures plus the late success called back; the two ongoing never did.
    expect(recorder.received).toHaveLength(6);
  });

  it('lets any other number pay on its own when auto-approval is on, as MTN’s sandbox does', async () => {
    sim.setBehaviour({ autoApproveMs: 20 });
    const { ref } = await initiate('224655443322');
    const { outcomes } = await applyCallbacks(1);
    expect(outcomes).toEqual([expect.objectContaining({ action: 'succeeded', amountCheck: 'match' })]);
    expect(await mtn.status(ref)).toMatchObject({ status: 'succeeded' });
  });

  it('never pays on a forged PUT claiming success for a failed payment, nor on a callback for an unknown payment', async () => {
    sim.setSwitches({ callbacks: { forge: 'false-success' } });
    const { ref } = await initiate('46733123451');
    const { hints, outcomes } = await applyCallbacks(1);
    expect(JSON.parse(recorder.received[0]!.rawBody.toString('utf8'))).toMatchObject({ status: 'SUCCESSFUL' });
    expect(hints).toEqual([expect.objectContaining({ action: 'check-status', reason: 'callback claims SUCCESSFUL' })]);
    expect(outcomes).toEqual([expect.objectContaining({ action: 'failed', reason: 'APPROVAL_REJECTED' })]);

    // Declined by the payer, a forged success on top: still failed.
    sim.setSwitches({ decline: true });
    const declined = await initiate();
    sim.approve(declined.ref.paymentId);
    const second = await applyCallbacks(2);
    expect(second.outcomes.map((e) => e.action)).toEqual(['failed', 'failed']);

    // Someone PUTs a success for a payment still waiting for its payer: the status query says pending.
    sim.reset();
    const waiting = await initiate();
    const forged = JSON.stringify({ externalId: waiting.ref.paymentId, amount: '50000', currency: 'GNF', status: 'SUCCESSFUL', financialTransactionId: '1234567890' });
    const hint = await mtn.verifyCallback({ method: 'PUT', headers: { 'content-type': 'application/json' }, rawBody: forged, query: { paymentId: waiting.ref.paymentId } }, context);
    expect(hint).toMatchObject({ ok: true, events: [{ action: 'check-status', verifiedBy: 'hint' }] });
    expect(await resolveByStatus(mtn, waiting.ref)).toMatchObject({ action: 'pending' });

    // A payment we never made, a callback naming nothing, another method, a body that is not JSON.
    const stranger = randomUUID();
    expect(await mtn.verifyCallback({ method: 'PUT', headers: {}, rawBody: forged.replace(waiting.ref.paymentId, stranger), query: { paymentId: stranger } }, context)).toMatchObject({ ok: false, reason: 'callback names an unknown payment' });
    expect(await mtn.verifyCallback({ method: 'PUT', headers: {}, rawBody: '{"status":"SUCCESSFUL"}' }, context)).toMatchObject({ ok: false, reason: 'callback names no payment' });
    expect(await mtn.verifyCallback({ method: 'GET', headers: {}, rawBody: forged, query: { paymentId: waiting.ref.paymentId } }, context)).toMatchObject({ ok: false });
    expect(await mtn.verifyCallback({ method: 'PUT', headers: {}, rawBody: 'SUCCESSFUL', query: { paymentId: waiting.ref.paymentId } }, context)).toMatchObject({ ok: false });
  });

  it('keeps duplicates, late and out-of-order callbacks harmless: one hint per claim, the status decides', async () => {
    sim.setSwitches({ callbacks: { duplicates: 2, outOfOrder: true } });
    const { ref } = await initiate();
    sim.approve(ref.paymentId);
    const { hints, outcomes } = await applyCallbacks(6);
    // Three copies of SUCCESSFUL, then three of a stale PENDING: two distinct hints.
    expect(new Set(hints.map((e) => e.providerEventId)).size).toBe(2);
    expect(hints.filter((e) => e.reason === 'callback claims PENDING')).toHaveLength(3);
    // The stale PENDING never takes the payment back: every status answer is the success, stored once.
    expect(outcomes).toHaveLength(6);
    expect(new Set(outcomes.map((e) => `${e.providerEventId}/${e.action}`))).toEqual(new Set([`mtn-momo:${ref.paymentId}:succeeded/succeeded`]));

    sim.reset();
    sim.setSwitches({ callbacks: { delayMs: 300 } });
    recorder.received.length = 0;
    const late = await initiate();
    sim.approve(late.ref.paymentId);
    // Paid before the callback arrives: polling needs no callback.
    expect(await mtn.status(late.ref)).toMatchObject({ status: 'succeeded' });
    expect(recorder.received).toHaveLength(0);
    await sim.idle();
    expect(recorder.received).toHaveLength(1);
  });

  it('resolves by polling when the callback never comes, stays pending forever when the payer never answers, and expires', async () => {
    sim.setSwitches({ callbacks: { mode: 'never' } });
    const { ref } = await initiate();
    sim.approve(ref.paymentId);
    await sim.idle();
    expect(recorder.received).toHaveLength(0);
    expect(await resolveByStatus(mtn, ref)).toMatchObject({ action: 'succeeded', verifiedBy: 'status' });

    sim.reset();
    sim.setSwitches({ pendingForever: true });
    const stuck = await initiate();
    sim.approve(stuck.ref.paymentId);
    await sim.idle();
    expect(await mtn.status(stuck.ref)).toMatchObject({ status: 'pending' });
    expect(recorder.received).toHaveLength(0);

    sim.reset();
    const forgotten = await initiate();
    sim.expire(forgotten.ref.paymentId);
    const { outcomes } = await applyCallbacks(1);
    expect(outcomes).toEqual([expect.objectContaining({ action: 'expired', reason: 'EXPIRED' })]);

    sim.setSwitches({ expire: true });
    const late = await initiate();
    sim.approve(late.ref.paymentId);
    expect(await mtn.status(late.ref)).toMatchObject({ status: 'expired' });
  });

  it('reports another amount than requested as a mismatch', async () => {
    sim.setSwitches({ amountDelta: -5_000 });
    const { ref } = await initiate('224622123456', 50_000);
    sim.approve(ref.paymentId);
    const { outcomes } = await applyCallbacks(1);
    expect(outcomes).toEqual([expect.objectContaining({ action: 'succeeded', amount: 45_000, currency: 'GNF', amountCheck: 'mismatch' })]);
  });

  it('charges the same figure in the sandbox’s EUR, and checks the amount in EUR cents', async () => {
    const sandbox = adapter({ currencyOverride: 'EUR' });
    const { result, ref } = await initiate('224622123456', 12_500, 'GNF', sandbox);
    expect(result.charged).toEqual({ amount: 1_250_000, currency: 'EUR', rate: '1' });
    expect(sim.requests.get(ref.paymentId)).toMatchObject({ amount: '12500', currency: 'EUR' });
    sim.approve(ref.paymentId);
    expect(await sandbox.status(ref)).toMatchObject({ status: 'succeeded', amount: 1_250_000, currency: 'EUR', amountCheck: 'match' });
    // A record without `charged` is compared in EUR all the same.
    expect(await sandbox.status({ paymentId: ref.paymentId, providerReference: ref.providerReference, amount: 12_500, currency: 'GNF' })).toMatchObject({ amountCheck: 'match' });
    expect(await mtn.status(ref)).toMatchObject({ amountCheck: 'match' });
  });

  it('reads a 409 on a retried request as the request already made, the first one standing', async () => {
    const { ref } = await initiate();
    const again = await mtn.initiate({ paymentId: ref.paymentId, idempotencyKey: `init-${ref.paymentId}`, amount: 50_000, currency: 'GNF', payer: { phone: '224622123456' } });
    expect(again).toMatchObject({ providerReference: ref.paymentId, status: 'pending', raw: { httpStatus: 409, duplicate: true } });
    // Reused for another amount: MTN keeps the first request, and the status check shows it is not ours.
    await mtn.initiate({ paymentId: ref.paymentId, idempotencyKey: 'other', amount: 60_000, currency: 'GNF', payer: { phone: '224622123456' } });
    expect(sim.requests.get(ref.paymentId)?.amount).toBe('50000');
    sim.approve(ref.paymentId);
    expect(await mtn.status({ ...ref, amount: 60_000 })).toMatchObject({ status: 'succeeded', amountCheck: 'mismatch' });
  });

  it('turns 401 and 5xx into provider errors, fetches a new token when one expires, and refuses a request without a phone', async () => {
    sim.setSwitches({ unauthorized: true });
    const refused = await initiate().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PaymentProviderError);
    expect(refused).toMatchObject({ code: 'PAYMENT_PROVIDER_UNAUTHORIZED', provider: 'mtn-momo', retryable: false, httpStatus: 401 });
    expect(String((refused as Error).message)).not.toContain(SIMULATOR_CREDENTIALS.mtnMomo.apiKey);
    sim.setSwitches({ unauthorized: false });

    // Wrong API key: the token call is refused. Wrong subscription key: every call is.
    await expect(initiate('224622123456', 1000, 'GNF', adapter({ apiKey: 'wrong' }))).rejects.toMatchObject({ code: 'PAYMENT_PROVIDER_UNAUTHORIZED' });
    await expect(initiate('224622123456', 1000, 'GNF', adapter({ subscriptionKey: 'wrong' }))).rejects.toMatchObject({ code: 'PAYMENT_PROVIDER_UNAUTHORIZED' });

    sim.setSwitches({ failNext: { status: 503, count: 1 } });
    const outage = await initiate().catch((e: unknown) => e);
    expect(outage).toBeInstanceOf(PaymentProviderError);
    expect(outage).toMatchObject({ code: 'PAYMENT_PROVIDER_UNAVAILABLE', retryable: true, httpStatus: 503 });
    const { ref } = await initiate();
    sim.setSwitches({ failNext: { status: 500, count: 1 } });
    await expect(mtn.status(ref)).rejects.toMatchObject({ code: 'PAYMENT_PROVIDER_UNAVAILABLE', retryable: true, httpStatus: 500 });

    // MTN forgot our token (it lasts an hour): the adapter fetches another and carries on.
    sim.expireTokens();
    expect(await mtn.status(ref)).toMatchObject({ status: 'pending' });

    await expect(mtn.status({ ...ref, providerReference: randomUUID() })).rejects.toMatchObject({ code: 'PAYMENT_NOT_FOUND_AT_PROVIDER' });
    await expect(mtn.initiate({ paymentId: randomUUID(), idempotencyKey: 'k', amount: 1000, currency: 'GNF' })).rejects.toMatchObject({ code: 'PAYMENT_INVALID_REQUEST' });
  });
});
