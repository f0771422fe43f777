import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resources } from './index.js';

const SRC = fileURLToPath(new URL('..', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.test.ts') ? [path] : [];
  });
}

function lookup(tree: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), tree);
}

describe('the counter speaks French and English everywhere', () => {
  const source = files(SRC).map((f) => readFileSync(f, 'utf8')).join('\n');
  const literal = [...source.matchAll(/\bt\(\s*'((?:ui|errors)\.[\w.]+)'/g)].map((m) => m[1]!);
  const dynamic = [...source.matchAll(/\bt\(\s*`((?:ui|errors)\.[\w.]+)\.\$\{/g)].map((m) => m[1]!);

  it('has every key the screens use in both languages', () => {
    expect(literal.length).toBeGreaterThan(100);
    for (const locale of ['fr', 'en'] as const) {
      const missing = [...new Set(literal)].filter((key) => typeof lookup(resources[locale].translation, key) !== 'string');
      expect(missing, locale).toEqual([]);
      for (const prefix of new Set(dynamic)) expect(typeof lookup(resources[locale].translation, prefix), `${locale} ${prefix}`).toBe('object');
    }
  });

  it('names every tender, role, payment status and sync state the bridge can send', () => {
    for (const locale of ['fr', 'en'] as const) {
      const ui = resources[locale].translation.ui;
      expect(Object.keys(ui.tender).sort()).toEqual(['card', 'cash', 'mtn_momo', 'orange_money']);
      expect(Object.keys(ui.roles).sort()).toEqual(['dg', 'employee', 'pdg', 'super_admin']);
      expect(Object.keys(ui.payment.status).sort()).toEqual(['expired', 'failed', 'pending', 'succeeded']);
      expect(Object.keys(ui.sync)).toEqual(expect.arrayContaining(['online', 'offline', 'revoked', 'idle']));
    }
  });

  it('keeps the same interpolation variables in both languages', () => {
    for (const key of new Set(literal.filter((k) => k.startsWith('ui.')))) {
      const vars = (locale: 'fr' | 'en') => [...String(lookup(resources[locale].translation, key)).matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
      expect(vars('en'), key).toEqual(vars('fr'));
    }
  });
});
