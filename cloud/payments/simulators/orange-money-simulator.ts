import { randomBytes } from 'node:crypto';
import { SIMULATOR_CREDENTIALS } from './credentials.js';
import { applyPatch, bearer, CallbackSender, defaultSwitches, escapeHtml, faultAnswer, header, page, parseForm, parseJson, startServer } from './http-kit.js';
import type { SimRequest, SimResponse, SimulatorSwitches, SwitchesPatch } from './http-kit.js';

/**
 * The part of Orange Money WebPay the adapter uses: `POST /oauth/v3/token` (Basic, client
 * credentials), `POST /orange-money-webpay/{country}/v1/webpayment` (pay_token, payment_url,
 * notif_token) and `…/transactionstatus` (order_id, amount, pay_token). The payment page is the
 * hosted page the customer (or, at the counter, the QR code) opens; the notification Orange posts
 * to `notif_url` carries only status, notif_token and txnid.
 */

type Status = 'INITIATED' | 'PENDING' | 'SUCCESS' | 'FAILED' | 'EXPIRED';

type WebPayment = {
  payToken: string;
  notifToken: string;
  orderId: string;
  amount: number;
  currency: string;
  returnUrl: string;
  cancelUrl: string;
  notifUrl: string;
  reference: string;
  status: Status;
  txnid?: string;
  /** What Orange says it settled: the amount, unless the amount switch was on at payment time. */
  settledAmount?: number;
};

export type OrangeMoneySimulatorOptions = { port?: number; host?: string };

export type OrangeMoneySimulator = {
  baseUrl: string;
  switches: SimulatorSwitches;
  setSwitches(patch: SwitchesPatch): void;
  /** Switches back to their start values (payments and deliveries are kept). */
  reset(): void;
  /** The customer's action on the payment page, without a browser. */
  pay(payToken: string, outcome?: 'pay' | 'cancel'): void;
  /** The customer never paid in time: the payment becomes EXPIRED (no notification follows: a status query finds it). */
  expire(payToken: string): void;
  /** Forgets every access token issued: the next call with one gets 401. */
  expireTokens(): void;
  /** Payments by pay_token. */
  payments: ReadonlyMap<string, WebPayment>;
  deliveries: CallbackSender['deliveries'];
  /** Resolves when all notifications sent so far were answered. */
  idle(): Promise<void>;
  close(): Promise<void>;
};

const token = () => randomBytes(16).toString('hex');
const newTxnid = () => `MP${Date.now().toString().slice(-6)}.${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}.A${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}`;

function orangeError(status: number, code: number, message: string): SimResponse {
  return { status, body: { code, message, description: message } };
}

