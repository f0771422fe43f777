import type { FieldIssue } from '../../shared/errors.js';
import type { Locale } from '../../shared/i18n/index.js';
import { findUnsafeValue } from '../../shared/text.js';
import { BRIDGE_METHODS, type BridgeMethod } from './contract.js';

export type CheckedInput = { ok: true; input: unknown } | { ok: false; issues: FieldIssue[] };

type UnsafeReason = NonNullable<ReturnType<typeof findUnsafeValue>>['reason'];

// Shown in VALIDATION_FAILED's field list, in the language of the rest of the message.
const UNSAFE: Record<Locale, Record<UnsafeReason | 'unreadable', string>> = {
  fr: {
    text: 'caractère interdit (octet nul ou demi-caractère Unicode)',
    depth: 'valeur trop profondément imbriquée',
    size: 'valeur trop volumineuse',
    key: 'nom de champ interdit',
    unreadable: 'valeur illisible',
  },
  en: {
    text: 'forbidden character (NUL byte or lone Unicode surrogate)',
    depth: 'value nested too deeply',
    size: 'value too large',
    key: 'forbidden field name',
    unreadable: 'unreadable value',
  },
};

/** Enough to say what is wrong; a hostile input with thousands of faults gets no longer answer. */
const MAX_ISSUES = 20;

/**
 * The one check of a bridge call's input, made by Electron main before relaying and by core
 * (the authority) before any service runs: first the shared text rule and value limits over the
 * whole value (no NUL byte, no lone surrogate, no `__proto__` key, bounded depth and size), so the
 * zod schema never walks a hostile structure; then the method's schema. Never throws: a refusal is
 * the field list of VALIDATION_FAILED.
 */
export function checkBridgeInput(method: BridgeMethod, input: unknown, locale: Locale): CheckedInput {
  const value = input ?? {};
  const unsafe = findUnsafeValue(value);
  if (unsafe) return { ok: false, issues: [{ path: unsafe.path ? `input.${unsafe.path}` : 'input', message: UNSAFE[locale][unsafe.reason] }] };
  try {
    const parsed = BRIDGE_METHODS[method].input.safeParse(value);
    if (parsed.success) return { ok: true, input: parsed.data };
    return {
      ok: false,
      issues: parsed.error.issues.slice(0, MAX_ISSUES).map((issue) => ({ path: ['input', ...issue.path.map(String)].join('.'), message: issue.message })),
    };
  } catch {
    // A getter or proxy that throws cannot come over JSON or IPC; if it ever does, it is still bad input.
    return { ok: false, issues: [{ path: 'input', message: UNSAFE[locale].unreadable }] };
  }
}
