import { createHmac, createHash } from 'node:crypto';
import { isCurrencyCode, toMajorString } from '../../../shared/money.js';
import { SIMULATOR_CREDENTIALS } from './credentials.js';
import { applyPatch, bearer, CallbackSender, defaultSwitches, escapeHtml, faultAnswer, header, hiddenInputs, page, parseForm, parseJson, randomId, startServer } from './http-kit.js';
import type { SimRequest, SimResponse, SimulatorSwitches, SwitchesPatch } from './http-kit.js';

/**
 * The part of Stripe's API the adapter uses (PaymentIntents, refunds, idempotency keys, errors),
 * a hosted page standing in for Stripe.js confirmation, and webhooks signed exactly as Stripe
 * signs them (`Stripe-Signature: t=…,v1=HMAC-SHA256(secret, "t.payload")`).
 */

type Intent = {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  status: 'requires_payment_method' | 'processing' | 'succeeded' | 'canceled';
  client_secret: string;
  description: string | null;
  metadata: Record<string, string>;
  created: number;
  livemode: false;
  last_payment_error: null | { type: 'card_error'; code: string; decline_code: string; message: string };
  latest_charge: string | null;
  cancellation_reason: string | null;
  canceled_at: number | null;
  receipt_email: string | null;
  payment_method_types: string[];
  next_action: null;
};

export type StripeSimulatorOptions = {
  port?: number;
  /** Interface to listen on; 127.0.0.1 unless told. */
  host?: string;
  secretKey?: string;
  webhookSecret?: string;
  /** Where events go (the tenant's webhook route); settable later with `setWebhookUrl`. */
  webhookUrl?: string;
};

export type StripeSimulator = {
  baseUrl: string;
  /** Hosted confirmation page base: `${checkoutUrl}/{intentId}?client_secret=…`. */
  checkoutUrl: string;
  switches: SimulatorSwitches;
  setSwitches(patch: SwitchesPatch): void;
  reset(): void;
  setWebhookUrl(url: string | undefined): void;
  /** The payer's action on the hosted page, without a browser. */
  pay(intentId: string, outcome?: 'succeed' | 'decline'): Promise<void>;
  intents: ReadonlyMap<string, Intent>;
  deliveries: CallbackSender['deliveries'];
  /** Resolves when all webhooks sent so far were answered. */
  idle(): Promise<void>;
  close(): Promise<void>;
};

const API_VERSION = '2025-01-01.simulator';

function stripeError(status: number, type: string, message: string, extra: Record<string, unknown> = {}): SimResponse {
  return { status, body: { error: { type, message, ...extra } }, headers: { 'request-id': randomId('req_', 8) } };
}

export function signStripePayload(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex');
  return `t=${timestamp},v1=${signature}`;
}

