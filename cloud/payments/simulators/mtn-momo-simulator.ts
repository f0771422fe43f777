import { randomUUID } from 'node:crypto';
import { isCurrencyCode, parseMajor, toMajorString } from '../../../shared/money.js';
import { SIMULATOR_CREDENTIALS } from './credentials.js';
import { applyPatch, bearer, CallbackSender, defaultSwitches, escapeHtml, faultAnswer, header, hiddenInputs, page, parseForm, parseJson, startServer } from './http-kit.js';
import type { SimRequest, SimResponse, SimulatorSwitches, SwitchesPatch } from './http-kit.js';

/**
 * The part of MTN MoMo's Collection API the adapter uses: `POST /collection/token/` (Basic user id
 * and API key), `POST /collection/v1_0/requesttopay` (X-Reference-Id, X-Callback-Url, 202; 409 for
 * a reference already used) and `GET …/requesttopay/{referenceId}`. Callbacks are unsigned and
 * sent as PUT, as MTN does (POST on request). A phone page (`/phone/{msisdn}`) stands in for the
 * USSD prompt on the payer's handset; sandbox test numbers give fixed outcomes without it.
 */

type Status = 'PENDING' | 'SUCCESSFUL' | 'FAILED';

type RequestToPay = {
  referenceId: string;
  amount: string;
  currency: string;
  externalId: string;
  payer: { partyIdType: string; partyId: string };
  payerMessage: string;
  payeeNote: string;
  status: Status;
  reason?: string;
  financialTransactionId?: string;
  callbackUrl?: string;
  /** A test number's outcome is fixed: neither the phone page nor `approve` changes it. */
  fixed?: boolean;
};

type TestNumber = { scenario: string; status: Status; reason?: string };

/**
 * MTN's sandbox numbers for request to pay (momodeveloper.mtn.com, API documentation, "Testing"):
 * each drives one outcome. The sandbox reports a rejection or a timeout as FAILED with a reason;
 * "Ongoing" never ends; "Delayed" succeeds late (after `delayedMs`). MTN's sandbox makes any other
 * number succeed; here any other number waits for the payer on the phone page (or `approve`),
 * unless `autoApproveMs` is set.
 */
export const MTN_TEST_NUMBERS = {
  '46733123450': { scenario: 'failed', status: 'FAILED', reason: 'INTERNAL_PROCESSING_ERROR' },
  '46733123451': { scenario: 'rejected by the payer', status: 'FAILED', reason: 'APPROVAL_REJECTED' },
  '46733123452': { scenario: 'expired (timeout)', status: 'FAILED', reason: 'EXPIRED' },
  '46733123453': { scenario: 'ongoing: pending forever', status: 'PENDING' },
  '46733123454': { scenario: 'delayed: succeeds after delayedMs', status: 'SUCCESSFUL' },
  '46733123455': { scenario: 'payer not found', status: 'FAILED', reason: 'PAYER_NOT_FOUND' },
  '46733123456': { scenario: 'payee not allowed to receive', status: 'FAILED', reason: 'PAYEE_NOT_ALLOWED_TO_RECEIVE' },
  '46733123457': { scenario: 'not allowed', status: 'FAILED', reason: 'NOT_ALLOWED' },
  '46733123458': { scenario: 'not allowed in this target environment', status: 'FAILED', reason: 'NOT_ALLOWED_TARGET_ENVIRONMENT' },
  '46733123459': { scenario: 'invalid callback URL host', status: 'FAILED', reason: 'INVALID_CALLBACK_URL_HOST' },
  '46733123460': { scenario: 'invalid currency', status: 'FAILED', reason: 'INVALID_CURRENCY' },
  '46733123461': { scenario: 'internal processing error', status: 'FAILED', reason: 'INTERNAL_PROCESSING_ERROR' },
  '46733123462': { scenario: 'service unavailable', status: 'FAILED', reason: 'SERVICE_UNAVAILABLE' },
  '46733123463': { scenario: 'could not perform transaction (timeout)', status: 'FAILED', reason: 'COULD_NOT_PERFORM_TRANSACTION' },
} as const satisfies Record<string, TestNumber>;

/** What MTN-specific behaviour the simulator has beside the shared fault switches. */
export type MtnMomoBehaviour = {
  /** MTN's sandbox calls back with PUT; other deployments POST. */
  callbackMethod: 'PUT' | 'POST';
  /** Unset: any number that is not a test number waits for the payer. A number: the payer approves by themselves after that many ms (MTN's sandbox: any other number succeeds). */
  autoApproveMs: number | undefined;
  /** How long the "delayed" test number 46733123454 stays PENDING before it succeeds. */
  delayedMs: number;
};

export type MtnMomoSimulatorOptions = { port?: number; host?: string } & Partial<MtnMomoBehaviour>;

