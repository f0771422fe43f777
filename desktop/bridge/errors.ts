import type { ErrorBody, FieldIssue } from '../../shared/errors.js';
import { errorMessage, type ErrorCode, type Locale } from '../../shared/i18n/index.js';

/** The `error` member of the project's error format: what a refused bridge call carries. */
export type BridgeErrorBody = ErrorBody['error'];

/**
 * Builds the error format in the user's language. `details` is the list of field issues for
 * VALIDATION_FAILED, otherwise the message's parameters, so a screen that switches language can
 * translate the code again.
 */
export function bridgeErrorBody(locale: Locale, code: ErrorCode, details?: FieldIssue[] | Record<string, unknown>): BridgeErrorBody {
  const params = Array.isArray(details) ? undefined : details;
  const message = errorMessage(locale, code, params);
  const hasDetails = Array.isArray(details) ? details.length > 0 : !!details && Object.keys(details).length > 0;
  return hasDetails ? { code, message, details } : { code, message };
}

/** How a bridge call rejects in the renderer: the error format, with the code at hand. */
export class BridgeError extends Error {
  readonly code: string;
  readonly details: unknown;
  constructor(readonly body: BridgeErrorBody) {
    super(body.message);
    this.name = 'BridgeError';
    this.code = body.code;
    this.details = body.details;
  }
}

export function isBridgeErrorBody(value: unknown): value is BridgeErrorBody {
  return typeof value === 'object' && value !== null && typeof (value as { code?: unknown }).code === 'string' && typeof (value as { message?: unknown }).message === 'string';
}
