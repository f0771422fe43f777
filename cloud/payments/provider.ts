/**
 * The one contract every payment provider adapter fulfils (ARCHITECTURE §9). The database-backed
 * layer (payment records, event store, apply job, reconciliation) only ever sees these types, so a
 * provider can be swapped or simulated without touching it.
 */

export type ProviderName = 'stripe' | 'paypal' | 'mtn-momo' | 'orange-money' | 'cash';

/** Normalised state of a payment at the provider. `requires-completion`: the payer approved, we must finish it (PayPal capture). */
export type PaymentStatus = 'pending' | 'requires-completion' | 'succeeded' | 'failed' | 'expired' | 'refunded';

/**
 * What a provider event asks the payment state machine to do. `check-status` is a hint that carries
 * no trust of its own (an unsigned MTN callback): the apply job answers it with `status()`.
 */
export type PaymentAction = 'pending' | 'requires-completion' | 'succeeded' | 'failed' | 'expired' | 'refunded' | 'check-status';

export type Money = { amount: number; currency: string };

/** `match`: the provider reported what we asked for; `mismatch`: it did not (mark for review, never paid); `unknown`: nothing to compare. */
export type AmountCheck = 'match' | 'mismatch' | 'unknown';

export type Payer = {
  name?: string;
  email?: string;
  /** MSISDN with country code, digits only (mobile money). */
  phone?: string;
};

export type InitiateInput = {
  /** Our payment record id (a UUID): MTN uses it as X-Reference-Id, the others echo it back as metadata. */
  paymentId: string;
  /** Same key, same provider request: retries never charge twice. */
  idempotencyKey: string;
  /** Integer minor units of `currency`. */
  amount: number;
  currency: string;
  payer?: Payer;
  description?: string;
  /** Where the hosted page sends the payer back (Stripe, PayPal, Orange). */
  returnUrl?: string;
  /** Where the payer lands after cancelling on a hosted page; defaults to `returnUrl`. */
  cancelUrl?: string;
  /** Our callback route for this payment (MTN X-Callback-Url, Orange notif_url). */
  callbackUrl?: string;
};

export type InitiateResult = {
  provider: ProviderName;
  /** The provider's id for this payment; `status()` and callbacks refer to it. */
  providerReference: string;
  status: PaymentStatus;
  /** Hosted page to send the payer to (PayPal approval, Orange payment page, Stripe page in simulator mode). */
  redirectUrl?: string;
  /** Stripe.js confirmation secret for the storefront: safe to hand to the payer's browser, never logged. */
  clientSecret?: string;
  /** Amount actually requested from the provider when it differs from ours (PayPal in a supported currency). */
  charged?: Money & { rate: string };
  /**
   * Values the payment record must keep but never show (Orange notif_token, pay_token): they are
   * what later proves a notification is genuine.
   */
  secrets?: Record<string, string>;
  raw: unknown;
};

/** Everything the DB knows about a payment that a status query may need (Orange needs order id, amount and pay_token). */
export type PaymentRef = {
  paymentId: string;
  providerReference: string;
  amount: number;
  currency: string;
  charged?: Money;
  secrets?: Record<string, string>;
};

export type StatusResult = {
  provider: ProviderName;
  providerReference: string;
  status: PaymentStatus;
  /** As reported by the provider, in minor units of its currency. */
  amount?: number;
  currency?: string;
  amountCheck: AmountCheck;
  /** Provider's transaction id once money moved (Stripe charge, PayPal capture, MTN financialTransactionId, Orange txnid). */
  transactionId?: string;
  reason?: string;
  raw: unknown;
};

export type NormalisedEvent = {
  provider: ProviderName;
  /** Unique per provider: the event store's deduplication key. */
  providerEventId: string;
  providerReference: string;
  /** Our payment id when the provider echoes it (metadata, custom_id, externalId); a hint, never proof. */
  paymentId?: string;
  action: PaymentAction;
  amount?: number;
  currency?: string;
  amountCheck: AmountCheck;
  transactionId?: string;
  reason?: string;
  /** ISO time the provider says the event happened. */
  occurredAt?: string;
  /** How the event was proven: a signature, a status query, a notif_token plus a status query, or not at all (a hint). */
  verifiedBy: 'signature' | 'verify-endpoint' | 'notif-token+status' | 'status' | 'hint' | 'local';
  raw: unknown;
};

