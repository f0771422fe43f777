import type { ErrorCode } from './i18n/index.js';

/** The one error shape of the HTTP API and of the desktop bridge. */
export type ErrorBody = {
  error: {
    code: ErrorCode | (string & {});
    message: string;
    details?: unknown;
  };
};

/** A field-level problem, as listed in `details` of VALIDATION_FAILED. */
export type FieldIssue = { path: string; message: string };

export function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}
