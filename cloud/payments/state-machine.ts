import type { AmountCheck, PaymentAction } from './provider.js';

/**
 * A payment record's state. `review` sits outside the automatic path: money may have moved but
 * not as we asked (amount or currency differs, or a success arrived after we gave up), so a person
 * decides; nothing automatic ever turns it into paid.
 */
export type PaymentState = 'pending' | 'succeeded' | 'failed' | 'expired' | 'refunded' | 'review';

export const FINAL_STATES: ReadonlySet<PaymentState> = new Set(['failed', 'expired', 'refunded']);

export type Transition = { to: PaymentState; reason?: string } | { to: null; ignored: string };

/**
 * The only place a payment changes state. Late, duplicated and out-of-order events are answered
 * here: a final state never moves backwards, a failure after a success is ignored, and a success
 * whose amount differs from what we asked goes to review, never to succeeded.
 */
export function transition(current: PaymentState, event: { action: PaymentAction; amountCheck: AmountCheck }): Transition {
  const { action } = event;
  if (action === 'pending' || action === 'requires-completion' || action === 'check-status') {
    return { to: null, ignored: `${action} is not an outcome` };
  }
  if (action === current) return { to: null, ignored: `already ${current}` };
  switch (current) {
    case 'pending':
      if (action === 'succeeded') return event.amountCheck === 'mismatch' ? { to: 'review', reason: 'amount or currency differs from the payment' } : { to: 'succeeded' };
      if (action === 'refunded') return { to: 'review', reason: 'refund reported for a payment never confirmed' };
      return { to: action };
    case 'succeeded':
      if (action === 'refunded') return { to: 'refunded' };
      return { to: null, ignored: `${action} after succeeded` };
    case 'review':
      if (action === 'refunded') return { to: 'refunded' };
      return { to: null, ignored: `${action} while in review` };
    case 'failed':
    case 'expired':
      // Money moved on a payment we had closed: a person must look, it is never paid silently.
      if (action === 'succeeded') return { to: 'review', reason: `success reported after ${current}` };
      return { to: null, ignored: `${action} after ${current}` };
    case 'refunded':
      return { to: null, ignored: `${action} after refunded` };
  }
}

/** What an order shows of its payment. */
export function orderPaymentStatus(state: PaymentState): 'pending' | 'paid' | 'failed' | 'expired' | 'refunded' | 'review' {
  return state === 'succeeded' ? 'paid' : state;
}
