import http from 'node:http';
import https from 'node:https';
import {
  ApiError,
  CheckoutPaymentIntent,
  Client,
  Environment,
  OrdersController,
  PaymentsController,
  PaypalExperienceUserAction,
} from '@paypal/paypal-server-sdk';
import type { Order } from '@paypal/paypal-server-sdk';
import { divideRounded, isCurrencyCode, parseMajor, toMajorString } from '../../shared/money.js';
import { convertMinor } from './conversion.js';
import { errorFromStatus, PaymentProviderError } from './errors.js';
import { asRecord, asString, requestJson, tokenCache } from './http-client.js';
import { annotateAmounts, checkAmount, expectedMoney, headerValue, rawBodyText } from './provider.js';
import type { InitiateResult, NormalisedEvent, PaymentAction, PaymentProvider, PaymentRef, PaymentStatus, StatusResult } from './provider.js';

/** Currencies PayPal settles that shared/money.ts knows; GNF and XOF are not among them. */
export const PAYPAL_CURRENCIES: ReadonlySet<string> = new Set(['EUR', 'USD', 'GBP', 'CAD']);

export type PaypalConfig = {
  clientId: string;
  clientSecret: string;
  environment: 'sandbox' | 'live';
  /** The id PayPal gave the webhook subscription; verification fails without it. */
  webhookId: string;
  /** Overrides the environment's host (the simulator); the SDK itself knows only PayPal's two hosts. */
  apiBaseUrl?: string;
  /** Currency charged when the order's is not one PayPal takes. */
  chargeCurrency: string;
  /** Decimal text per source currency: units of chargeCurrency for one unit of it ("0.000105" for GNF → EUR). */
  rates: Record<string, string>;
  timeoutMs?: number;
};

const PROVIDER = 'paypal' as const;

export function paypalBaseUrl(config: Pick<PaypalConfig, 'environment' | 'apiBaseUrl'>): string {
  return (config.apiBaseUrl ?? (config.environment === 'live' ? 'https://api-m.paypal.com' : 'https://api-m.sandbox.paypal.com')).replace(/\/$/, '');
}

/**
 * An axios transport (an option of the HTTP client the SDK is built on) that sends the SDK's
 * requests to another base URL: the SDK builds, authenticates and parses exactly as against
 * PayPal, only the socket goes elsewhere.
 */
function redirectTransport(baseUrl: string) {
  const target = new URL(baseUrl);
  const module = target.protocol === 'https:' ? https : http;
  const prefix = target.pathname.replace(/\/$/, '');
  return {
    request(options: http.RequestOptions, callback: (res: http.IncomingMessage) => void) {
      const { agent: _ignored, ...rest } = options;
      return module.request(
        {
          ...rest,
          protocol: target.protocol,
          hostname: target.hostname,
          host: target.hostname,
          port: target.port || (target.protocol === 'https:' ? 443 : 80),
          path: `${prefix}${options.path ?? '/'}`,
          headers: { ...options.headers, host: target.host },
        },
        callback,
      );
    },
  };
}

function moneyOf(value: unknown): { amount?: number; currency?: string } {
  const record = asRecord(value);
  const currency = asString(record.currency_code ?? record.currencyCode);
  const text = asString(record.value);
  if (!currency || text === undefined || !isCurrencyCode(currency)) return currency ? { currency } : {};
  try {
    return { amount: parseMajor(text, currency), currency };
  } catch {
    return { currency };
  }
}

function captureStatus(status: string | undefined): PaymentStatus {
  switch (status) {
    case 'COMPLETED':
      return 'succeeded';
    case 'DECLINED':
    case 'FAILED':
      return 'failed';
    case 'REFUNDED':
    case 'PARTIALLY_REFUNDED':
      return 'refunded';
    default:
      return 'pending';
  }
}

function toProviderError(error: unknown, what: string): unknown {
  if (error instanceof PaymentProviderError) return error;
  if (error instanceof ApiError) {
    const result = asRecord((error as { result?: unknown }).result);
    return errorFromStatus(PROVIDER, error.statusCode, what, { providerError: { name: result.name ?? result.error, message: result.message ?? result.error_description } });
  }
  return new PaymentProviderError({ code: 'PAYMENT_PROVIDER_UNAVAILABLE', provider: PROVIDER, message: `paypal did not answer ${what}`, retryable: true, cause: error });
}