export type CallbackInput = {
  method: string;
  /** Lower-case header names, as node:http gives them. */
  headers: Record<string, string | string[] | undefined>;
  /** The body exactly as received: signatures are computed over these bytes. */
  rawBody: Buffer | string;
  query?: Record<string, string | string[] | undefined>;
};

/** Lets an adapter match a callback to a stored payment without importing the database. */
export type CallbackContext = {
  findPayment?: (by: { providerReference?: string; notifToken?: string; paymentId?: string }) => Promise<PaymentRef | undefined>;
};

export type VerifyResult = { ok: true; events: NormalisedEvent[] } | { ok: false; reason: string };

export type RefundInput = {
  ref: PaymentRef;
  idempotencyKey: string;
  /** Minor units of the payment currency; the whole payment when omitted. */
  amount?: number;
  reason?: string;
};

export type RefundResult = {
  provider: ProviderName;
  refundReference: string;
  status: 'pending' | 'succeeded' | 'failed';
  amount?: number;
  currency?: string;
  raw: unknown;
};

export type PaymentProvider = {
  readonly name: ProviderName;
  initiate(input: InitiateInput): Promise<InitiateResult>;
  status(ref: PaymentRef): Promise<StatusResult>;
  verifyCallback(input: CallbackInput, context?: CallbackContext): Promise<VerifyResult>;
  /** Finishes a payment the payer approved (PayPal capture); absent where approval is the payment. */
  complete?(ref: PaymentRef, idempotencyKey: string): Promise<StatusResult>;
  refund?(input: RefundInput): Promise<RefundResult>;
};

/** Amount the provider must report for this payment: the converted charge when there was one. */
export function expectedMoney(ref: Pick<PaymentRef, 'amount' | 'currency' | 'charged'>): Money {
  return ref.charged ?? { amount: ref.amount, currency: ref.currency };
}

export function checkAmount(expected: Money | undefined, reported: { amount?: number; currency?: string }): AmountCheck {
  if (!expected || reported.amount === undefined || reported.currency === undefined) return 'unknown';
  return expected.amount === reported.amount && expected.currency.toUpperCase() === reported.currency.toUpperCase()
    ? 'match'
    : 'mismatch';
}

/**
 * Events built from a status answer. Their ids are `provider:reference:action`, so the same outcome
 * learnt twice (callback, then reconciliation) is stored once, while a later refund is a new event.
 */
export function eventFromStatus(result: StatusResult, verifiedBy: NormalisedEvent['verifiedBy'], paymentId?: string): NormalisedEvent {
  return {
    provider: result.provider,
    providerEventId: `${result.provider}:${result.providerReference}:${result.status}`,
    providerReference: result.providerReference,
    ...(paymentId ? { paymentId } : {}),
    action: result.status,
    ...(result.amount !== undefined ? { amount: result.amount } : {}),
    ...(result.currency ? { currency: result.currency } : {}),
    amountCheck: result.amountCheck,
    ...(result.transactionId ? { transactionId: result.transactionId } : {}),
    ...(result.reason ? { reason: result.reason } : {}),
    verifiedBy,
    raw: result.raw,
  };
}

/**
 * Answers a `check-status` hint (an MTN callback) or a stale pending payment: the provider's own
 * status answer, never the callback's claim, becomes the event.
 */
export async function resolveByStatus(provider: PaymentProvider, ref: PaymentRef): Promise<NormalisedEvent> {
  return eventFromStatus(await provider.status(ref), 'status', ref.paymentId);
}

/** Fills `amountCheck` on signed events when the caller lets us look the payment up. */
export async function annotateAmounts(events: NormalisedEvent[], context: CallbackContext | undefined): Promise<NormalisedEvent[]> {
  if (!context?.findPayment) return events;
  const out: NormalisedEvent[] = [];
  for (const event of events) {
    if (event.amount === undefined || (event.action !== 'succeeded' && event.action !== 'requires-completion')) {
      out.push(event);
      continue;
    }
    const ref = await context.findPayment({ providerReference: event.providerReference, ...(event.paymentId ? { paymentId: event.paymentId } : {}) });
    out.push({ ...event, amountCheck: ref ? checkAmount(expectedMoney(ref), event) : 'unknown' });
  }
  return out;
}

export function headerValue(headers: CallbackInput['headers'], name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export function rawBodyText(rawBody: Buffer | string): string {
  return typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
}
