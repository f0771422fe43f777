import type { ErrorCode } from '../../../shared/i18n/index.js';

/** A refusal the cashier can act on; the bridge turns it into the error format, in their language. */
export class PosError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly params: Record<string, unknown> = {},
  ) {
    super(code);
    this.name = 'PosError';
  }
}