export async function startStripeSimulator(options: StripeSimulatorOptions = {}): Promise<StripeSimulator> {
  const secretKey = options.secretKey ?? SIMULATOR_CREDENTIALS.stripe.secretKey;
  const webhookSecret = options.webhookSecret ?? SIMULATOR_CREDENTIALS.stripe.webhookSecret;
  let webhookUrl = options.webhookUrl;
  let switches = defaultSwitches();
  const intents = new Map<string, Intent>();
  const charges = new Map<string, { id: string; payment_intent: string; amount: number; amount_refunded: number; currency: string; metadata: Record<string, string> }>();
  const idempotency = new Map<string, { fingerprint: string; response: SimResponse }>();
  const sender = new CallbackSender();

  function emit(type: string, object: unknown, created = Math.floor(Date.now() / 1000)): { type: string; body: string } {
    const event = { id: randomId('evt_'), object: 'event', api_version: API_VERSION, created, data: { object }, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type };
    return { type, body: JSON.stringify(event) };
  }

  /** Sends events with the current callback switches: order, copies, delay and forgery. */
  function deliver(events: { type: string; body: string }[], stale?: { type: string; body: string }): void {
    const cb = switches.callbacks;
    if (!webhookUrl || cb.mode === 'never') return;
    const list = cb.outOfOrder && stale ? [...events, stale] : events;
    for (const event of list) {
      for (let copy = 0; copy <= cb.duplicates; copy += 1) {
        const now = Math.floor(Date.now() / 1000);
        const signature =
          cb.forge === 'bad-signature' ? signStripePayload(event.body, 'whsec_forged_by_someone_else', now)
          : cb.forge === 'stale-signature' ? signStripePayload(event.body, webhookSecret, now - 3600)
          : signStripePayload(event.body, webhookSecret, now);
        sender.send({ url: webhookUrl, method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature, 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' }, body: event.body, label: event.type }, cb.delayMs);
      }
    }
  }

  function settle(intent: Intent, outcome: 'succeed' | 'decline'): void {
    const processing = emit('payment_intent.processing', { ...intent, status: 'processing' }, intent.created);
    if (switches.pendingForever) {
      intent.status = 'processing';
      deliver([processing]);
      return;
    }
    if (switches.expire) {
      intent.status = 'canceled';
      intent.cancellation_reason = 'abandoned';
      intent.canceled_at = Math.floor(Date.now() / 1000);
      deliver([emit('payment_intent.canceled', { ...intent })], processing);
      return;
    }
    if (outcome === 'decline' || switches.decline) {
      intent.status = 'requires_payment_method';
      intent.last_payment_error = { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' };
      deliver([emit('payment_intent.payment_failed', { ...intent })], processing);
      return;
    }
    const charge = { id: randomId('ch_'), object: 'charge', payment_intent: intent.id, amount: intent.amount + switches.amountDelta, amount_refunded: 0, currency: intent.currency, metadata: intent.metadata, refunded: false };
    charges.set(charge.id, charge);
    intent.status = 'succeeded';
    intent.last_payment_error = null;
    intent.amount_received = charge.amount;
    intent.latest_charge = charge.id;
    deliver([emit('payment_intent.succeeded', { ...intent })], processing);
  }

  function authorised(req: SimRequest): SimResponse | undefined {
    const fault = faultAnswer(switches, () => stripeError(401, 'invalid_request_error', 'Invalid API Key provided.'), (status) => stripeError(status, 'api_error', 'Simulated Stripe outage.'));
    if (fault) return fault;
    if (bearer(req.headers) !== secretKey) return stripeError(401, 'invalid_request_error', 'Invalid API Key provided.');
    return undefined;
  }

  /** Stripe replays the first answer for a reused Idempotency-Key and refuses it with other parameters. */
  function idempotent(req: SimRequest, run: () => SimResponse): SimResponse {
    const key = header(req.headers, 'idempotency-key');
    if (!key) return run();
    const fingerprint = createHash('sha256').update(`${req.method} ${req.path} ${req.rawBody.toString('utf8')}`).digest('hex');
    const previous = idempotency.get(key);
    if (previous) {
      if (previous.fingerprint !== fingerprint) {
        return stripeError(400, 'idempotency_error', `Keys for idempotent requests can only be used with the same parameters they were first used with.`);
      }
      return { ...previous.response, headers: { ...previous.response.headers, 'idempotent-replayed': 'true' } };
    }
    const response = run();
    if (response.status < 500) idempotency.set(key, { fingerprint, response });
    return response;
  }

  function checkoutPage(intent: Intent, clientSecret: string, returnUrl: string | undefined): string {
    const currency = intent.currency.toUpperCase();
    const amount = isCurrencyCode(currency) ? toMajorString(intent.amount, currency) : String(intent.amount);
    return page(
      'Stripe (simulator): paiement par carte',
      `<p class="amount" data-testid="amount">${escapeHtml(amount)} ${escapeHtml(currency)}</p><p>${escapeHtml(intent.description ?? '')}</p>
<form method="post" action="/checkout/${escapeHtml(intent.id)}">${hiddenInputs({ client_secret: clientSecret, return_url: returnUrl })}
<p>Carte de test 4242 4242 4242 4242</p>
<button type="submit" name="outcome" value="succeed" data-testid="pay">Payer</button>
<button type="submit" name="outcome" value="decline" data-testid="decline">Carte refusée</button></form>`,
    );
  }

  async function handle(req: SimRequest): Promise<SimResponse> {
    const parts = req.path.split('/').filter(Boolean);
    if (parts[0] === '__simulator') return control(req);
    if (parts[0] === 'checkout' && parts[1]) {
      const intent = intents.get(parts[1]);
      const form = req.method === 'POST' ? parseForm(req.rawBody.toString('utf8')) : Object.fromEntries(req.url.searchParams);
      const clientSecret = String(form.client_secret ?? '');
      if (!intent || intent.client_secret !== clientSecret) return { status: 404, html: page('Stripe (simulator)', '<p>Paiement introuvable.</p>') };
      const returnUrl = typeof form.return_url === 'string' && form.return_url ? form.return_url : undefined;
      if (req.method === 'GET') return { status: 200, html: checkoutPage(intent, clientSecret, returnUrl) };
      if (intent.status === 'requires_payment_method') settle(intent, form.outcome === 'decline' ? 'decline' : 'succeed');
      const redirectStatus = intent.status === 'succeeded' ? 'succeeded' : intent.status === 'processing' ? 'processing' : 'failed';
      if (returnUrl) {
        const url = new URL(returnUrl);
        url.searchParams.set('payment_intent', intent.id);
        url.searchParams.set('payment_intent_client_secret', intent.client_secret);
        url.searchParams.set('redirect_status', redirectStatus);
        return { status: 303, redirect: url.toString() };
      }
      return { status: 200, html: page('Stripe (simulator)', `<p data-testid="result">${redirectStatus}</p>`) };
    }
    if (parts[0] !== 'v1') return stripeError(404, 'invalid_request_error', `Unrecognized request URL (${req.method}: ${req.path}).`);
    const denied = authorised(req);
    if (denied) return denied;
    const form = parseForm(req.rawBody.toString('utf8'));

    if (parts[1] === 'payment_intents' && parts.length === 2 && req.method === 'POST') {
      return idempotent(req, () => {
        const amount = Number(form.amount);
        const currency = typeof form.currency === 'string' ? form.currency.toLowerCase() : '';
        if (!Number.isSafeInteger(amount) || amount < 1) return stripeError(400, 'invalid_request_error', 'Invalid positive integer', { param: 'amount', code: 'parameter_invalid_integer' });
        if (!/^[a-z]{3}$/.test(currency)) return stripeError(400, 'invalid_request_error', 'Invalid currency', { param: 'currency', code: 'parameter_invalid_empty' });
        const id = randomId('pi_');
        const intent: Intent = {
          id,
          object: 'payment_intent',
          amount,
          amount_received: 0,
          currency,
          status: 'requires_payment_method',
          client_secret: `${id}_secret_${randomId('', 8)}`,
          description: typeof form.description === 'string' ? form.description : null,
          metadata: (form.metadata ?? {}) as Record<string, string>,
          created: Math.floor(Date.now() / 1000),
          livemode: false,
          last_payment_error: null,
          latest_charge: null,
          cancellation_reason: null,
          canceled_at: null,
          receipt_email: typeof form.receipt_email === 'string' ? form.receipt_email : null,
          payment_method_types: ['card'],
          next_action: null,
        };
        intents.set(id, intent);
        return { status: 200, body: { ...intent } };
      });
    }
    if (parts[1] === 'payment_intents' && parts[2]) {
      const intent = intents.get(parts[2]);
      if (!intent) return stripeError(404, 'invalid_request_error', `No such payment_intent: '${parts[2]}'`, { code: 'resource_missing', param: 'intent' });
      if (parts.length === 3 && req.method === 'GET') return { status: 200, body: { ...intent } };
      if (parts[3] === 'cancel' && req.method === 'POST') {
        return idempotent(req, () => {
          if (intent.status === 'succeeded' || intent.status === 'canceled') return stripeError(400, 'invalid_request_error', `You cannot cancel this PaymentIntent because it has a status of ${intent.status}.`, { code: 'payment_intent_unexpected_state' });
          intent.status = 'canceled';
          intent.cancellation_reason = typeof form.cancellation_reason === 'string' ? form.cancellation_reason : 'requested_by_customer';
          intent.canceled_at = Math.floor(Date.now() / 1000);
          deliver([emit('payment_intent.canceled', { ...intent })]);
          return { status: 200, body: { ...intent } };
        });
      }
    }
    if (parts[1] === 'refunds' && parts.length === 2 && req.method === 'POST') {
      return idempotent(req, () => {
        const intent = typeof form.payment_intent === 'string' ? intents.get(form.payment_intent) : undefined;
        if (!intent) return stripeError(404, 'invalid_request_error', `No such payment_intent: '${String(form.payment_intent)}'`, { code: 'resource_missing', param: 'payment_intent' });
        const charge = intent.latest_charge ? charges.get(intent.latest_charge) : undefined;
        if (intent.status !== 'succeeded' || !charge) return stripeError(400, 'invalid_request_error', 'This PaymentIntent has no successful charge to refund.', { code: 'charge_not_refundable' });
        const amount = form.amount === undefined ? charge.amount - charge.amount_refunded : Number(form.amount);
        if (!Number.isSafeInteger(amount) || amount < 1 || amount > charge.amount - charge.amount_refunded) return stripeError(400, 'invalid_request_error', 'Refund amount is greater than unrefunded amount on charge', { code: 'amount_too_large', param: 'amount' });
        charge.amount_refunded += amount;
        const refund = { id: randomId('re_'), object: 'refund', amount, currency: intent.currency, payment_intent: intent.id, charge: charge.id, status: 'succeeded', metadata: (form.metadata ?? {}) as Record<string, string>, created: Math.floor(Date.now() / 1000) };
        deliver([emit('charge.refunded', { ...charge, object: 'charge', refunded: charge.amount_refunded === charge.amount })]);
        return { status: 200, body: refund };
      });
    }
    return stripeError(404, 'invalid_request_error', `Unrecognized request URL (${req.method}: ${req.path}).`);
  }

  function control(req: SimRequest): SimResponse {
    if (req.path === '/__simulator/switches' && req.method === 'POST') {
      const patch = parseJson(req.rawBody) as SwitchesPatch | undefined;
      if (!patch) return { status: 400, body: { error: { code: 'SIMULATOR_BAD_SWITCHES', message: 'send a JSON object of switches', details: null } } };
      switches = applyPatch(switches, patch);
      return { status: 200, body: { switches } };
    }
    if (req.path === '/__simulator/webhook-url' && req.method === 'POST') {
      const body = parseJson(req.rawBody);
      webhookUrl = typeof body?.url === 'string' ? body.url : undefined;
      return { status: 200, body: { webhookUrl } };
    }
    if (req.path === '/__simulator/state') return { status: 200, body: { switches, webhookUrl, intents: [...intents.values()], deliveries: sender.deliveries } };
    return { status: 404, body: { error: { code: 'NOT_FOUND', message: 'unknown simulator control', details: null } } };
  }

  const server = await startServer(handle, { ...(options.port === undefined ? {} : { port: options.port }), ...(options.host ? { host: options.host } : {}) });
  return {
    baseUrl: server.baseUrl,
    checkoutUrl: `${server.baseUrl}/checkout`,
    get switches() {
      return switches;
    },
    setSwitches(patch) {
      switches = applyPatch(switches, patch);
    },
    reset() {
      switches = defaultSwitches();
    },
    setWebhookUrl(url) {
      webhookUrl = url;
    },
    async pay(intentId, outcome = 'succeed') {
      const intent = intents.get(intentId);
      if (!intent) throw new Error(`no intent ${intentId}`);
      if (intent.status === 'requires_payment_method') settle(intent, outcome);
    },
    intents,
    deliveries: sender.deliveries,
    idle: () => sender.idle(),
    async close() {
      sender.close();
      await server.close();
    },
  };
}
