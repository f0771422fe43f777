import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { SIMULATOR_CREDENTIALS } from './credentials.js';
import { applyPatch, bearer, CallbackSender, defaultSwitches, escapeHtml, faultAnswer, header, hiddenInputs, page, parseJson, randomId, startServer } from './http-kit.js';
import type { SimRequest, SimResponse, SimulatorSwitches, SwitchesPatch } from './http-kit.js';

/**
 * PayPal's Orders v2 subset (create, get, capture), capture refunds, client-credentials tokens, an
 * approval page, and webhooks with PayPal's transmission headers. Transmissions are signed with a
 * simulator key over PayPal's message (`id|time|webhookId|crc32(body)`); only our
 * verify-webhook-signature endpoint can check them, which is exactly how the adapter verifies.
 */

type MoneyJson = { currency_code: string; value: string };
type Capture = { id: string; status: 'COMPLETED' | 'DECLINED' | 'PENDING' | 'REFUNDED' | 'PARTIALLY_REFUNDED'; amount: MoneyJson; custom_id?: string; final_capture: boolean; create_time: string; update_time: string; status_details?: { reason: string }; refunded: number };
type OrderState = {
  id: string;
  intent: string;
  status: 'CREATED' | 'PAYER_ACTION_REQUIRED' | 'APPROVED' | 'COMPLETED' | 'VOIDED';
  purchaseUnit: { reference_id?: string; custom_id?: string; description?: string; amount: MoneyJson };
  returnUrl?: string;
  cancelUrl?: string;
  withPaymentSource: boolean;
  payerId?: string;
  capture?: Capture;
  createTime: string;
};

export type PaypalSimulatorOptions = { port?: number; host?: string; clientId?: string; clientSecret?: string; webhookId?: string; webhookUrl?: string };

export type PaypalSimulator = {
  baseUrl: string;
  switches: SimulatorSwitches;
  setSwitches(patch: SwitchesPatch): void;
  reset(): void;
  setWebhookUrl(url: string | undefined): void;
  /** The payer's choice on the approval page, without a browser. */
  approve(orderId: string): Promise<void>;
  /** PayPal voids orders left unapproved for too long. */
  expire(orderId: string): void;
  orders: ReadonlyMap<string, OrderState>;
  deliveries: CallbackSender['deliveries'];
  idle(): Promise<void>;
  close(): Promise<void>;
};

const SUPPORTED = new Set(['AUD', 'BRL', 'CAD', 'CNY', 'CZK', 'DKK', 'EUR', 'HKD', 'HUF', 'ILS', 'JPY', 'MYR', 'MXN', 'TWD', 'NZD', 'NOK', 'PHP', 'PLN', 'GBP', 'SGD', 'SEK', 'CHF', 'THB', 'USD']);
const SIGNING_KEY = 'afrigest-paypal-simulator-signing-key';

function ppError(status: number, name: string, message: string, issue?: string): SimResponse {
  return { status, headers: { 'paypal-debug-id': randomId('', 6) }, body: { name, message, debug_id: randomId('', 6), ...(issue ? { details: [{ issue, description: message }] } : {}) } };
}

function addCents(money: MoneyJson, delta: number): MoneyJson {
  if (delta === 0) return money;
  const [whole = '0', fraction = ''] = money.value.split('.');
  const digits = fraction.length;
  const minor = Number(whole) * 10 ** digits + Number(fraction || '0') + delta;
  const text = digits === 0 ? String(minor) : `${Math.trunc(minor / 10 ** digits)}.${String(Math.abs(minor % 10 ** digits)).padStart(digits, '0')}`;
  return { currency_code: money.currency_code, value: text };
}

function sign(transmissionId: string, time: string, webhookId: string, body: string): string {
  return createHmac('sha256', SIGNING_KEY).update(`${transmissionId}|${time}|${webhookId}|${crc32(body)}`).digest('base64');
}

