import type { PaymentProvider, PaymentRef, StatusResult } from './provider.js';

/** Cash at the counter: the cashier holding the money is the confirmation, so initiate is final. */
export function createCashProvider(): PaymentProvider {
  const succeeded = (ref: Pick<PaymentRef, 'providerReference' | 'amount' | 'currency'>): StatusResult => ({
    provider: 'cash',
    providerReference: ref.providerReference,
    status: 'succeeded',
    amount: ref.amount,
    currency: ref.currency,
    amountCheck: 'match',
    raw: null,
  });
  return {
    name: 'cash',
    async initiate(input) {
      return { provider: 'cash', providerReference: `cash_${input.paymentId}`, status: 'succeeded', raw: null };
    },
    async status(ref) {
      return succeeded(ref);
    },
    async verifyCallback() {
      return { ok: false, reason: 'cash payments have no callbacks' };
    },
    async refund(input) {
      return { provider: 'cash', refundReference: `cash_refund_${input.idempotencyKey}`, status: 'succeeded', amount: input.amount ?? input.ref.amount, currency: input.ref.currency, raw: null };
    },
  };
}
