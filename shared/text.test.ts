import { describe, expect, it } from 'vitest';
import { searchForm } from './text.js';

describe('searchForm', () => {
  it('drops accents, case and extra spaces', () => {
    expect(searchForm('  Café   TOUBA ')).toBe('cafe touba');
    expect(searchForm('Éponge grattoir')).toBe('eponge grattoir');
    expect(searchForm('Sardines à l’huile')).toBe('sardines a l huile');
  });
});

describe('the text rule', () => {
  it('refuses NUL bytes and lone surrogates, keeps real characters', async () => {
    const { isSafeText } = await import('./text.js');
    expect(isSafeText('Fatoumata Camara 🇬🇳')).toBe(true);
    expect(isSafeText('ab\u0000cd')).toBe(false);
    expect(isSafeText('x\ud800y')).toBe(false);
    expect(isSafeText('x\udc00')).toBe(false);
    expect(isSafeText('\ud83d\ude00')).toBe(true);
  });

  it('finds the first unsafe place in a value, its depth, size and keys', async () => {
    const { findUnsafeValue } = await import('./text.js');
    expect(findUnsafeValue({ lines: [{ name: 'riz' }, { name: 'a\u0000' }] })).toEqual({ path: 'lines.1.name', reason: 'text' });
    expect(findUnsafeValue(JSON.parse('{"__proto__":{"admin":true}}'))).toEqual({ path: '__proto__', reason: 'key' });
    let deep: unknown = 'x';
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(findUnsafeValue(deep)?.reason).toBe('depth');
    expect(findUnsafeValue({ a: Array.from({ length: 20_000 }, () => 1) })?.reason).toBe('size');
    expect(findUnsafeValue({ ok: ['Conakry', 12, null, true] })).toBeNull();
  });
});
