/**
 * The form of a name that search compares: lower case, no accents, single spaces. "Café Touba"
 * and "cafe touba" meet; the till and the cloud index the same form.
 */
export function searchForm(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[’']/g, ' ')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The one rule for text from outside (HTTP bodies and queries, sync documents, bridge calls): no
 * NUL byte (PostgreSQL refuses it in text) and no lone surrogate (it is not Unicode: PostgreSQL
 * refuses it in JSON, and it cannot be encoded in UTF-8 without loss). With the `u` flag, a
 * well-formed surrogate pair is one code point, so only lone halves match the class.
 */
const UNSAFE_TEXT = /[\u0000\uD800-\uDFFF]/u;

export function isSafeText(text: string): boolean {
  return !UNSAFE_TEXT.test(text);
}

/** How deep and how wide a value from outside may be: our documents are a few levels deep. */
export const VALUE_LIMITS = { depth: 12, keys: 10_000 } as const;

/**
 * The first place in a value from outside that breaks the text rule or the limits, as a path
 * (`lines.3.name`) with the reason, or null when the whole value is acceptable. Keys count too,
 * and `__proto__` is refused as a key: nothing of ours is named so and merging it is an attack.
 */
export function findUnsafeValue(value: unknown, limits: { depth: number; keys: number } = VALUE_LIMITS): { path: string; reason: 'text' | 'depth' | 'size' | 'key' } | null {
  let keys = 0;
  const visit = (current: unknown, path: string[], depth: number): { path: string; reason: 'text' | 'depth' | 'size' | 'key' } | null => {
    if (typeof current === 'string') return isSafeText(current) ? null : { path: path.join('.'), reason: 'text' };
    if (typeof current !== 'object' || current === null) return null;
    if (depth >= limits.depth) return { path: path.join('.'), reason: 'depth' };
    const entries = Array.isArray(current) ? current.map((item, index) => [String(index), item] as const) : Object.entries(current);
    keys += entries.length;
    if (keys > limits.keys) return { path: path.join('.'), reason: 'size' };
    for (const [key, item] of entries) {
      if (key === '__proto__' || !isSafeText(key)) return { path: [...path, key === '__proto__' ? key : '?'].join('.'), reason: 'key' };
      const found = visit(item, [...path, key], depth + 1);
      if (found) return found;
    }
    return null;
  };
  return visit(value, [], 0);
}
