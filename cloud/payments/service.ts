import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import type { Queryable } from '../db/database.js';
import type { Databases } from '../db/tenancy.js';
import { PaymentProviderError } from './errors.js';
import type { PaymentMetrics } from './metrics.js';
import {
  checkAmount,
  eventFromStatus,
  expectedMoney,
  type CallbackInput,
  type InitiateResult,
  type Money,
  type NormalisedEvent,
  type Payer,
  type PaymentRef,
  type ProviderName,
} from './provider.js';
import type { PaymentProviders } from './providers.js';
import { orderPaymentStatus, transition, type PaymentState } from './state-machine.js';

export type PaymentPurpose = 'order' | 'pos';

export type InitiatePayment = {
  provider: ProviderName;
  purpose: PaymentPurpose;
  orderId?: string;
  deviceId?: string;
  amount: number;
  currency: string;
  idempotencyKey: string;
  payer?: Payer;
  description?: string;
  returnUrl?: string;
};

/** What callers (storefront, till) see of a payment: never the notif_token or pay_token. */
export type PaymentView = {
  paymentId: string;
  provider: ProviderName;
  purpose: PaymentPurpose;
  orderId: string | null;
  status: PaymentState;
  reason: string | null;
  amountMinor: number;
  currency: string;
  charged: (Money & { rate: string }) | null;
  redirectUrl: string | null;
  clientSecret?: string;
  expiresAt: string;
};

/** A refusal the API turns into the error format; `code` is a shared error code. */
export class PaymentRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: 'IDEMPOTENCY_CONFLICT' | 'PAYMENT_PROVIDER_UNAVAILABLE' | 'PAYMENT_PROVIDER_REJECTED' | 'PAYMENT_NOT_FOUND' | 'PAYMENT_NOT_REFUNDABLE',
    readonly details?: unknown,
  ) {
    super(code);
  }
}

type PaymentRow = {
  id: string;
  provider: ProviderName;
  purpose: PaymentPurpose;
  order_id: string | null;
  device_id: string | null;
  amount_minor: string | number;
  currency: string;
  charged: (Money & { rate: string }) | null;
  status: PaymentState;
  status_reason: string | null;
  provider_reference: string | null;
  secrets: Record<string, string> | null;
  redirect_url: string | null;
  request_hash: string;
  expires_at: Date | string;
  created_at: Date | string;
};

type EventRow = { id: string; provider: ProviderName; payment_id: string | null; event: NormalisedEvent; attempts: number; received_at: Date | string };

export type PaymentsOptions = {
  databases: Databases;
  providers: PaymentProviders;
  metrics: PaymentMetrics;
  logger: Logger;
  /** Base URL providers reach this API at (PUBLIC_URL); known only once the server listens in tests. */
  publicUrl: () => string;
  /** How long a payment may stay pending before it expires here (MTN and Orange let it hang). */
  pendingTtlMs?: number;
  now?: () => Date;
  /**
   * Called in the transaction that moves an order's payment, after the order's payment status is
   * written: what follows from it (the stock of a paid order) commits with it or not at all.
   */
  onOrderPayment?: (tx: Queryable, change: OrderPaymentChange) => Promise<void>;
};

/** An order whose payment moved, as `onOrderPayment` is told. */
export type OrderPaymentChange = { tenantId: string; orderId: string; paymentId: string; status: ReturnType<typeof orderPaymentStatus> };

/** Path segment of each provider's callback route (the operator runbook's names). */
export const CALLBACK_SEGMENT: Partial<Record<ProviderName, string>> = {
  'mtn-momo': 'payments/mtn/callback',
  'orange-money': 'payments/orange/callback',
  stripe: 'webhooks/stripe',
  paypal: 'webhooks/paypal',
};

const MAX_ATTEMPTS = 8;
const LEASE_SECONDS = 60;

const iso = (value: Date | string) => (value instanceof Date ? value.toISOString() : new Date(value).toISOString());

function view(row: PaymentRow): PaymentView {
  return {
    paymentId: row.id,
    provider: row.provider,
    purpose: row.purpose,
    orderId: row.order_id,
    status: row.status,
    reason: row.status_reason,
    amountMinor: Number(row.amount_minor),
    currency: row.currency,
    charged: row.charged,
    redirectUrl: row.redirect_url,
    ...(row.secrets?.clientSecret ? { clientSecret: row.secrets.clientSecret } : {}),
    expiresAt: iso(row.expires_at),
  };
}

