import { isCurrencyCode, parseMajor, toMajorString } from '../../shared/money.js';
import { PaymentProviderError } from './errors.js';
import { asRecord, asString, requestJson, tokenCache } from './http-client.js';
import { checkAmount, expectedMoney, headerValue, rawBodyText } from './provider.js';
import type { Money, PaymentProvider, PaymentRef, PaymentStatus, StatusResult } from './provider.js';

export type MtnMomoConfig = {
  /** https://sandbox.momodeveloper.mtn.com, https://proxy.momoapi.mtn.com, or a simulator. */
  baseUrl: string;
  /** Ocp-Apim-Subscription-Key of the Collection product. */
  subscriptionKey: string;
  /** API user (a UUID) and its API key: the Basic credentials of /collection/token/. */
  userId: string;
  apiKey: string;
  /** X-Target-Environment: `sandbox`, or the country's production name (e.g. mtnguineaconakry). */
  targetEnvironment: string;
  /** The sandbox only takes EUR: charge in this currency there, with the same figure. */
  currencyOverride?: string;
  timeoutMs?: number;
};

const PROVIDER = 'mtn-momo' as const;

/** MTN answers `reason` as a code string, or as `{ code, message }` on older deployments. */
function reasonOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const record = asRecord(value);
  return asString(record.code) ?? asString(record.message);
}

export function mtnStatus(status: string | undefined, reason: string | undefined): PaymentStatus {
  if (status === 'SUCCESSFUL') return 'succeeded';
  if (status === 'FAILED') return reason === 'EXPIRED' || reason === 'COULD_NOT_PERFORM_TRANSACTION' ? 'expired' : 'failed';
  return 'pending';
}

function parseAmount(amount: unknown, currency: string | undefined): number | undefined {
  const text = asString(amount);
  if (text === undefined || !currency || !isCurrencyCode(currency)) return undefined;
  try {
    return parseMajor(text, currency);
  } catch {
    return undefined;
  }
}

/**
 * What MTN is asked for when the sandbox's currency stands in for ours: the same figure (12 500 GNF
 * is requested as "12500" EUR), so in minor units of the stand-in currency (1 250 000 EUR cents).
 * Undefined when there is no stand-in, or the figure cannot be written in it.
 */
export function mtnStandIn(amount: number, currency: string, override: string | undefined): Money | undefined {
  if (!override || override === currency || !isCurrencyCode(currency) || !isCurrencyCode(override)) return undefined;
  try {
    return { amount: parseMajor(toMajorString(amount, currency), override), currency: override };
  } catch {
    return undefined;
  }
}