export type MtnMomoSimulator = {
  baseUrl: string;
  switches: SimulatorSwitches;
  setSwitches(patch: SwitchesPatch): void;
  behaviour: MtnMomoBehaviour;
  setBehaviour(patch: Partial<MtnMomoBehaviour>): void;
  /** Switches and behaviour back to their start values (requests and deliveries are kept). */
  reset(): void;
  /** The payer's handset: pending requests for this number, with approve and reject buttons. */
  phonePageUrl(msisdn: string): string;
  /** The payer's answer without a browser. */
  approve(referenceId: string, outcome?: 'approve' | 'reject'): void;
  /** The payer never answered: MTN fails the request with reason EXPIRED and calls back. */
  expire(referenceId: string): void;
  /** Forgets every access token issued (they last an hour): the next call with one gets 401. */
  expireTokens(): void;
  requests: ReadonlyMap<string, RequestToPay>;
  deliveries: CallbackSender['deliveries'];
  /** Resolves when every payer due to answer by themselves has, and every callback sent was answered. */
  idle(): Promise<void>;
  close(): Promise<void>;
};

function mtnError(status: number, code: string, message: string): SimResponse {
  return { status, body: { code, message } };
}

function transactionId(): string {
  return String(Math.floor(1e9 + Math.random() * 9e9));
}

/** `amount` (MTN's major-unit text) plus `deltaMinor` minor units of its currency. */
function shiftAmount(amount: string, currency: string, deltaMinor: number): string {
  if (deltaMinor === 0) return amount;
  if (!isCurrencyCode(currency)) return String(Number(amount) + deltaMinor);
  return toMajorString(parseMajor(amount, currency) + deltaMinor, currency);
}

