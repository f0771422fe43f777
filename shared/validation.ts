import { z } from 'zod';
import { isSafeText } from './text.js';

/**
 * A text field from outside: trimmed, within bounds, and under the one text rule of
 * `shared/text.ts` (no NUL byte, no lone surrogate). Every schema that takes free text uses it.
 */
export function text(bounds: { min?: number; max: number }) {
  return z
    .string()
    .trim()
    .min(bounds.min ?? 0)
    .max(bounds.max)
    .refine(isSafeText, { message: 'caractère interdit (octet nul ou demi-caractère Unicode)' });
}
