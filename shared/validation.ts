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

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * An IANA time zone (`Africa/Conakry`): tills and reports format dates in it, and an unknown
 * name makes every one of those throw.
 */
export function timeZone() {
  return text({ min: 3, max: 64 }).refine(isTimeZone, { message: 'fuseau horaire inconnu (p. ex. Africa/Conakry)' });
}
