import { ZodError } from 'zod';
import { bridgeErrorBody, type BridgeErrorBody } from '../../bridge/errors.js';
import type { FieldIssue } from '../../../shared/errors.js';
import { isErrorCode, type ErrorCode, type Locale } from '../../../shared/i18n/index.js';
import { LocalAuthError } from '../auth/local-auth.js';
import { PosError } from '../pos/errors.js';

/** A refusal decided by the app layer itself (not enrolled, forbidden, the cloud said no). */
export class CoreError extends PosError {}

/** The cloud refused with a code of ours: passed on with its field list (VALIDATION_FAILED). */
export class CloudRefusal extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly details?: FieldIssue[],
  ) {
    super(code);
    this.name = 'CloudRefusal';
  }
}

/** Any error with a known code and parameters, as the services throw them. */
type Coded = { code: string; params?: Record<string, unknown> };
const isCoded = (error: unknown): error is Coded =>
  typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' && isErrorCode((error as { code: string }).code);

/**
 * Turns whatever a call threw into the error format in the user's language. Our own faults become
 * INTERNAL with no stack or message of theirs: the caller gets a code, the log gets the detail.
 */
export function toErrorBody(error: unknown, locale: Locale, log: (entry: Record<string, unknown>) => void): BridgeErrorBody {
  if (error instanceof ZodError) {
    return bridgeErrorBody(locale, 'VALIDATION_FAILED', error.issues.map((issue) => ({ path: ['input', ...issue.path.map(String)].join('.'), message: issue.message })));
  }
  if (error instanceof CloudRefusal) return bridgeErrorBody(locale, error.code, error.details);
  if (error instanceof PosError || error instanceof LocalAuthError) return bridgeErrorBody(locale, error.code, error.params);
  // Services landing later throw their own error classes with the same code + params shape.
  if (isCoded(error) && error.code !== 'INTERNAL') return bridgeErrorBody(locale, error.code as never, error.params ?? {});
  log({ level: 'error', msg: 'bridge call failed', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error), stack: error instanceof Error ? error.stack : undefined });
  return bridgeErrorBody(locale, 'INTERNAL');
}
