import { PaymentProviderError } from '../../payments/errors.js';
import { PaymentRequestError } from '../../payments/service.js';
import { AppError } from './errors.js';

/**
 * Payment service and provider refusals in the error format: a provider outage is a 502 or 503,
 * never a 500. Shared by every module that starts or refunds a payment (payments, ecommerce).
 */
export async function asApiError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toApiError(error);
  }
}

export function toApiError(error: unknown): unknown {
  if (error instanceof PaymentRequestError) return new AppError(error.status, error.code, error.details);
  if (error instanceof PaymentProviderError) {
    return new AppError(error.retryable ? 503 : 502, error.retryable ? 'PAYMENT_PROVIDER_UNAVAILABLE' : 'PAYMENT_PROVIDER_REJECTED', { provider: error.provider });
  }
  return error;
}