export async function startOrangeMoneySimulator(options: OrangeMoneySimulatorOptions = {}): Promise<OrangeMoneySimulator> {
  const credentials = SIMULATOR_CREDENTIALS.orangeMoney;
  let switches = defaultSwitches();
  const payments = new Map<string, WebPayment>();
  const tokens = new Set<string>();
  const sender = new CallbackSender();
  let baseUrl = '';

  function notify(payment: WebPayment): void {
    const cb = switches.callbacks;
    if (cb.mode === 'never') return;
    // Forgeries: a success claimed for a payment that did not succeed (with the right token), or a notification with someone else's token.
    const falseSuccess = cb.forge === 'false-success' && payment.status !== 'SUCCESS';
    const claimed = falseSuccess ? 'SUCCESS' : payment.status;
    const txnid = falseSuccess ? newTxnid() : (payment.txnid ?? '');
    const notifToken = cb.forge === 'wrong-notif-token' ? token() : payment.notifToken;
    const bodies = [JSON.stringify({ status: claimed, notif_token: notifToken, txnid })];
    // Out of order: a stale INITIATED arrives after the final word.
    if (cb.outOfOrder) bodies.push(JSON.stringify({ status: 'INITIATED', notif_token: notifToken, txnid: '' }));
    const label = `notification ${claimed}${falseSuccess || cb.forge === 'wrong-notif-token' ? ' (forged)' : ''}`;
    for (const body of bodies) {
      for (let copy = 0; copy <= cb.duplicates; copy += 1) {
        sender.send({ url: payment.notifUrl, method: 'POST', headers: { 'content-type': 'application/json' }, body, label }, cb.delayMs);
      }
    }
  }

  function settle(payment: WebPayment, outcome: 'pay' | 'cancel'): void {
    if (payment.status !== 'INITIATED' && payment.status !== 'PENDING') return;
    if (switches.pendingForever) {
      payment.status = 'PENDING';
      return;
    }
    if (switches.expire) payment.status = 'EXPIRED';
    else if (outcome === 'cancel' || switches.decline) payment.status = 'FAILED';
    else {
      payment.status = 'SUCCESS';
      payment.txnid = newTxnid();
      // The amount switch: Orange settled another amount than the order's.
      payment.settledAmount = payment.amount + switches.amountDelta;
    }
    notify(payment);
  }

  function paymentPage(payment: WebPayment): string {
    const done = payment.status !== 'INITIATED' && payment.status !== 'PENDING';
    return page(
      'Orange Money (simulateur)',
      `<p class="amount" data-testid="amount">${payment.amount} ${escapeHtml(payment.currency)}</p><p>${escapeHtml(payment.reference)}</p>${
        done
          ? `<p data-testid="status">${payment.status}</p>`
          : `<form method="post" action="/webpayment/${escapeHtml(payment.payToken)}">
<label>Numéro Orange Money <input name="msisdn" value="224620000000"></label>
<p><button type="submit" name="outcome" value="pay" data-testid="pay">Payer</button>
<button type="submit" name="outcome" value="cancel" data-testid="cancel">Annuler</button></p></form>`
      }`,
    );
  }

  function authorised(req: SimRequest): SimResponse | undefined {
    const fault = faultAnswer(switches, () => orangeError(401, 42, 'Expired credentials'), (status) => orangeError(status, 5000, 'Simulated Orange outage'));
    if (fault) return fault;
    const accessToken = bearer(req.headers);
    if (!accessToken || !tokens.has(accessToken)) return orangeError(401, 42, 'Expired credentials');
    return undefined;
  }

  function control(req: SimRequest, parts: string[]): SimResponse {
    if (parts[1] === 'switches' && req.method === 'POST') {
      const patch = parseJson(req.rawBody) as SwitchesPatch | undefined;
      if (!patch) return { status: 400, body: { error: { code: 'SIMULATOR_BAD_SWITCHES', message: 'send a JSON object of switches', details: null } } };
      switches = applyPatch(switches, patch);
      return { status: 200, body: { switches } };
    }
    if (parts[1] === 'state') return { status: 200, body: { switches, payments: [...payments.values()], deliveries: sender.deliveries } };
    return { status: 404, body: { error: { code: 'NOT_FOUND', message: 'unknown simulator control', details: null } } };
  }

  function handle(req: SimRequest): SimResponse {
    const parts = req.path.split('/').filter(Boolean);
    if (parts[0] === 'webpayment' && parts[1]) {
      const payment = payments.get(parts[1]);
      if (!payment) return { status: 404, html: page('Orange Money (simulateur)', '<p>Paiement introuvable ou expiré.</p>') };
      if (req.method === 'GET') return { status: 200, html: paymentPage(payment) };
      const form = parseForm(req.rawBody.toString('utf8'));
      settle(payment, form.outcome === 'cancel' ? 'cancel' : 'pay');
      return { status: 303, redirect: payment.status === 'SUCCESS' || payment.status === 'PENDING' ? payment.returnUrl : payment.cancelUrl };
    }
    if (parts[0] === '__simulator') return control(req, parts);
    if (req.path === '/oauth/v3/token' && req.method === 'POST') {
      const fault = faultAnswer(switches, () => orangeError(401, 42, 'Invalid credentials'), (status) => orangeError(status, 5000, 'Simulated Orange outage'));
      if (fault) return fault;
      if (header(req.headers, 'authorization') !== credentials.authorization) return orangeError(401, 42, 'Invalid credentials');
      if (new URLSearchParams(req.rawBody.toString('utf8')).get('grant_type') !== 'client_credentials') return orangeError(400, 1001, 'grant_type must be client_credentials');
      const accessToken = token();
      tokens.add(accessToken);
      return { status: 200, body: { token_type: 'Bearer', access_token: accessToken, expires_in: 7776000 } };
    }
    if (parts[0] !== 'orange-money-webpay' || parts[2] !== 'v1' || req.method !== 'POST') return orangeError(404, 404, 'Resource not found');
    const denied = authorised(req);
    if (denied) return denied;
    const body = parseJson(req.rawBody);
    if (!body) return orangeError(400, 1001, 'Invalid JSON body');

    if (parts[3] === 'webpayment') {
      if (body.merchant_key !== credentials.merchantKey) return orangeError(400, 1001, 'Invalid merchant key');
      const amount = Number(body.amount);
      for (const field of ['order_id', 'currency', 'return_url', 'cancel_url', 'notif_url'] as const) {
        if (typeof body[field] !== 'string' || !body[field]) return orangeError(400, 1001, `Missing ${field}`);
      }
      if (!Number.isSafeInteger(amount) || amount <= 0) return orangeError(400, 1001, 'Invalid amount');
      const duplicate = [...payments.values()].find((p) => p.orderId === body.order_id);
      if (duplicate) return orangeError(400, 1001, 'Duplicate order_id');
      const payment: WebPayment = {
        payToken: token(), notifToken: token(), orderId: String(body.order_id), amount, currency: String(body.currency),
        returnUrl: String(body.return_url), cancelUrl: String(body.cancel_url), notifUrl: String(body.notif_url),
        reference: String(body.reference ?? ''), status: 'INITIATED',
      };
      payments.set(payment.payToken, payment);
      return {
        status: 201,
        body: { status: 201, message: 'OK', pay_token: payment.payToken, payment_url: `${baseUrl}/webpayment/${payment.payToken}`, notif_token: payment.notifToken },
      };
    }
    if (parts[3] === 'transactionstatus') {
      const payment = typeof body.pay_token === 'string' ? payments.get(body.pay_token) : undefined;
      if (!payment || payment.orderId !== body.order_id || payment.amount !== Number(body.amount)) return orangeError(400, 1001, 'Transaction not found');
      const reported = payment.settledAmount ?? payment.amount;
      return { status: 201, body: { status: payment.status, order_id: payment.orderId, amount: reported, txnid: payment.txnid ?? null } };
    }
    return orangeError(404, 404, 'Resource not found');
  }

  const server = await startServer(handle, { ...(options.port === undefined ? {} : { port: options.port }), ...(options.host ? { host: options.host } : {}) });
  baseUrl = server.baseUrl;
  return {
    baseUrl,
    get switches() {
      return switches;
    },
    setSwitches(patch) {
      switches = applyPatch(switches, patch);
    },
    reset() {
      switches = defaultSwitches();
    },
    pay(payToken, outcome = 'pay') {
      const payment = payments.get(payToken);
      if (!payment) throw new Error(`no web payment ${payToken}`);
      settle(payment, outcome);
    },
    expire(payToken) {
      const payment = payments.get(payToken);
      if (!payment) throw new Error(`no web payment ${payToken}`);
      if (payment.status === 'INITIATED' || payment.status === 'PENDING') payment.status = 'EXPIRED';
    },
    expireTokens() {
      tokens.clear();
    },
    payments,
    deliveries: sender.deliveries,
    idle: () => sender.idle(),
    async close() {
      sender.close();
      await server.close();
    },
  };
}
