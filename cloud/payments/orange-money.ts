import { timingSafeEqual } from 'node:crypto';
import { currencyExponent, isCurrencyCode } from '../../shared/money.js';
import { PaymentProviderError } from './errors.js';
import { asRecord, asString, requestJson, tokenCache } from './http-client.js';
import { eventFromStatus, rawBodyText } from './provider.js';
import type { PaymentProvider, PaymentRef, PaymentStatus, StatusResult } from './provider.js';

export type OrangeMoneyConfig = {
  /** https://api.orange.com or a simulator. */
  apiBaseUrl: string;
  /** ORANGE_MOMO_API_KEY: the Basic authorization of the app (base64 of client id and secret), with or without the `Basic ` prefix. */
  authorization: string;
  merchantKey: string;
  /** Path segment of the WebPay API: `dev` in the sandbox, the country code in production. */
  env: string;
  /** The sandbox only knows the test currency OUV. */
  currencyOverride?: string;
  lang?: 'fr' | 'en';
  timeoutMs?: number;
};

const PROVIDER = 'orange-money' as const;

export function orangeStatus(status: string | undefined): PaymentStatus {
  switch (status) {
    case 'SUCCESS':
      return 'succeeded';
    case 'FAILED':
      return 'failed';
    case 'EXPIRED':
      return 'expired';
    default:
      return 'pending';
  }
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function createOrangeMoneyProvider(config: OrangeMoneyConfig): PaymentProvider {
  const base = config.apiBaseUrl.replace(/\/$/, '');
  const webpay = `${base}/orange-money-webpay/${encodeURIComponent(config.env)}/v1`;
  const timeoutMs = config.timeoutMs ?? 15_000;
  const authorization = config.authorization.startsWith('Basic ') ? config.authorization : `Basic ${config.authorization}`;
  const token = tokenCache(async () => {
    const response = await requestJson(PROVIDER, 'token', `${base}/oauth/v3/token`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: 'grant_type=client_credentials',
      timeoutMs,
      accept: [200],
    });
    const body = asRecord(response.body);
    const accessToken = asString(body.access_token);
    if (!accessToken) throw new PaymentProviderError({ code: 'PAYMENT_PROVIDER_UNAVAILABLE', provider: PROVIDER, message: 'orange-money token answer had no access_token', retryable: true });
    return { token: accessToken, expiresInSeconds: Number(body.expires_in ?? 3600) };
  });

  async function call(what: string, path: string, body: unknown, accept: number[]) {
    const send = async () =>
      requestJson(PROVIDER, what, `${webpay}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await token.get()}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        timeoutMs,
        accept,
      });
    try {
      return await send();
    } catch (error) {
      if (error instanceof PaymentProviderError && error.code === 'PAYMENT_PROVIDER_UNAUTHORIZED') {
        token.clear();
        return send();
      }
      throw error;
    }
  }

  async function status(ref: PaymentRef): Promise<StatusResult> {
    const payToken = ref.secrets?.payToken;
    if (!payToken) throw new PaymentProviderError({ code: 'PAYMENT_INVALID_REQUEST', provider: PROVIDER, message: 'the payment record has no pay_token' });
    // The status is looked up by order, amount and pay_token together: a SUCCESS is a success for our amount.
    const response = await call('transaction status', '/transactionstatus', { order_id: ref.paymentId, amount: ref.amount, pay_token: payToken }, [200, 201]);
    const body = asRecord(response.body);
    const txnid = asString(body.txnid);
    const reportedAmount = body.amount === undefined || body.amount === null ? ref.amount : Number(body.amount);
    return {
      provider: PROVIDER,
      providerReference: ref.providerReference,
      status: orangeStatus(asString(body.status)),
      amount: reportedAmount,
      currency: ref.currency,
      // The query names our order and amount; an answer about another order or amount is not our payment's.
      amountCheck: asString(body.order_id) === ref.paymentId && reportedAmount === ref.amount ? 'match' : 'mismatch',
      ...(txnid ? { transactionId: txnid } : {}),
      raw: body,
    };
  }

  return {
    name: PROVIDER,
    async initiate(input) {
      if (!isCurrencyCode(input.currency) || currencyExponent(input.currency) !== 0) {
        throw new PaymentProviderError({ code: 'PAYMENT_CURRENCY_UNSUPPORTED', provider: PROVIDER, message: `Orange Money WebPay takes whole amounts of XOF, GNF or XAF, not ${input.currency}` });
      }
      if (!input.returnUrl || !input.callbackUrl) {
        throw new PaymentProviderError({ code: 'PAYMENT_INVALID_REQUEST', provider: PROVIDER, message: 'Orange Money needs a return URL and a notification URL' });
      }
      const response = await call(
        'web payment',
        '/webpayment',
        {
          merchant_key: config.merchantKey,
          currency: config.currencyOverride ?? input.currency,
          order_id: input.paymentId,
          amount: input.amount,
          return_url: input.returnUrl,
          cancel_url: input.cancelUrl ?? input.returnUrl,
          notif_url: input.callbackUrl,
          lang: config.lang ?? 'fr',
          reference: (input.description ?? 'AfriGest').slice(0, 30),
        },
        [200, 201],
      );
      const body = asRecord(response.body);
      const payToken = asString(body.pay_token);
      const paymentUrl = asString(body.payment_url);
      const notifToken = asString(body.notif_token);
      if (!payToken || !paymentUrl || !notifToken) {
        throw new PaymentProviderError({ code: 'PAYMENT_PROVIDER_UNAVAILABLE', provider: PROVIDER, message: 'orange-money web payment answer lacked pay_token, payment_url or notif_token', retryable: true });
      }
      return {
        provider: PROVIDER,
        providerReference: payToken,
        status: 'pending',
        redirectUrl: paymentUrl,
        secrets: { payToken, notifToken },
        raw: { status: body.status, message: body.message, payment_url: paymentUrl },
      };
    },

    status,

    /**
     * The notification carries only status, notif_token and txnid. It counts only if its notif_token
     * is the one Orange gave us for a payment we know, and even then the outcome comes from a
     * transaction-status query, never from the notification's own status.
     */
    async verifyCallback(input, context) {
      let body: Record<string, unknown>;
      try {
        body = asRecord(JSON.parse(rawBodyText(input.rawBody)));
      } catch {
        return { ok: false, reason: 'notification body is not JSON' };
      }
      const notifToken = asString(body.notif_token);
      if (!notifToken) return { ok: false, reason: 'notification has no notif_token' };
      if (!context?.findPayment) return { ok: false, reason: 'a notif_token can only be matched with a payment lookup' };
      const ref = await context.findPayment({ notifToken });
      const stored = ref?.secrets?.notifToken;
      if (!ref || !stored || !sameToken(stored, notifToken)) return { ok: false, reason: 'notif_token matches no payment' };
      const result = await status(ref);
      const claimed = asString(body.status);
      const event = eventFromStatus(result, 'notif-token+status', ref.paymentId);
      const disagrees = claimed !== undefined && orangeStatus(claimed) !== result.status;
      return { ok: true, events: [disagrees ? { ...event, reason: `notification claimed ${claimed}, status query says ${asString(asRecord(result.raw).status) ?? 'nothing'}` } : event] };
    },
  };
}
