import { Counter, Histogram, type Registry } from 'prom-client';

export type PaymentMetrics = {
  /** Payments reaching a state, by provider and state (initiated payments count as pending). */
  payments: Counter<'provider' | 'status'>;
  /** From a provider event's arrival to its application to the payment. */
  webhookLatency: Histogram<'provider'>;
  idempotencyConflicts: Counter<'provider'>;
  callbacksRejected: Counter<'provider'>;
};

export function createPaymentMetrics(registry: Registry): PaymentMetrics {
  return {
    payments: new Counter({
      name: 'afrigest_payments_total',
      help: 'Payments entering a state, by provider and status.',
      labelNames: ['provider', 'status'] as const,
      registers: [registry],
    }),
    webhookLatency: new Histogram({
      name: 'afrigest_payment_event_apply_seconds',
      help: 'Time from a provider event arriving to it being applied, by provider.',
      labelNames: ['provider'] as const,
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600],
      registers: [registry],
    }),
    idempotencyConflicts: new Counter({
      name: 'afrigest_payment_idempotency_conflicts_total',
      help: 'Initiations refused because their Idempotency-Key was used for a different request.',
      labelNames: ['provider'] as const,
      registers: [registry],
    }),
    callbacksRejected: new Counter({
      name: 'afrigest_payment_callbacks_rejected_total',
      help: 'Provider callbacks refused (bad signature, unknown payment, wrong notif_token...).',
      labelNames: ['provider'] as const,
      registers: [registry],
    }),
  };
}
