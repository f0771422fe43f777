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
  // The path is made only when something is found, on the way back up: a sync push walks every
  // value of thousands of documents that are almost always fine.
  type Found = { path: string[]; reason: 'text' | 'depth' | 'size' | 'key' };
  let keys = 0;
  const visit = (current: unknown, depth: number): Found | null => {
    if (typeof current === 'string') return isSafeText(current) ? null : { path: [], reason: 'text' };
    if (typeof current !== 'object' || current === null) return null;
    if (depth >= limits.depth) return { path: [], reason: 'depth' };
    if (Array.isArray(current)) {
      keys += current.length;
      if (keys > limits.keys) return { path: [], reason: 'size' };
      for (let index = 0; index < current.length; index++) {
        const found = visit(current[index], depth + 1);
        if (found) return (found.path.push(String(index)), found);
      }
      return null;
    }
    const own = Object.keys(current);
    keys += own.length;
    if (keys > limits.keys) return { path: [], reason: 'size' };
    for (const key of own) {
      if (key === '__proto__' || !isSafeText(key)) return { path: [key === '__proto__' ? key : '?'], reason: 'key' };
      const found = visit((current as Record<string, unknown>)[key], depth + 1);
      if (found) return (found.path.push(key), found);
    }
    return null;
  };
  const found = visit(value, 0);
  return found ? { path: found.path.reverse().join('.'), reason: found.reason } : null;
}