export async function startMtnMomoSimulator(options: MtnMomoSimulatorOptions = {}): Promise<MtnMomoSimulator> {
  const credentials = SIMULATOR_CREDENTIALS.mtnMomo;
  const initialBehaviour = (): MtnMomoBehaviour => ({ callbackMethod: options.callbackMethod ?? 'PUT', autoApproveMs: options.autoApproveMs, delayedMs: options.delayedMs ?? 500 });
  let switches = defaultSwitches();
  let behaviour = initialBehaviour();
  const requests = new Map<string, RequestToPay>();
  const tokens = new Set<string>();
  /** Payers answering later (delayed number, auto-approval): `idle()` waits for them too. */
  const timers = new Map<NodeJS.Timeout, () => void>();
  const waits = new Set<Promise<void>>();
  const sender = new CallbackSender();

  function later(ms: number, run: () => void): void {
    const wait = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        run();
        resolve();
      }, ms);
      timers.set(timer, resolve);
    });
    waits.add(wait);
    void wait.finally(() => waits.delete(wait));
  }

  /** MTN's callback body: the request to pay as the status query would answer it. */
  function callbackBody(rtp: RequestToPay, status: Status, extra: { reason?: string; financialTransactionId?: string }): string {
    return JSON.stringify({
      ...(extra.financialTransactionId ? { financialTransactionId: extra.financialTransactionId } : {}),
      externalId: rtp.externalId,
      amount: rtp.amount,
      currency: rtp.currency,
      payer: rtp.payer,
      payeeNote: rtp.payeeNote,
      payerMessage: rtp.payerMessage,
      status,
      ...(extra.reason ? { reason: extra.reason } : {}),
    });
  }

  function callBack(rtp: RequestToPay): void {
    const cb = switches.callbacks;
    if (!rtp.callbackUrl || cb.mode === 'never') return;
    // A forger claims success (with an invented transaction id) for a payment that did not succeed: only a status query can tell.
    const forged = cb.forge === 'false-success' && rtp.status !== 'SUCCESSFUL';
    const final = forged
      ? callbackBody(rtp, 'SUCCESSFUL', { financialTransactionId: transactionId() })
      : callbackBody(rtp, rtp.status, { ...(rtp.reason ? { reason: rtp.reason } : {}), ...(rtp.financialTransactionId ? { financialTransactionId: rtp.financialTransactionId } : {}) });
    const bodies = [final];
    // Out of order: a stale PENDING arrives after the final word.
    if (cb.outOfOrder) bodies.push(callbackBody(rtp, 'PENDING', {}));
    const label = `requesttopay ${forged ? 'SUCCESSFUL (forged)' : rtp.status}`;
    for (const body of bodies) {
      for (let copy = 0; copy <= cb.duplicates; copy += 1) {
        sender.send({ url: rtp.callbackUrl, method: behaviour.callbackMethod, headers: { 'content-type': 'application/json' }, body, label }, cb.delayMs);
      }
    }
  }

  /** Moves a pending request to its final state with the current switches, then calls back. */
  function settle(rtp: RequestToPay, outcome: 'approve' | 'reject' | 'expire'): void {
    if (rtp.status !== 'PENDING' || switches.pendingForever) return;
    if (outcome === 'expire' || switches.expire) Object.assign(rtp, { status: 'FAILED', reason: 'EXPIRED' });
    else if (outcome === 'reject' || switches.decline) Object.assign(rtp, { status: 'FAILED', reason: 'APPROVAL_REJECTED' });
    else {
      // The amount switch: MTN reports (and settled) another amount than was requested.
      Object.assign(rtp, { status: 'SUCCESSFUL', financialTransactionId: transactionId(), amount: shiftAmount(rtp.amount, rtp.currency, switches.amountDelta) });
    }
    callBack(rtp);
  }

  function statusAnswer(rtp: RequestToPay): SimResponse {
    return {
      status: 200,
      body: {
        amount: rtp.amount,
        currency: rtp.currency,
        externalId: rtp.externalId,
        payer: rtp.payer,
        payerMessage: rtp.payerMessage,
        payeeNote: rtp.payeeNote,
        status: rtp.status,
        ...(rtp.financialTransactionId ? { financialTransactionId: rtp.financialTransactionId } : {}),
        ...(rtp.reason ? { reason: rtp.reason } : {}),
      },
    };
  }

  function phonePage(msisdn: string): string {
    const waiting = [...requests.values()].filter((r) => r.payer.partyId === msisdn && r.status === 'PENDING' && !r.fixed);
    const items = waiting.map(
      (r) => `<form method="post" action="/phone/${escapeHtml(msisdn)}">${hiddenInputs({ referenceId: r.referenceId })}
<p class="amount">${escapeHtml(r.amount)} ${escapeHtml(r.currency)}</p><p>${escapeHtml(r.payerMessage)}</p>
<button type="submit" name="outcome" value="approve">Approuver (code secret)</button>
<button type="submit" name="outcome" value="reject">Refuser</button></form>`,
    );
    return page(`MTN MoMo (simulateur) : ${msisdn}`, items.length ? items.join('<hr>') : '<p data-testid="nothing">Aucune demande de paiement en attente.</p>');
  }

  function authorised(req: SimRequest): SimResponse | undefined {
    const fault = faultAnswer(switches, () => mtnError(401, 'UNAUTHORIZED', 'Access denied due to invalid subscription key.'), (status) => mtnError(status, 'INTERNAL_PROCESSING_ERROR', 'Simulated MTN outage.'));
    if (fault) return fault;
    if (header(req.headers, 'ocp-apim-subscription-key') !== credentials.subscriptionKey) return mtnError(401, 'UNAUTHORIZED', 'Access denied due to invalid subscription key.');
    return undefined;
  }

  function requestToPay(req: SimRequest): SimResponse {
    const referenceId = header(req.headers, 'x-reference-id') ?? '';
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(referenceId)) return mtnError(400, 'BAD_REQUEST', 'X-Reference-Id must be a UUID.');
    const body = parseJson(req.rawBody);
    const payer = body?.payer as { partyIdType?: string; partyId?: string } | undefined;
    if (!body || typeof body.amount !== 'string' || !/^\d+(\.\d+)?$/.test(body.amount) || typeof body.currency !== 'string' || !payer?.partyId) {
      return mtnError(400, 'BAD_REQUEST', 'Invalid request body.');
    }
    // MTN refuses any reuse of a reference, same body or not: the first request stands.
    if (requests.has(referenceId)) return mtnError(409, 'RESOURCE_ALREADY_EXIST', 'Duplicated reference id. Creation of resource failed.');
    const callbackUrl = header(req.headers, 'x-callback-url');
    const rtp: RequestToPay = {
      referenceId,
      amount: body.amount,
      currency: body.currency,
      externalId: String(body.externalId ?? ''),
      payer: { partyIdType: payer.partyIdType ?? 'MSISDN', partyId: payer.partyId },
      payerMessage: String(body.payerMessage ?? ''),
      payeeNote: String(body.payeeNote ?? ''),
      status: 'PENDING',
      ...(callbackUrl ? { callbackUrl } : {}),
    };
    requests.set(referenceId, rtp);
    const fixed = (MTN_TEST_NUMBERS as Record<string, TestNumber>)[payer.partyId];
    if (fixed) {
      rtp.fixed = true;
      if (fixed.status === 'FAILED') {
        Object.assign(rtp, { status: 'FAILED', reason: fixed.reason });
        callBack(rtp);
      } else if (fixed.status === 'SUCCESSFUL') {
        later(behaviour.delayedMs, () => settle(rtp, 'approve'));
      }
    } else if (behaviour.autoApproveMs !== undefined) {
      later(behaviour.autoApproveMs, () => settle(rtp, 'approve'));
    }
    return { status: 202 };
  }

  function control(req: SimRequest, parts: string[]): SimResponse {
    if (req.method === 'POST' && (parts[1] === 'switches' || parts[1] === 'behaviour')) {
      const patch = parseJson(req.rawBody);
      if (!patch) return { status: 400, body: { error: { code: 'SIMULATOR_BAD_SWITCHES', message: 'send a JSON object of switches', details: null } } };
      if (parts[1] === 'switches') switches = applyPatch(switches, patch as SwitchesPatch);
      else behaviour = { ...behaviour, ...(patch as Partial<MtnMomoBehaviour>) };
      return { status: 200, body: { switches, behaviour } };
    }
    if (parts[1] === 'state') return { status: 200, body: { switches, behaviour, requests: [...requests.values()], deliveries: sender.deliveries } };
    return { status: 404, body: { error: { code: 'NOT_FOUND', message: 'unknown simulator control', details: null } } };
  }

  function handle(req: SimRequest): SimResponse {
    const parts = req.path.split('/').filter(Boolean);
    if (parts[0] === 'phone' && parts[1]) {
      if (req.method === 'POST') {
        const form = parseForm(req.rawBody.toString('utf8'));
        const rtp = requests.get(String(form.referenceId));
        if (rtp && rtp.payer.partyId === parts[1] && !rtp.fixed) settle(rtp, form.outcome === 'reject' ? 'reject' : 'approve');
        return { status: 303, redirect: `/phone/${encodeURIComponent(parts[1])}` };
      }
      return { status: 200, html: phonePage(parts[1]) };
    }
    if (parts[0] === '__simulator') return control(req, parts);
    if (parts[0] !== 'collection') return mtnError(404, 'RESOURCE_NOT_FOUND', 'Requested resource was not found.');
    const denied = authorised(req);
    if (denied) return denied;

    if (parts[1] === 'token' && parts.length === 2 && req.method === 'POST') {
      const basic = Buffer.from(`${credentials.userId}:${credentials.apiKey}`).toString('base64');
      if (header(req.headers, 'authorization') !== `Basic ${basic}`) return mtnError(401, 'UNAUTHORIZED', 'Invalid API user or key.');
      const token = randomUUID();
      tokens.add(token);
      return { status: 200, body: { access_token: token, token_type: 'access_token', expires_in: 3600 } };
    }
    const token = bearer(req.headers);
    if (!token || !tokens.has(token)) return mtnError(401, 'UNAUTHORIZED', 'Access token is missing or invalid.');
    if (!header(req.headers, 'x-target-environment')) return mtnError(400, 'NOT_ALLOWED_TARGET_ENVIRONMENT', 'X-Target-Environment is required.');

    if (parts[1] === 'v1_0' && parts[2] === 'requesttopay' && parts.length === 3 && req.method === 'POST') return requestToPay(req);
    if (parts[1] === 'v1_0' && parts[2] === 'requesttopay' && parts[3] && parts.length === 4 && req.method === 'GET') {
      const rtp = requests.get(parts[3]);
      if (!rtp) return mtnError(404, 'RESOURCE_NOT_FOUND', 'Requested resource was not found.');
      return statusAnswer(rtp);
    }
    return mtnError(404, 'RESOURCE_NOT_FOUND', 'Requested resource was not found.');
  }

  const server = await startServer(handle, { ...(options.port === undefined ? {} : { port: options.port }), ...(options.host ? { host: options.host } : {}) });
  return {
    baseUrl: server.baseUrl,
    get switches() {
      return switches;
    },
    setSwitches(patch) {
      switches = applyPatch(switches, patch);
    },
    get behaviour() {
      return behaviour;
    },
    setBehaviour(patch) {
      behaviour = { ...behaviour, ...patch };
    },
    reset() {
      switches = defaultSwitches();
      behaviour = initialBehaviour();
    },
    phonePageUrl: (msisdn) => `${server.baseUrl}/phone/${encodeURIComponent(msisdn)}`,
    approve(referenceId, outcome = 'approve') {
      const rtp = requests.get(referenceId);
      if (!rtp) throw new Error(`no request to pay ${referenceId}`);
      if (!rtp.fixed) settle(rtp, outcome);
    },
    expire(referenceId) {
      const rtp = requests.get(referenceId);
      if (!rtp) throw new Error(`no request to pay ${referenceId}`);
      settle(rtp, 'expire');
    },
    expireTokens() {
      tokens.clear();
    },
    requests,
    deliveries: sender.deliveries,
    async idle() {
      while (waits.size > 0) await Promise.all([...waits]);
      await sender.idle();
    },
    async close() {
      for (const [timer, resolve] of timers) {
        clearTimeout(timer);
        resolve();
      }
      timers.clear();
      sender.close();
      await server.close();
    },
  };
}