/** The order's amount in a currency PayPal accepts, with the rate the customer is shown. */
export function paypalCharge(config: Pick<PaypalConfig, 'chargeCurrency' | 'rates'>, amount: number, currency: string): { amount: number; currency: string; rate: string } {
  if (PAYPAL_CURRENCIES.has(currency)) return { amount, currency, rate: '1' };
  const rate = config.rates[currency];
  if (!rate || !PAYPAL_CURRENCIES.has(config.chargeCurrency)) {
    throw new PaymentProviderError({ code: 'PAYMENT_CURRENCY_UNSUPPORTED', provider: PROVIDER, message: `PayPal does not take ${currency} and no rate to ${config.chargeCurrency} is configured` });
  }
  const converted = convertMinor(amount, currency, config.chargeCurrency, rate);
  if (converted <= 0) throw new PaymentProviderError({ code: 'PAYMENT_INVALID_REQUEST', provider: PROVIDER, message: 'the converted amount is zero' });
  return { amount: converted, currency: config.chargeCurrency, rate };
}

export function createPaypalProvider(config: PaypalConfig): PaymentProvider {
  const base = paypalBaseUrl(config);
  const client = new Client({
    clientCredentialsAuthCredentials: { oAuthClientId: config.clientId, oAuthClientSecret: config.clientSecret },
    environment: config.environment === 'live' ? Environment.Production : Environment.Sandbox,
    timeout: config.timeoutMs ?? 20_000,
    ...(config.apiBaseUrl ? { unstable_httpClientOptions: { transport: redirectTransport(config.apiBaseUrl) } } : {}),
  });
  const orders = new OrdersController(client);
  const payments = new PaymentsController(client);
  // verify-webhook-signature is not in the server SDK: a plain call with a token of our own.
  const verifyToken = tokenCache(async () => {
    const response = await requestJson(PROVIDER, 'token', `${base}/v1/oauth2/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${config.clientId}:${config.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
      accept: [200],
    });
    const body = asRecord(response.body);
    const token = asString(body.access_token);
    if (!token) throw new PaymentProviderError({ code: 'PAYMENT_PROVIDER_UNAVAILABLE', provider: PROVIDER, message: 'paypal token answer had no access_token', retryable: true });
    return { token, expiresInSeconds: Number(body.expires_in ?? 3600) };
  });

  function statusOf(order: Order, ref?: PaymentRef): StatusResult {
    const unit = order.purchaseUnits?.[0];
    const capture = unit?.payments?.captures?.[0];
    let status: PaymentStatus;
    switch (order.status) {
      case 'COMPLETED':
        status = captureStatus(capture?.status);
        break;
      case 'APPROVED':
        status = 'requires-completion';
        break;
      case 'VOIDED':
        status = 'expired';
        break;
      default:
        status = 'pending';
    }
    const reported = capture?.amount ? moneyOf(capture.amount) : moneyOf(unit?.amount);
    return {
      provider: PROVIDER,
      providerReference: order.id ?? ref?.providerReference ?? '',
      status,
      ...reported,
      amountCheck: ref ? checkAmount(expectedMoney(ref), reported) : 'unknown',
      ...(capture?.id ? { transactionId: capture.id } : {}),
      ...(capture?.statusDetails?.reason ? { reason: String(capture.statusDetails.reason) } : {}),
      raw: order,
    };
  }

  async function getOrder(id: string): Promise<Order> {
    try {
      return (await orders.getOrder({ id })).result;
    } catch (error) {
      throw toProviderError(error, 'order retrieval');
    }
  }

  function eventOf(event: Record<string, unknown>): NormalisedEvent | undefined {
    const type = asString(event.event_type);
    const resource = asRecord(event.resource);
    const id = asString(event.id);
    if (!type || !id) return undefined;
    const base = { provider: PROVIDER, providerEventId: id, verifiedBy: 'verify-endpoint' as const, amountCheck: 'unknown' as const, raw: event, ...(asString(event.create_time) ? { occurredAt: asString(event.create_time) } : {}) };
    if (type.startsWith('CHECKOUT.ORDER.')) {
      const unit = asRecord((resource.purchase_units as unknown[] | undefined)?.[0]);
      const paymentId = asString(unit.custom_id) ?? asString(unit.reference_id);
      const action: PaymentAction | undefined = type === 'CHECKOUT.ORDER.APPROVED' ? 'requires-completion' : type === 'CHECKOUT.ORDER.VOIDED' ? 'expired' : undefined;
      const orderId = asString(resource.id);
      if (!action || !orderId) return undefined;
      return { ...base, providerReference: orderId, ...(paymentId ? { paymentId } : {}), action, ...moneyOf(unit.amount) };
    }
    if (type.startsWith('PAYMENT.CAPTURE.')) {
      const actions: Record<string, PaymentAction> = {
        'PAYMENT.CAPTURE.COMPLETED': 'succeeded',
        'PAYMENT.CAPTURE.DENIED': 'failed',
        'PAYMENT.CAPTURE.DECLINED': 'failed',
        'PAYMENT.CAPTURE.PENDING': 'pending',
        'PAYMENT.CAPTURE.REFUNDED': 'refunded',
        'PAYMENT.CAPTURE.REVERSED': 'refunded',
      };
      const action = actions[type];
      if (!action) return undefined;
      const orderId = asString(asRecord(asRecord(resource.supplementary_data).related_ids).order_id);
      const paymentId = asString(resource.custom_id);
      const reference = orderId ?? paymentId ?? asString(resource.id);
      if (!reference) return undefined;
      const transactionId = asString(resource.id);
      return { ...base, providerReference: reference, ...(paymentId ? { paymentId } : {}), action, ...moneyOf(resource.amount), ...(transactionId ? { transactionId } : {}) };
    }
    return undefined;
  }

  return {
    name: PROVIDER,
    async initiate(input): Promise<InitiateResult> {
      const charge = paypalCharge(config, input.amount, input.currency);
      if (!isCurrencyCode(charge.currency)) throw new PaymentProviderError({ code: 'PAYMENT_CURRENCY_UNSUPPORTED', provider: PROVIDER, message: `unknown currency ${charge.currency}` });
      let order: Order;
      try {
        const response = await orders.createOrder({
          paypalRequestId: input.idempotencyKey,
          prefer: 'return=representation',
          body: {
            intent: CheckoutPaymentIntent.Capture,
            purchaseUnits: [
              {
                referenceId: input.paymentId,
                customId: input.paymentId,
                ...(input.description ? { description: input.description.slice(0, 127) } : {}),
                amount: { currencyCode: charge.currency, value: toMajorString(charge.amount, charge.currency) },
              },
            ],
            paymentSource: {
              paypal: {
                experienceContext: {
                  userAction: PaypalExperienceUserAction.PayNow,
                  ...(input.returnUrl ? { returnUrl: input.returnUrl } : {}),
                  ...(input.cancelUrl ?? input.returnUrl ? { cancelUrl: input.cancelUrl ?? input.returnUrl } : {}),
                },
              },
            },
          },
        });
        order = response.result;
      } catch (error) {
        throw toProviderError(error, 'order creation');
      }
      const approve = order.links?.find((link) => link.rel === 'payer-action' || link.rel === 'approve');
      if (!order.id) throw new PaymentProviderError({ code: 'PAYMENT_PROVIDER_UNAVAILABLE', provider: PROVIDER, message: 'paypal order answer had no id', retryable: true });
      return {
        provider: PROVIDER,
        providerReference: order.id,
        status: statusOf(order).status,
        ...(approve ? { redirectUrl: approve.href } : {}),
        ...(charge.currency !== input.currency ? { charged: charge } : {}),
        raw: order,
      };
    },

    async status(ref) {
      return statusOf(await getOrder(ref.providerReference), ref);
    },

    async complete(ref, idempotencyKey) {
      try {
        const response = await orders.captureOrder({ id: ref.providerReference, paypalRequestId: idempotencyKey, prefer: 'return=representation' });
        return statusOf(response.result, ref);
      } catch (error) {
        // An order captured by an earlier attempt answers 422: its current state is the answer.
        if (error instanceof ApiError && error.statusCode === 422) return statusOf(await getOrder(ref.providerReference), ref);
        throw toProviderError(error, 'order capture');
      }
    },

    async verifyCallback(input, context) {
      const text = rawBodyText(input.rawBody);
      let event: Record<string, unknown>;
      try {
        event = asRecord(JSON.parse(text));
      } catch {
        return { ok: false, reason: 'webhook body is not JSON' };
      }
      const names = ['paypal-auth-algo', 'paypal-cert-url', 'paypal-transmission-id', 'paypal-transmission-sig', 'paypal-transmission-time'] as const;
      const values = names.map((name) => headerValue(input.headers, name));
      if (values.some((value) => !value)) return { ok: false, reason: 'missing PayPal transmission headers' };
      const [authAlgo, certUrl, transmissionId, transmissionSig, transmissionTime] = values as string[];
      // The event goes back byte for byte: PayPal's signature covers the body as it was sent, not a re-serialisation.
      const body = `{"auth_algo":${JSON.stringify(authAlgo)},"cert_url":${JSON.stringify(certUrl)},"transmission_id":${JSON.stringify(transmissionId)},"transmission_sig":${JSON.stringify(transmissionSig)},"transmission_time":${JSON.stringify(transmissionTime)},"webhook_id":${JSON.stringify(config.webhookId)},"webhook_event":${text}}`;
      const send = async () =>
        requestJson(PROVIDER, 'webhook verification', `${base}/v1/notifications/verify-webhook-signature`, {
          method: 'POST',
          headers: { authorization: `Bearer ${await verifyToken.get()}`, 'content-type': 'application/json' },
          body,
          accept: [200],
          ...(config.timeoutMs ? { timeoutMs: config.timeoutMs } : {}),
        });
      let response;
      try {
        response = await send();
      } catch (error) {
        if (!(error instanceof PaymentProviderError) || error.code !== 'PAYMENT_PROVIDER_UNAUTHORIZED') throw error;
        verifyToken.clear();
        response = await send();
      }
      const verdict = asString(asRecord(response.body).verification_status);
      if (verdict !== 'SUCCESS') return { ok: false, reason: `paypal verification answered ${verdict ?? 'nothing'}` };
      const normalised = eventOf(event);
      return { ok: true, events: await annotateAmounts(normalised ? [normalised] : [], context) };
    },

    async refund(input) {
      const current = statusOf(await getOrder(input.ref.providerReference), input.ref);
      if (!current.transactionId) throw new PaymentProviderError({ code: 'PAYMENT_INVALID_REQUEST', provider: PROVIDER, message: 'nothing captured to refund' });
      const charged = expectedMoney(input.ref);
      // A partial refund in the order's currency is the same share of what PayPal charged.
      const amount = input.amount === undefined ? undefined : input.ref.charged ? divideRounded(BigInt(input.amount) * BigInt(charged.amount), BigInt(input.ref.amount)) : input.amount;
      if (amount !== undefined && !isCurrencyCode(charged.currency)) throw new PaymentProviderError({ code: 'PAYMENT_CURRENCY_UNSUPPORTED', provider: PROVIDER, message: `unknown currency ${charged.currency}` });
      try {
        const response = await payments.refundCapturedPayment({
          captureId: current.transactionId,
          paypalRequestId: input.idempotencyKey,
          prefer: 'return=representation',
          body: {
            customId: input.ref.paymentId,
            ...(amount !== undefined && isCurrencyCode(charged.currency) ? { amount: { currencyCode: charged.currency, value: toMajorString(amount, charged.currency) } } : {}),
            ...(input.reason ? { noteToPayer: input.reason.slice(0, 255) } : {}),
          },
        });
        const refund = response.result;
        const money = moneyOf(refund.amount);
        const status = refund.status === 'COMPLETED' ? 'succeeded' : refund.status === 'FAILED' || refund.status === 'CANCELLED' ? 'failed' : 'pending';
        return { provider: PROVIDER, refundReference: refund.id ?? '', status, ...money, raw: refund };
      } catch (error) {
        throw toProviderError(error, 'refund');
      }
    },
  };
}