export async function startPaypalSimulator(options: PaypalSimulatorOptions = {}): Promise<PaypalSimulator> {
  const clientId = options.clientId ?? SIMULATOR_CREDENTIALS.paypal.clientId;
  const clientSecret = options.clientSecret ?? SIMULATOR_CREDENTIALS.paypal.clientSecret;
  const webhookId = options.webhookId ?? SIMULATOR_CREDENTIALS.paypal.webhookId;
  let webhookUrl = options.webhookUrl;
  let switches = defaultSwitches();
  const orders = new Map<string, OrderState>();
  const captures = new Map<string, string>();
  const tokens = new Set<string>();
  const requestIds = new Map<string, SimResponse>();
  const sender = new CallbackSender();
  let base = '';

  function orderJson(order: OrderState): Record<string, unknown> {
    const unit: Record<string, unknown> = { ...order.purchaseUnit, payee: { merchant_id: 'SIMULATORMERCHANT' } };
    if (order.capture) {
      const { refunded: _refunded, ...capture } = order.capture;
      unit.payments = { captures: [{ ...capture, links: [{ href: `${base}/v2/payments/captures/${capture.id}`, rel: 'self', method: 'GET' }] }] };
    }
    const approveRel = order.withPaymentSource ? 'payer-action' : 'approve';
    return {
      id: order.id,
      intent: order.intent,
      status: order.status,
      purchase_units: [unit],
      create_time: order.createTime,
      ...(order.withPaymentSource ? { payment_source: { paypal: {} } } : {}),
      ...(order.payerId ? { payer: { payer_id: order.payerId, email_address: 'acheteur@example.com', name: { given_name: 'Awa', surname: 'Camara' } } } : {}),
      links: [
        { href: `${base}/v2/checkout/orders/${order.id}`, rel: 'self', method: 'GET' },
        ...(order.status === 'CREATED' || order.status === 'PAYER_ACTION_REQUIRED' ? [{ href: `${base}/checkoutnow?token=${order.id}`, rel: approveRel, method: 'GET' }] : []),
        ...(order.status === 'APPROVED' ? [{ href: `${base}/v2/checkout/orders/${order.id}/capture`, rel: 'capture', method: 'POST' }] : []),
      ],
    };
  }

  function event(type: string, resourceType: string, resource: unknown, summary: string, createTime = new Date().toISOString()): { type: string; body: string } {
    return { type, body: JSON.stringify({ id: `WH-${randomId('', 10).toUpperCase()}`, event_version: '1.0', create_time: createTime, resource_type: resourceType, resource_version: '2.0', event_type: type, summary, resource, links: [] }) };
  }

  function deliver(events: { type: string; body: string }[], stale?: { type: string; body: string }): void {
    const cb = switches.callbacks;
    if (!webhookUrl || cb.mode === 'never') return;
    const list = cb.outOfOrder && stale ? [...events, stale] : events;
    for (const e of list) {
      for (let copy = 0; copy <= cb.duplicates; copy += 1) {
        const transmissionId = randomUUID();
        const time = new Date(cb.forge === 'stale-signature' ? Date.now() - 3_600_000 : Date.now()).toISOString();
        const signature = cb.forge === 'bad-signature' ? randomId('', 32) : sign(transmissionId, time, webhookId, e.body);
        sender.send(
          {
            url: webhookUrl,
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'paypal-transmission-id': transmissionId,
              'paypal-transmission-time': time,
              'paypal-transmission-sig': signature,
              'paypal-cert-url': `${base}/v1/notifications/certs/CERT-SIMULATOR`,
              'paypal-auth-algo': 'SHA256withRSA',
            },
            body: e.body,
            label: e.type,
          },
          cb.delayMs,
        );
      }
    }
  }

  function approvedEvent(order: OrderState, createTime?: string) {
    return event('CHECKOUT.ORDER.APPROVED', 'checkout-order', orderJson(order), `An order has been approved by buyer`, createTime);
  }

  function approveOrder(order: OrderState): void {
    if (order.status !== 'CREATED' && order.status !== 'PAYER_ACTION_REQUIRED') return;
    if (switches.expire) {
      order.status = 'VOIDED';
      return;
    }
    order.status = 'APPROVED';
    order.payerId = randomId('', 6).toUpperCase();
    deliver([approvedEvent(order)]);
  }

  function authorised(req: SimRequest): SimResponse | undefined {
    const fault = faultAnswer(switches, () => ppError(401, 'AUTHENTICATION_FAILURE', 'Authentication failed due to invalid authentication credentials or a missing Authorization header.'), (status) => ppError(status, 'INTERNAL_SERVER_ERROR', 'An internal server error occurred.'));
    if (fault) return fault;
    const token = bearer(req.headers);
    if (!token || !tokens.has(token)) return ppError(401, 'AUTHENTICATION_FAILURE', 'Authentication failed due to invalid authentication credentials or a missing Authorization header.');
    return undefined;
  }

  /** PayPal-Request-Id makes a POST idempotent: the same id answers the first response again. */
  function idempotent(req: SimRequest, run: () => SimResponse): SimResponse {
    const id = header(req.headers, 'paypal-request-id');
    if (!id) return run();
    const key = `${req.path}|${id}`;
    const previous = requestIds.get(key);
    if (previous) return { ...previous, status: previous.status === 201 ? 200 : previous.status };
    const response = run();
    if (response.status < 500) requestIds.set(key, response);
    return response;
  }

  function token(req: SimRequest): SimResponse {
    const fault = faultAnswer(switches, () => ({ status: 401, body: { error: 'invalid_client', error_description: 'Client Authentication failed' } }), (status) => ppError(status, 'INTERNAL_SERVER_ERROR', 'An internal server error occurred.'));
    if (fault) return fault;
    const expected = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
    const given = header(req.headers, 'authorization') ?? '';
    if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
      return { status: 401, body: { error: 'invalid_client', error_description: 'Client Authentication failed' } };
    }
    const accessToken = randomId('A21AA', 24);
    tokens.add(accessToken);
    return { status: 200, body: { scope: 'https://uri.paypal.com/services/payments/payment', access_token: accessToken, token_type: 'Bearer', app_id: 'APP-SIMULATOR', expires_in: 32400, nonce: randomId('', 8) } };
  }

  function createOrder(req: SimRequest): SimResponse {
    const body = parseJson(req.rawBody);
    const unit = (body?.purchase_units as Record<string, unknown>[] | undefined)?.[0];
    const amount = unit?.amount as MoneyJson | undefined;
    if (!body || !unit || !amount?.currency_code || !amount.value) return ppError(400, 'INVALID_REQUEST', 'Request is not well-formed, syntactically incorrect, or violates schema.', 'MISSING_REQUIRED_PARAMETER');
    if (!SUPPORTED.has(amount.currency_code)) return ppError(422, 'UNPROCESSABLE_ENTITY', `Currency code ${amount.currency_code} is not supported.`, 'CURRENCY_NOT_SUPPORTED');
    const paypalSource = (body.payment_source as Record<string, Record<string, Record<string, string>>> | undefined)?.paypal;
    const context = paypalSource?.experience_context ?? (body.application_context as Record<string, string> | undefined);
    const order: OrderState = {
      id: randomId('', 9).toUpperCase(),
      intent: String(body.intent ?? 'CAPTURE'),
      status: paypalSource ? 'PAYER_ACTION_REQUIRED' : 'CREATED',
      purchaseUnit: {
        reference_id: typeof unit.reference_id === 'string' ? unit.reference_id : 'default',
        ...(typeof unit.custom_id === 'string' ? { custom_id: unit.custom_id } : {}),
        ...(typeof unit.description === 'string' ? { description: unit.description } : {}),
        amount: { currency_code: amount.currency_code, value: amount.value },
      },
      ...(context?.return_url ? { returnUrl: context.return_url } : {}),
      ...(context?.cancel_url ? { cancelUrl: context.cancel_url } : {}),
      withPaymentSource: Boolean(paypalSource),
      createTime: new Date().toISOString(),
    };
    orders.set(order.id, order);
    return { status: 201, body: orderJson(order) };
  }

  function capture(order: OrderState): SimResponse {
    if (order.status === 'COMPLETED') return ppError(422, 'UNPROCESSABLE_ENTITY', 'Order already captured.', 'ORDER_ALREADY_CAPTURED');
    if (order.status !== 'APPROVED') return ppError(422, 'UNPROCESSABLE_ENTITY', 'Payer has not yet approved the Order for payment.', 'ORDER_NOT_APPROVED');
    const now = new Date().toISOString();
    const status: Capture['status'] = switches.pendingForever ? 'PENDING' : switches.decline ? 'DECLINED' : 'COMPLETED';
    const cap: Capture = {
      id: randomId('', 9).toUpperCase(),
      status,
      amount: addCents(order.purchaseUnit.amount, switches.amountDelta),
      ...(order.purchaseUnit.custom_id ? { custom_id: order.purchaseUnit.custom_id } : {}),
      final_capture: true,
      create_time: now,
      update_time: now,
      ...(status === 'PENDING' ? { status_details: { reason: 'PENDING_REVIEW' } } : {}),
      refunded: 0,
    };
    order.capture = cap;
    order.status = 'COMPLETED';
    captures.set(cap.id, order.id);
    const { refunded: _refunded, ...resource } = cap;
    const type = status === 'COMPLETED' ? 'PAYMENT.CAPTURE.COMPLETED' : status === 'DECLINED' ? 'PAYMENT.CAPTURE.DENIED' : 'PAYMENT.CAPTURE.PENDING';
    deliver([event(type, 'capture', { ...resource, supplementary_data: { related_ids: { order_id: order.id } } }, `Payment ${status.toLowerCase()}`)], approvedEvent({ ...order, status: 'APPROVED', capture: undefined as never }, order.createTime));
    return { status: 201, body: orderJson(order) };
  }

  function refund(captureId: string, req: SimRequest): SimResponse {
    const order = orders.get(captures.get(captureId) ?? '');
    const cap = order?.capture;
    if (!order || !cap) return ppError(404, 'RESOURCE_NOT_FOUND', 'The specified resource does not exist.', 'INVALID_RESOURCE_ID');
    if (cap.status !== 'COMPLETED' && cap.status !== 'PARTIALLY_REFUNDED') return ppError(422, 'UNPROCESSABLE_ENTITY', 'Capture cannot be refunded.', 'CAPTURE_FULLY_REFUNDED');
    const body = parseJson(req.rawBody) ?? {};
    const capturedCents = Math.round(Number(cap.amount.value) * 100);
    const requested = body.amount as MoneyJson | undefined;
    const cents = requested ? Math.round(Number(requested.value) * 100) : capturedCents - cap.refunded;
    if (cents <= 0 || cents > capturedCents - cap.refunded) return ppError(422, 'UNPROCESSABLE_ENTITY', 'The refund amount must be less than or equal to the capture amount that has not yet been refunded.', 'REFUND_AMOUNT_EXCEEDED');
    cap.refunded += cents;
    cap.status = cap.refunded === capturedCents ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
    const amount = requested ?? { currency_code: cap.amount.currency_code, value: (cents / 100).toFixed(2) };
    const now = new Date().toISOString();
    const resource = { id: randomId('', 9).toUpperCase(), status: 'COMPLETED', amount, ...(order.purchaseUnit.custom_id ? { custom_id: order.purchaseUnit.custom_id } : {}), create_time: now, update_time: now, links: [{ href: `${base}/v2/payments/captures/${cap.id}`, rel: 'up', method: 'GET' }] };
    deliver([event('PAYMENT.CAPTURE.REFUNDED', 'refund', resource, 'A capture was refunded')]);
    return { status: 201, body: resource };
  }

  /** The verify endpoint needs the event's bytes as sent: it reads them out of the request body, as re-serialising would break the signature (as at PayPal). */
  function verify(req: SimRequest): SimResponse {
    const text = req.rawBody.toString('utf8');
    const body = parseJson(req.rawBody);
    const match = /"webhook_event"\s*:\s*/.exec(text);
    if (!body || !match) return ppError(400, 'INVALID_REQUEST', 'Request is not well-formed.', 'MISSING_REQUIRED_PARAMETER');
    const eventText = text.slice(match.index + match[0].length).replace(/\s*}\s*$/, '');
    const fields = body as Record<string, string>;
    const expected = fields.transmission_id && fields.transmission_time && fields.webhook_id ? sign(fields.transmission_id, fields.transmission_time, fields.webhook_id, eventText) : '';
    const given = fields.transmission_sig ?? '';
    const ok = fields.webhook_id === webhookId && expected.length === given.length && expected.length > 0 && timingSafeEqual(Buffer.from(expected), Buffer.from(given));
    return { status: 200, body: { verification_status: ok ? 'SUCCESS' : 'FAILURE' } };
  }

  function approvalPage(req: SimRequest): SimResponse {
    const form = req.method === 'POST' ? Object.fromEntries(new URLSearchParams(req.rawBody.toString('utf8'))) : Object.fromEntries(req.url.searchParams);
    const order = orders.get(String(form.token ?? ''));
    if (!order) return { status: 404, html: page('PayPal (simulator)', '<p>Commande introuvable.</p>') };
    if (req.method === 'GET') {
      const { currency_code, value } = order.purchaseUnit.amount;
      return {
        status: 200,
        html: page(
          'PayPal (simulator): approuver le paiement',
          `<p class="amount" data-testid="amount">${escapeHtml(value)} ${escapeHtml(currency_code)}</p><p>${escapeHtml(order.purchaseUnit.description ?? '')}</p>
<form method="post" action="/checkoutnow">${hiddenInputs({ token: order.id })}
<button type="submit" name="action" value="approve" data-testid="approve">Approuver</button>
<button type="submit" name="action" value="cancel" data-testid="cancel">Annuler</button></form>`,
        ),
      };
    }
    if (form.action === 'approve') approveOrder(order);
    const approved = order.status === 'APPROVED';
    const target = approved ? order.returnUrl : order.cancelUrl ?? order.returnUrl;
    if (!target) return { status: 200, html: page('PayPal (simulator)', `<p data-testid="result">${approved ? 'approved' : 'cancelled'}</p>`) };
    const url = new URL(target);
    url.searchParams.set('token', order.id);
    if (approved && order.payerId) url.searchParams.set('PayerID', order.payerId);
    return { status: 303, redirect: url.toString() };
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
    if (req.path === '/__simulator/state') return { status: 200, body: { switches, webhookUrl, orders: [...orders.values()].map(orderJson), deliveries: sender.deliveries } };
    return { status: 404, body: { error: { code: 'NOT_FOUND', message: 'unknown simulator control', details: null } } };
  }

  async function handle(req: SimRequest): Promise<SimResponse> {
    const parts = req.path.split('/').filter(Boolean);
    if (parts[0] === '__simulator') return control(req);
    if (req.path === '/checkoutnow') return approvalPage(req);
    if (req.path === '/v1/oauth2/token' && req.method === 'POST') return token(req);
    const denied = authorised(req);
    if (denied) return denied;
    if (req.path === '/v2/checkout/orders' && req.method === 'POST') return idempotent(req, () => createOrder(req));
    if (parts[0] === 'v2' && parts[1] === 'checkout' && parts[2] === 'orders' && parts[3]) {
      const order = orders.get(parts[3]);
      if (!order) return ppError(404, 'RESOURCE_NOT_FOUND', 'The specified resource does not exist.', 'INVALID_RESOURCE_ID');
      if (parts.length === 4 && req.method === 'GET') return { status: 200, body: orderJson(order) };
      if (parts[4] === 'capture' && req.method === 'POST') return idempotent(req, () => capture(order));
    }
    if (parts[0] === 'v2' && parts[1] === 'payments' && parts[2] === 'captures' && parts[3] && parts[4] === 'refund' && req.method === 'POST') {
      const captureId = parts[3];
      return idempotent(req, () => refund(captureId, req));
    }
    if (req.path === '/v1/notifications/verify-webhook-signature' && req.method === 'POST') return verify(req);
    return ppError(404, 'RESOURCE_NOT_FOUND', 'The specified resource does not exist.', 'INVALID_RESOURCE_ID');
  }

  const server = await startServer(handle, { ...(options.port === undefined ? {} : { port: options.port }), ...(options.host ? { host: options.host } : {}) });
  base = server.baseUrl;
  return {
    baseUrl: server.baseUrl,
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
    async approve(orderId) {
      const order = orders.get(orderId);
      if (!order) throw new Error(`no order ${orderId}`);
      approveOrder(order);
    },
    expire(orderId) {
      const order = orders.get(orderId);
      if (order && order.status !== 'COMPLETED') order.status = 'VOIDED';
    },
    orders,
    deliveries: sender.deliveries,
    idle: () => sender.idle(),
    async close() {
      sender.close();
      await server.close();
    },
  };
}
