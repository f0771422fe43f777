import Stripe from 'stripe';
import { isCurrencyCode } from '../../shared/money.js';
import { errorFromStatus, PaymentProviderError } from './errors.js';
import { annotateAmounts, checkAmount, expectedMoney, headerValue } from './provider.js';
import type { InitiateResult, NormalisedEvent, PaymentProvider, PaymentRef, PaymentStatus, StatusResult } from './provider.js';

export type StripeAdapterConfig = {
  secretKey: string;
  webhookSecret: string;
  /** Simulator or proxy, e.g. http://127.0.0.1:4010; Stripe's own API when absent. */
  apiBaseUrl?: string;
  /**
   * A hosted page taking `/{intentId}?client_secret=…&return_url=…` (the simulator's). In live mode
   * the storefront confirms with Stripe.js and the client secret instead.
   */
  hostedPageBaseUrl?: string;
  maxNetworkRetries?: number;
  timeoutMs?: number;
  /** Seconds a signed webhook stays acceptable; Stripe's default is 300. */
  webhookToleranceSeconds?: number;
};

/** Builds the SDK client; host/port/protocol are the SDK's own options, so the simulator sees real SDK requests. */
export function createStripeClient(config: StripeAdapterConfig): Stripe {
  const options: Stripe.StripeConfig = {
    maxNetworkRetries: config.maxNetworkRetries ?? 2,
    timeout: config.timeoutMs ?? 20_000,
    telemetry: false,
  };
  if (config.apiBaseUrl) {
    const url = new URL(config.apiBaseUrl);
    options.host = url.hostname;
    options.port = url.port || (url.protocol === 'https:' ? 443 : 80);
    options.protocol = url.protocol === 'https:' ? 'https' : 'http';
  }
  return new Stripe(config.secretKey, options);
}

/** Stripe's amount is in the currency's smallest unit, and GNF/XOF are zero-decimal for Stripe as in shared/money.ts. */
function assertCurrency(currency: string): void {
  if (!isCurrencyCode(currency.toUpperCase())) {
    throw new PaymentProviderError({ code: 'PAYMENT_CURRENCY_UNSUPPORTED', provider: 'stripe', message: `no minor-unit rule known for ${currency}` });
  }
}

export function stripeIntentStatus(intent: Pick<Stripe.PaymentIntent, 'status' | 'cancellation_reason' | 'last_payment_error'>): { status: PaymentStatus; reason?: string } {
  switch (intent.status) {
    case 'succeeded':
      return { status: 'succeeded' };
    case 'canceled':
      // Stripe cancels abandoned or automatically expired intents itself: that is an expiry, not a refusal.
      return intent.cancellation_reason === 'abandoned' || intent.cancellation_reason === 'automatic'
        ? { status: 'expired', reason: intent.cancellation_reason }
        : { status: 'failed', reason: intent.cancellation_reason ?? 'canceled' };
    case 'requires_payment_method':
      return intent.last_payment_error
        ? { status: 'failed', reason: intent.last_payment_error.decline_code ?? intent.last_payment_error.code ?? 'payment_failed' }
        : { status: 'pending' };
    default:
      return { status: 'pending' };
  }
}

function reportedAmount(intent: Stripe.PaymentIntent): number {
  return intent.status === 'succeeded' ? intent.amount_received : intent.amount;
}

function toProviderError(error: unknown, what: string): unknown {
  if (error instanceof Stripe.errors.StripeError) {
    const status = error.statusCode ?? 0;
    if (status === 0) {
      return new PaymentProviderError({ code: 'PAYMENT_PROVIDER_UNAVAILABLE', provider: 'stripe', message: `stripe did not answer ${what}`, retryable: true, cause: error });
    }
    if (error.type === 'StripeIdempotencyError') {
      return new PaymentProviderError({ code: 'PAYMENT_IDEMPOTENCY_CONFLICT', provider: 'stripe', message: 'stripe saw this idempotency key with other parameters', httpStatus: status });
    }
    return errorFromStatus('stripe', status, what, { providerError: { code: error.code, type: error.type, declineCode: error.decline_code } });
  }
  return error;
}

