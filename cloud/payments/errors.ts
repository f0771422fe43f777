import type { ProviderName } from './provider.js';

export type PaymentErrorCode =
  | 'PAYMENT_PROVIDER_UNAUTHORIZED'
  | 'PAYMENT_PROVIDER_UNAVAILABLE'
  | 'PAYMENT_PROVIDER_REJECTED'
  | 'PAYMENT_NOT_FOUND_AT_PROVIDER'
  | 'PAYMENT_CURRENCY_UNSUPPORTED'
  | 'PAYMENT_IDEMPOTENCY_CONFLICT'
  | 'PAYMENT_PROVIDER_NOT_CONFIGURED'
  | 'PAYMENT_OPERATION_UNSUPPORTED'
  | 'PAYMENT_INVALID_REQUEST';

/**
 * A provider call that did not give an answer we can use. `retryable` tells the job whether
 * trying again later can help (5xx, timeouts) or not (401, validation, unknown reference).
 * Messages never carry credentials: only the provider's status and error code.
 */
export class PaymentProviderError extends Error {
  readonly code: PaymentErrorCode;
  readonly provider: ProviderName;
  readonly retryable: boolean;
  readonly httpStatus: number | undefined;
  readonly details: unknown;

  constructor(options: { code: PaymentErrorCode; provider: ProviderName; message: string; retryable?: boolean; httpStatus?: number; details?: unknown; cause?: unknown }) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PaymentProviderError';
    this.code = options.code;
    this.provider = options.provider;
    this.retryable = options.retryable ?? false;
    this.httpStatus = options.httpStatus;
    this.details = options.details;
  }

  /** The API's error shape (ARCHITECTURE §8); a provider outage is a 502 to our caller, our fault is never disguised as theirs. */
  toErrorBody(): { status: number; body: { error: { code: string; message: string; details: unknown } } } {
    const status = STATUS_BY_CODE[this.code] ?? 502;
    return { status, body: { error: { code: this.code, message: this.message, details: { provider: this.provider, providerStatus: this.httpStatus, ...(typeof this.details === 'object' && this.details !== null ? this.details : {}) } } } };
  }
}

const STATUS_BY_CODE: Partial<Record<PaymentErrorCode, number>> = {
  PAYMENT_CURRENCY_UNSUPPORTED: 422,
  PAYMENT_PROVIDER_REJECTED: 422,
  PAYMENT_IDEMPOTENCY_CONFLICT: 409,
  PAYMENT_NOT_FOUND_AT_PROVIDER: 404,
  PAYMENT_OPERATION_UNSUPPORTED: 400,
  PAYMENT_INVALID_REQUEST: 400,
};

/** Maps an HTTP status from a provider to our error, the same way for every adapter. */
export function errorFromStatus(provider: ProviderName, status: number, what: string, details?: unknown): PaymentProviderError {
  if (status === 401 || status === 403) {
    return new PaymentProviderError({ code: 'PAYMENT_PROVIDER_UNAUTHORIZED', provider, message: `${provider} refused our credentials (${status}) on ${what}`, httpStatus: status, details });
  }
  if (status === 404) {
    return new PaymentProviderError({ code: 'PAYMENT_NOT_FOUND_AT_PROVIDER', provider, message: `${provider} does not know this payment (${what})`, httpStatus: status, details });
  }
  if (status === 409) {
    return new PaymentProviderError({ code: 'PAYMENT_IDEMPOTENCY_CONFLICT', provider, message: `${provider} reports a conflicting request (${what})`, httpStatus: status, details });
  }
  if (status === 408 || status === 429 || status >= 500) {
    return new PaymentProviderError({ code: 'PAYMENT_PROVIDER_UNAVAILABLE', provider, message: `${provider} is unavailable (${status}) on ${what}`, retryable: true, httpStatus: status, details });
  }
  return new PaymentProviderError({ code: 'PAYMENT_PROVIDER_REJECTED', provider, message: `${provider} rejected ${what} (${status})`, httpStatus: status, details });
}