function refOf(row: PaymentRow): PaymentRef {
  return {
    paymentId: row.id,
    providerReference: row.provider_reference ?? row.id,
    amount: Number(row.amount_minor),
    currency: row.currency,
    ...(row.charged ? { charged: { amount: row.charged.amount, currency: row.charged.currency } } : {}),
    ...(row.secrets ? { secrets: row.secrets } : {}),
  };
}

/** The request an idempotency key stands for: the same key with other content is a conflict. */
function requestHash(input: InitiatePayment): string {
  const { provider, purpose, orderId, deviceId, amount, currency, payer } = input;
  return createHash('sha256').update(JSON.stringify({ provider, purpose, orderId, deviceId, amount, currency, phone: payer?.phone ?? null })).digest('base64url');
}

/**
 * Payment records and the provider events that move them (ARCHITECTURE §9). Callbacks are
 * verified by the adapter, stored once under their provider event id and acknowledged; `process`
 * (run at once in the background and by the job, with retries) applies them through the state
 * machine under a row lock, so ten concurrent copies of one callback still make one payment.
 */
export function createPayments(options: PaymentsOptions) {
  const { databases, providers, metrics, logger } = options;
  const now = options.now ?? (() => new Date());
  const pendingTtlMs = options.pendingTtlMs ?? 30 * 60_000;
  const changes = new EventEmitter();
  changes.setMaxListeners(0);

  const callbackUrl = (tenantId: string, provider: ProviderName, paymentId: string) => {
    const segment = CALLBACK_SEGMENT[provider];
    if (!segment) return undefined;
    const url = `${options.publicUrl()}/api/tenants/${encodeURIComponent(tenantId)}/ecommerce/${segment}`;
    // MTN's callback carries no signature and sometimes no reference: the URL names the payment.
    return provider === 'mtn-momo' ? `${url}?paymentId=${paymentId}` : url;
  };

  async function loadPayment(tx: Queryable, by: { paymentId?: string; providerReference?: string; notifToken?: string; provider?: ProviderName }, lock = false): Promise<PaymentRow | undefined> {
    const forUpdate = lock ? ' FOR UPDATE' : '';
    // MTN's reference is our payment id, and its callback may beat our recording of that reference.
    if (!by.paymentId && by.provider === 'mtn-momo') by = { ...by, paymentId: by.providerReference };
    if (by.paymentId && /^[0-9a-f-]{36}$/i.test(by.paymentId)) {
      const { rows } = await tx.query<PaymentRow>(`SELECT * FROM payments WHERE id = $1${forUpdate}`, [by.paymentId]);
      // The id a provider echoes is a hint: it must agree with the reference when both are given.
      if (rows[0] && (!by.provider || rows[0].provider === by.provider) && (!by.providerReference || rows[0].provider_reference === by.providerReference || rows[0].id === by.providerReference)) return rows[0];
    }
    if (by.providerReference) {
      const { rows } = await tx.query<PaymentRow>(
        `SELECT * FROM payments WHERE provider_reference = $1 ${by.provider ? 'AND provider = $2' : ''} LIMIT 1${forUpdate}`,
        by.provider ? [by.providerReference, by.provider] : [by.providerReference],
      );
      if (rows[0]) return rows[0];
    }
    if (by.notifToken) {
      const { rows } = await tx.query<PaymentRow>(`SELECT * FROM payments WHERE notif_token = $1 LIMIT 1${forUpdate}`, [by.notifToken]);
      if (rows[0]) return rows[0];
    }
    return undefined;
  }

  async function initiate(tenantId: string, input: InitiatePayment): Promise<{ payment: PaymentView; replayed: boolean }> {
    const hash = requestHash(input);
    const id = uuidv7();
    const expiresAt = new Date(now().getTime() + pendingTtlMs);
    const existing = await databases.withTenant(tenantId, async (tx) => {
      const inserted = await tx.query<PaymentRow>(
        `INSERT INTO payments (tenant_id, id, provider, purpose, order_id, device_id, amount_minor, currency, idempotency_key, request_hash, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING *`,
        [tenantId, id, input.provider, input.purpose, input.orderId ?? null, input.deviceId ?? null, input.amount, input.currency, input.idempotencyKey, hash, expiresAt],
      );
      if (inserted.rows[0]) {
        if (input.orderId) await tx.query(`UPDATE orders SET payment_id = $2, payment_status = 'pending', updated_at = now() WHERE id = $1`, [input.orderId, id]);
        return null;
      }
      const { rows } = await tx.query<PaymentRow>('SELECT * FROM payments WHERE idempotency_key = $1', [input.idempotencyKey]);
      return rows[0]!;
    });
    if (existing) {
      if (existing.request_hash !== hash) {
        metrics.idempotencyConflicts.inc({ provider: input.provider });
        throw new PaymentRequestError(409, 'IDEMPOTENCY_CONFLICT');
      }
      // A retry of a request that already reached the provider: the same answer, no second charge.
      if (existing.provider_reference || existing.status !== 'pending') return { payment: view(existing), replayed: true };
    }
    const paymentId = existing?.id ?? id;
    metrics.payments.inc({ provider: input.provider, status: 'pending' });

    let result: InitiateResult;
    try {
      const cb = callbackUrl(tenantId, input.provider, paymentId);
      result = await providers[input.provider].initiate({
        paymentId,
        idempotencyKey: input.idempotencyKey,
        amount: input.amount,
        currency: input.currency,
        ...(input.payer ? { payer: input.payer } : {}),
        ...(input.description ? { description: input.description } : {}),
        ...(input.returnUrl ? { returnUrl: input.returnUrl } : {}),
        ...(cb ? { callbackUrl: cb } : {}),
      });
    } catch (error) {
      if (!(error instanceof PaymentProviderError)) throw error;
      const reason = `${error.code}: ${error.message}`;
      await settle(tenantId, paymentId, { action: 'failed', amountCheck: 'unknown', reason }, null);
      logger.warn({ tenantId, paymentId, provider: input.provider, code: error.code }, 'payment initiation refused by the provider');
      throw new PaymentRequestError(error.retryable ? 502 : 422, error.retryable ? 'PAYMENT_PROVIDER_UNAVAILABLE' : 'PAYMENT_PROVIDER_REJECTED', { provider: input.provider, providerCode: error.code });
    }

    const secrets: Record<string, string> = { ...(result.secrets ?? {}), ...(result.clientSecret ? { clientSecret: result.clientSecret } : {}) };
    const row = await databases.withTenant(tenantId, async (tx) => {
      const { rows } = await tx.query<PaymentRow>(
        `UPDATE payments SET provider_reference = $2, redirect_url = $3, notif_token = $4, secrets = $5, charged = $6, updated_at = now()
         WHERE id = $1 RETURNING *`,
        [paymentId, result.providerReference, result.redirectUrl ?? null, secrets.notifToken ?? null, Object.keys(secrets).length ? JSON.stringify(secrets) : null, result.charged ? JSON.stringify(result.charged) : null],
      );
      return rows[0]!;
    });
    // Cash, or a provider that settles at once: the initiation is the outcome.
    if (result.status === 'succeeded' || result.status === 'failed' || result.status === 'expired') {
      await settle(tenantId, paymentId, { action: result.status, amountCheck: 'match' }, null);
      return { payment: (await get(tenantId, paymentId))!, replayed: false };
    }
    return { payment: view(row), replayed: false };
  }

  /** A payment; with `startedBy`, only a counter payment that till started (another's is not found). */
  async function get(tenantId: string, paymentId: string, startedBy?: { deviceId: string }): Promise<PaymentView | undefined> {
    const row = await databases.withTenant(tenantId, (tx) => loadPayment(tx, { paymentId }), { readOnly: true });
    if (!row || (startedBy && (row.purpose !== 'pos' || row.device_id !== startedBy.deviceId))) return undefined;
    return view(row);
  }

  /**
   * Moves one payment by one verified outcome, under the payment's row lock, and the order that
   * follows it. Returns the new state, or null when the state machine ignored the outcome.
   */
  async function settle(
    tenantId: string,
    paymentId: string,
    outcome: { action: NormalisedEvent['action']; amountCheck: NormalisedEvent['amountCheck']; reason?: string; transactionId?: string },
    eventId: string | null,
  ): Promise<{ to: PaymentState | null; note: string }> {
    const result = await databases.withTenant(tenantId, async (tx) => {
      const row = await loadPayment(tx, { paymentId }, true);
      if (!row) return { to: null, note: 'payment not found', provider: null };
      const step = transition(row.status, outcome);
      if (step.to) {
        const reason = 'reason' in step && step.reason ? step.reason : (outcome.reason ?? null);
        await tx.query(`UPDATE payments SET status = $2, status_reason = $3, transaction_id = coalesce($4, transaction_id), updated_at = now() WHERE id = $1`, [
          paymentId, step.to, reason, outcome.transactionId ?? null,
        ]);
        if (row.order_id) {
          const status = orderPaymentStatus(step.to);
          const moved = await tx.query(`UPDATE orders SET payment_status = $2, updated_at = now() WHERE id = $1 AND payment_id = $3`, [row.order_id, status, paymentId]);
          if (moved.rowCount > 0 && options.onOrderPayment) await options.onOrderPayment(tx, { tenantId, orderId: row.order_id, paymentId, status });
        }
      }
      const note = step.to ? `${row.status} -> ${step.to}` : step.ignored;
      if (eventId) {
        await tx.query(`UPDATE payment_events SET state = $2, outcome = $3, applied_at = now() WHERE id = $1`, [eventId, step.to ? 'applied' : 'ignored', note]);
      }
      return { to: step.to, note, provider: row.provider };
    });
    if (result.to && result.provider) {
      metrics.payments.inc({ provider: result.provider, status: result.to });
      changes.emit(`${tenantId}:${paymentId}`);
    }
    return { to: result.to, note: result.note };
  }

  /** Stores verified events once each, in one statement; answers which were new (the others were duplicates). */
  async function store(tenantId: string, events: NormalisedEvent[]): Promise<string[]> {
    if (events.length === 0) return [];
    const values: unknown[] = [];
    const rows = events.map((event, i) => {
      values.push(tenantId, uuidv7(), event.provider, event.providerEventId, JSON.stringify(event));
      const at = i * 5;
      return `($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5})`;
    });
    const { rows: fresh } = await databases.withTenant(
      tenantId,
      (tx) => tx.query<{ id: string }>(
        `INSERT INTO payment_events (tenant_id, id, provider, provider_event_id, event) VALUES ${rows.join(', ')}
         ON CONFLICT (tenant_id, provider, provider_event_id) DO NOTHING RETURNING id`,
        values,
      ),
      { singleStatement: true },
    );
    return fresh.map((r) => r.id);
  }

  /**
   * A provider calling back. The adapter proves the callback (signature, verify endpoint, or
   * notif_token + status query; MTN's unsigned callback becomes a mere hint) and only then is it
   * stored. Applying happens after the answer, so the provider never waits on our database work.
   */
  async function receiveCallback(tenantId: string, provider: ProviderName, input: CallbackInput): Promise<{ accepted: boolean; reason?: string; stored: string[] }> {
    const findPayment = async (by: { providerReference?: string; notifToken?: string; paymentId?: string }) => {
      const row = await databases.withTenant(tenantId, (tx) => loadPayment(tx, { ...by, provider }), { readOnly: true });
      return row ? refOf(row) : undefined;
    };
    const verified = await providers[provider].verifyCallback(input, { findPayment });
    if (!verified.ok) {
      metrics.callbacksRejected.inc({ provider });
      logger.warn({ tenantId, provider, reason: verified.reason }, 'payment callback rejected');
      return { accepted: false, reason: verified.reason, stored: [] };
    }
    const stored = await store(tenantId, verified.events);
    for (const eventId of stored) {
      void processEvent(tenantId, eventId).catch((err: unknown) => logger.error({ err, tenantId, eventId }, 'payment event processing failed; the job retries it'));
    }
    return { accepted: true, stored };
  }

  /** Claims a due event for a lease (another worker or instance skips it meanwhile). */
  async function claim(tenantId: string, eventId: string): Promise<EventRow | undefined> {
    return databases.withTenant(tenantId, async (tx) => {
      const { rows } = await tx.query<EventRow>(
        `UPDATE payment_events SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => ${LEASE_SECONDS})
         WHERE id = (SELECT id FROM payment_events WHERE id = $1 AND state = 'queued' AND next_attempt_at <= now() FOR UPDATE SKIP LOCKED)
         RETURNING id, provider, payment_id, event, attempts, received_at`,
        [eventId],
      );
      return rows[0];
    });
  }

  async function finishEvent(tenantId: string, eventId: string, state: 'ignored' | 'failed' | 'queued', outcome: string, retryInSeconds?: number) {
    await databases.withTenant(tenantId, (tx) =>
      tx.query(
        `UPDATE payment_events SET state = $2, outcome = $3, applied_at = CASE WHEN $2 = 'queued' THEN NULL ELSE now() END,
           next_attempt_at = now() + make_interval(secs => $4::int) WHERE id = $1`,
        [eventId, state, outcome, retryInSeconds ?? 0],
      ),
    );
  }

  /** Applies one stored event: resolves hints by asking the provider, then settles the payment. */
  async function processEvent(tenantId: string, eventId: string): Promise<string> {
    const claimed = await claim(tenantId, eventId);
    if (!claimed) return 'not due';
    const event = claimed.event;
    try {
      const row = await databases.withTenant(tenantId, (tx) => loadPayment(tx, { provider: event.provider, providerReference: event.providerReference, ...(event.paymentId ? { paymentId: event.paymentId } : {}) }), { readOnly: true });
      if (!row) {
        await finishEvent(tenantId, eventId, 'ignored', 'no payment has this reference');
        return 'ignored';
      }
      const ref = refOf(row);
      const provider = providers[row.provider];
      let outcome: NormalisedEvent = event;
      if (event.action === 'check-status') {
        outcome = eventFromStatus(await provider.status(ref), 'status', row.id);
      } else if (event.action === 'requires-completion' && provider.complete && row.status === 'pending') {
        outcome = eventFromStatus(await provider.complete(ref, `complete-${row.id}`), 'status', row.id);
      }
      if (outcome.amountCheck === 'unknown' && outcome.amount !== undefined && outcome.currency) {
        outcome = { ...outcome, amountCheck: checkAmount(expectedMoney(ref), outcome) };
      }
      const settled = await settle(tenantId, row.id, outcome, eventId);
      metrics.webhookLatency.observe({ provider: row.provider }, (now().getTime() - new Date(claimed.received_at).getTime()) / 1000);
      await databases.withTenant(tenantId, (tx) => tx.query('UPDATE payment_events SET payment_id = $2 WHERE id = $1', [eventId, row.id]));
      return settled.note;
    } catch (error) {
      const retryable = !(error instanceof PaymentProviderError) || error.retryable;
      const message = error instanceof Error ? error.message : String(error);
      if (retryable && claimed.attempts < MAX_ATTEMPTS) {
        // 2, 4, 8 ... seconds, at most ten minutes: a provider outage is waited out, not hammered.
        await finishEvent(tenantId, eventId, 'queued', `attempt ${claimed.attempts}: ${message}`, Math.min(600, 2 ** claimed.attempts));
      } else {
        await finishEvent(tenantId, eventId, 'failed', message);
      }
      throw error;
    }
  }

  /** Applies every due event of a tenant (the job's pass; also picks up events a crash left). */
  async function processDue(tenantId: string, limit = 50): Promise<number> {
    const { rows } = await databases.withTenant(
      tenantId,
      (tx) => tx.query<{ id: string }>(`SELECT id FROM payment_events WHERE state = 'queued' AND next_attempt_at <= now() ORDER BY received_at LIMIT $1`, [limit]),
      { readOnly: true },
    );
    let done = 0;
    for (const { id } of rows) {
      try {
        await processEvent(tenantId, id);
        done++;
      } catch (err) {
        logger.warn({ err: { message: (err as Error).message }, tenantId, eventId: id }, 'payment event will be retried');
      }
    }
    return done;
  }

  /**
   * Asks the provider about payments left pending (a callback that never came). The answer is
   * stored as an event like any other, so the outcome is deduplicated and replayable; a payment
   * still pending past its expiry is expired here.
   */
  async function reconcile(tenantId: string, staleAfterMs: number): Promise<number> {
    const { rows } = await databases.withTenant(
      tenantId,
      (tx) => tx.query<PaymentRow>(
        `SELECT * FROM payments WHERE status = 'pending' AND updated_at < $1 ORDER BY updated_at LIMIT 100`,
        [new Date(now().getTime() - staleAfterMs)],
      ),
      { readOnly: true },
    );
    let resolved = 0;
    for (const row of rows) {
      try {
        const expired = new Date(row.expires_at).getTime() <= now().getTime();
        let event: NormalisedEvent;
        if (!row.provider_reference) {
          // Crashed between our insert and the provider's answer: nothing can have been charged
          // under a reference we never received, and the idempotency key lets the payer retry.
          event = { provider: row.provider, providerEventId: `${row.provider}:${row.id}:never-initiated`, providerReference: row.id, paymentId: row.id, action: expired ? 'expired' : 'pending', amountCheck: 'unknown', verifiedBy: 'local', raw: null };
        } else {
          event = eventFromStatus(await providers[row.provider].status(refOf(row)), 'status', row.id);
          if (event.action === 'pending' && expired) {
            event = { ...event, providerEventId: `${row.provider}:${row.provider_reference}:expired-locally`, action: 'expired', reason: 'no outcome before expiry', verifiedBy: 'local' };
          }
        }
        if (event.action === 'pending' || event.action === 'requires-completion') {
          if (event.action === 'requires-completion') {
            for (const id of await store(tenantId, [event])) await processEvent(tenantId, id);
          }
          await databases.withTenant(tenantId, (tx) => tx.query('UPDATE payments SET updated_at = now() WHERE id = $1', [row.id]));
          continue;
        }
        for (const id of await store(tenantId, [event])) await processEvent(tenantId, id);
        resolved++;
      } catch (err) {
        logger.warn({ err: { message: (err as Error).message }, tenantId, paymentId: row.id }, 'reconciliation could not reach the provider');
      }
    }
    return resolved;
  }

  /** Puts a stored event back in the queue and applies it now (`npm run payments:replay`). */
  async function replay(tenantId: string, eventId: string): Promise<string> {
    const { rowCount } = await databases.withTenant(tenantId, (tx) =>
      tx.query(`UPDATE payment_events SET state = 'queued', next_attempt_at = now(), attempts = 0 WHERE id::text = $1 OR provider_event_id = $1`, [eventId]),
    );
    if (!rowCount) throw new PaymentRequestError(404, 'PAYMENT_NOT_FOUND');
    const { rows } = await databases.withTenant(tenantId, (tx) => tx.query<{ id: string }>('SELECT id FROM payment_events WHERE id::text = $1 OR provider_event_id = $1', [eventId]));
    const notes: string[] = [];
    for (const { id } of rows) notes.push(await processEvent(tenantId, id));
    return notes.join('; ');
  }

  /**
   * Refunds a whole succeeded payment at its provider (where the provider offers refunds). The
   * provider's answer is stored as an event like a webhook, so the refund webhook that follows is
   * a duplicate outcome the state machine ignores.
   */
  async function refund(tenantId: string, paymentId: string, idempotencyKey: string, reason?: string): Promise<PaymentView> {
    const row = await databases.withTenant(tenantId, (tx) => loadPayment(tx, { paymentId }), { readOnly: true });
    if (!row) throw new PaymentRequestError(404, 'PAYMENT_NOT_FOUND');
    if (row.status === 'refunded') return view(row);
    const provider = providers[row.provider];
    if (row.status !== 'succeeded' || !provider.refund) throw new PaymentRequestError(409, 'PAYMENT_NOT_REFUNDABLE', { status: row.status, provider: row.provider });
    const result = await provider.refund({ ref: refOf(row), idempotencyKey, ...(reason ? { reason } : {}) });
    if (result.status === 'failed') throw new PaymentRequestError(422, 'PAYMENT_PROVIDER_REJECTED', { provider: row.provider });
    if (result.status === 'succeeded') {
      const event: NormalisedEvent = {
        provider: row.provider, providerEventId: `${row.provider}:${result.refundReference}:refund`, providerReference: refOf(row).providerReference, paymentId: row.id,
        action: 'refunded', amountCheck: 'unknown', verifiedBy: 'status', raw: result.raw,
      };
      for (const id of await store(tenantId, [event])) await processEvent(tenantId, id);
    }
    return (await get(tenantId, paymentId))!;
  }

  /** Resolves when the payment changes or after `timeoutMs` (a till following its payment live). */
  function waitForChange(tenantId: string, paymentId: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const key = `${tenantId}:${paymentId}`;
      const done = () => {
        clearTimeout(timer);
        changes.off(key, done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      changes.on(key, done);
    });
  }

  return { initiate, get, refund, receiveCallback, processEvent, processDue, reconcile, replay, waitForChange, settle };
}

export type Payments = ReturnType<typeof createPayments>;