export function createStripeProvider(config: StripeAdapterConfig): PaymentProvider {
  const stripe = createStripeClient(config);

  function statusResult(intent: Stripe.PaymentIntent, ref?: PaymentRef): StatusResult {
    const { status, reason } = stripeIntentStatus(intent);
    const reported = { amount: reportedAmount(intent), currency: intent.currency.toUpperCase() };
    return {
      provider: 'stripe',
      providerReference: intent.id,
      status,
      ...reported,
      amountCheck: ref ? checkAmount(expectedMoney(ref), reported) : 'unknown',
      ...(typeof intent.latest_charge === 'string' ? { transactionId: intent.latest_charge } : {}),
      ...(reason ? { reason } : {}),
      raw: intent,
    };
  }

  function eventOf(event: Stripe.Event): NormalisedEvent | undefined {
    const base = { provider: 'stripe' as const, providerEventId: event.id, occurredAt: new Date(event.created * 1000).toISOString(), verifiedBy: 'signature' as const, amountCheck: 'unknown' as const, raw: event };
    if (event.type.startsWith('payment_intent.')) {
      const intent = event.data.object as Stripe.PaymentIntent;
      const paymentId = intent.metadata?.paymentId;
      const common = { ...base, providerReference: intent.id, ...(paymentId ? { paymentId } : {}), currency: intent.currency.toUpperCase() };
      switch (event.type) {
        case 'payment_intent.succeeded':
          return { ...common, action: 'succeeded', amount: intent.amount_received, ...(typeof intent.latest_charge === 'string' ? { transactionId: intent.latest_charge } : {}) };
        case 'payment_intent.payment_failed': {
          const { reason } = stripeIntentStatus({ ...intent, status: 'requires_payment_method' });
          return { ...common, action: 'failed', amount: intent.amount, ...(reason ? { reason } : {}) };
        }
        case 'payment_intent.canceled': {
          const { status, reason } = stripeIntentStatus(intent);
          return { ...common, action: status === 'expired' ? 'expired' : 'failed', amount: intent.amount, ...(reason ? { reason } : {}) };
        }
        case 'payment_intent.processing':
          return { ...common, action: 'pending', amount: intent.amount };
        default:
          return undefined;
      }
    }
    if (event.type === 'charge.refunded') {
      const charge = event.data.object;
      const intentId = typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
      if (!intentId) return undefined;
      const paymentId = charge.metadata?.paymentId;
      return { ...base, providerReference: intentId, ...(paymentId ? { paymentId } : {}), action: 'refunded', amount: charge.amount_refunded, currency: charge.currency.toUpperCase(), transactionId: charge.id };
    }
    return undefined;
  }

  return {
    name: 'stripe',
    async initiate(input): Promise<InitiateResult> {
      assertCurrency(input.currency);
      let intent: Stripe.PaymentIntent;
      try {
        intent = await stripe.paymentIntents.create(
          {
            amount: input.amount,
            currency: input.currency.toLowerCase(),
            ...(input.description ? { description: input.description } : {}),
            ...(input.payer?.email ? { receipt_email: input.payer.email } : {}),
            metadata: { paymentId: input.paymentId },
            automatic_payment_methods: { enabled: true },
          },
          { idempotencyKey: input.idempotencyKey },
        );
      } catch (error) {
        throw toProviderError(error, 'payment intent creation');
      }
      let redirectUrl: string | undefined;
      if (config.hostedPageBaseUrl && intent.client_secret) {
        const url = new URL(`${config.hostedPageBaseUrl.replace(/\/$/, '')}/${encodeURIComponent(intent.id)}`);
        url.searchParams.set('client_secret', intent.client_secret);
        if (input.returnUrl) url.searchParams.set('return_url', input.returnUrl);
        redirectUrl = url.toString();
      }
      return {
        provider: 'stripe',
        providerReference: intent.id,
        status: stripeIntentStatus(intent).status,
        ...(redirectUrl ? { redirectUrl } : {}),
        ...(intent.client_secret ? { clientSecret: intent.client_secret } : {}),
        raw: intent,
      };
    },

    async status(ref) {
      try {
        return statusResult(await stripe.paymentIntents.retrieve(ref.providerReference), ref);
      } catch (error) {
        throw toProviderError(error, 'payment intent retrieval');
      }
    },

    async verifyCallback(input, context) {
      const signature = headerValue(input.headers, 'stripe-signature');
      if (!signature) return { ok: false, reason: 'missing Stripe-Signature header' };
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(input.rawBody, signature, config.webhookSecret, config.webhookToleranceSeconds ?? 300);
      } catch (error) {
        // The SDK's message says which check failed (no valid signature, timestamp outside tolerance).
        return { ok: false, reason: `stripe signature rejected: ${error instanceof Error ? error.message.split('\n')[0] : 'unknown'}` };
      }
      const normalised = eventOf(event);
      return { ok: true, events: await annotateAmounts(normalised ? [normalised] : [], context) };
    },

    async refund(input) {
      try {
        const refund = await stripe.refunds.create(
          { payment_intent: input.ref.providerReference, ...(input.amount !== undefined ? { amount: input.amount } : {}), metadata: { paymentId: input.ref.paymentId } },
          { idempotencyKey: input.idempotencyKey },
        );
        const status = refund.status === 'succeeded' ? 'succeeded' : refund.status === 'failed' || refund.status === 'canceled' ? 'failed' : 'pending';
        return { provider: 'stripe', refundReference: refund.id, status, amount: refund.amount, currency: refund.currency.toUpperCase(), raw: refund };
      } catch (error) {
        throw toProviderError(error, 'refund');
      }
    },
  };
}
