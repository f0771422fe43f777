import type { Request } from 'express';
import { AppError } from './errors.js';

/** The Idempotency-Key header of a request that must happen once: required, printable, bounded. */
export function idempotencyKey(req: Request, fallback?: string): string {
  const key = (req.get('idempotency-key') ?? fallback ?? '').trim();
  if (!/^[\x21-\x7e]{8,128}$/.test(key)) throw new AppError(400, 'IDEMPOTENCY_KEY_REQUIRED');
  return key;
}