export function createMtnMomoProvider(config: MtnMomoConfig): PaymentProvider {
  const base = config.baseUrl.replace(/\/$/, '');
  const timeoutMs = config.timeoutMs ?? 15_000;
  const token = tokenCache(async () => {
    const basic = Buffer.from(`${config.userId}:${config.apiKey}`).toString('base64');
    const response = await requestJson(PROVIDER, 'token', `${base}/collection/token/`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'ocp-apim-subscription-key': config.subscriptionKey },
      timeoutMs,
      accept: [200],
    });
    const body = asRecord(response.body);
    const accessToken = asString(body.access_token);
    if (!accessToken) throw new PaymentProviderError({ code: 'PAYMENT_PROVIDER_UNAVAILABLE', provider: PROVIDER, message: 'mtn-momo token answer had no access_token', retryable: true });
    return { token: accessToken, expiresInSeconds: Number(body.expires_in ?? 3600) };
  });

  /** A 401 on a call usually means our cached token expired early: fetch a new one and try once more. */
  async function authorised<T>(call: (headers: Record<string, string>) => Promise<T>): Promise<T> {
    const headers = async () => ({
      authorization: `Bearer ${await token.get()}`,
      'ocp-apim-subscription-key': config.subscriptionKey,
      'x-target-environment': config.targetEnvironment,
    });
    try {
      return await call(await headers());
    } catch (error) {
      if (error instanceof PaymentProviderError && error.code === 'PAYMENT_PROVIDER_UNAUTHORIZED') {
        token.clear();
        return call(await headers());
      }
      throw error;
    }
  }

  async function status(ref: PaymentRef): Promise<StatusResult> {
    const response = await authorised((headers) =>
      requestJson(PROVIDER, 'request-to-pay status', `${base}/collection/v1_0/requesttopay/${encodeURIComponent(ref.providerReference)}`, { method: 'GET', headers, timeoutMs, accept: [200] }),
    );
    const body = asRecord(response.body);
    const reason = reasonOf(body.reason);
    const currency = asString(body.currency);
    const amount = parseAmount(body.amount, currency);
    const reported = { ...(amount !== undefined ? { amount } : {}), ...(currency ? { currency } : {}) };
    // A record without `charged` is still compared in the stand-in currency it was requested in.
    const expected = ref.charged ? expectedMoney(ref) : (mtnStandIn(ref.amount, ref.currency, config.currencyOverride) ?? expectedMoney(ref));
    const transactionId = asString(body.financialTransactionId);
    return {
      provider: PROVIDER,
      providerReference: ref.providerReference,
      status: mtnStatus(asString(body.status), reason),
      ...reported,
      amountCheck: checkAmount(expected, reported),
      ...(transactionId ? { transactionId } : {}),
      ...(reason ? { reason } : {}),
      raw: body,
    };
  }

  return {
    name: PROVIDER,
    async initiate(input) {
      const phone = input.payer?.phone?.replace(/\D/g, '');
      if (!phone) throw new PaymentProviderError({ code: 'PAYMENT_INVALID_REQUEST', provider: PROVIDER, message: 'mobile money needs the payer phone number' });
      if (!isCurrencyCode(input.currency)) throw new PaymentProviderError({ code: 'PAYMENT_CURRENCY_UNSUPPORTED', provider: PROVIDER, message: `no minor-unit rule known for ${input.currency}` });
      const currency = config.currencyOverride ?? input.currency;
      const standIn = mtnStandIn(input.amount, input.currency, config.currencyOverride);
      if (config.currencyOverride && config.currencyOverride !== input.currency && !standIn) {
        throw new PaymentProviderError({ code: 'PAYMENT_CURRENCY_UNSUPPORTED', provider: PROVIDER, message: `${input.currency} amounts cannot be requested in ${config.currencyOverride}` });
      }
      const body = {
        amount: toMajorString(input.amount, input.currency),
        currency,
        externalId: input.paymentId,
        payer: { partyIdType: 'MSISDN', partyId: phone },
        payerMessage: (input.description ?? input.paymentId).slice(0, 160),
        payeeNote: input.paymentId,
      };
      // X-Reference-Id is our payment id, so a retried initiate is the same request to MTN: 409 means it already exists.
      const response = await authorised((headers) =>
        requestJson(PROVIDER, 'request to pay', `${base}/collection/v1_0/requesttopay`, {
          method: 'POST',
          headers: {
            ...headers,
            'content-type': 'application/json',
            'x-reference-id': input.paymentId,
            ...(input.callbackUrl ? { 'x-callback-url': input.callbackUrl } : {}),
          },
          body: JSON.stringify(body),
          timeoutMs,
          accept: [202, 409],
        }),
      );
      return {
        provider: PROVIDER,
        providerReference: input.paymentId,
        status: 'pending',
        ...(standIn ? { charged: { ...standIn, rate: '1' } } : {}),
        raw: { httpStatus: response.status, duplicate: response.status === 409 },
      };
    },

    status,

    /**
     * MTN callbacks are unsigned and may come as PUT or POST, several times or never: anyone could
     * send one, so the callback only names the payment to check. The apply job answers the hint
     * with `status()` (see `resolveByStatus`), and only that answer moves the payment.
     */
    async verifyCallback(input, context) {
      if (input.method !== 'POST' && input.method !== 'PUT') return { ok: false, reason: `unexpected method ${input.method}` };
      let body: Record<string, unknown>;
      try {
        body = asRecord(JSON.parse(rawBodyText(input.rawBody)));
      } catch {
        return { ok: false, reason: 'callback body is not JSON' };
      }
      const fromQuery = input.query?.paymentId ?? input.query?.referenceId;
      const reference = (Array.isArray(fromQuery) ? fromQuery[0] : fromQuery) ?? headerValue(input.headers, 'x-reference-id') ?? asString(body.externalId);
      if (!reference) return { ok: false, reason: 'callback names no payment' };
      if (context?.findPayment && !(await context.findPayment({ providerReference: reference }))) {
        return { ok: false, reason: 'callback names an unknown payment' };
      }
      const claimed = asString(body.status) ?? 'UNKNOWN';
      return {
        ok: true,
        events: [
          {
            provider: PROVIDER,
            // Ten copies of one callback are one hint; a different claim is a different hint.
            providerEventId: `${PROVIDER}:${reference}:callback:${claimed}:${asString(body.financialTransactionId) ?? ''}`,
            providerReference: reference,
            paymentId: reference,
            action: 'check-status',
            amountCheck: 'unknown',
            reason: `callback claims ${claimed}`,
            verifiedBy: 'hint',
            raw: body,
          },
        ],
      };
    },
  };
}
