import { describe, expect, it } from 'vitest';
import { searchForm } from './text.js';

describe('searchForm', () => {
  it('drops accents, case and extra spaces', () => {
    expect(searchForm('  Café   TOUBA ')).toBe('cafe touba');
    expect(searchForm('Éponge grattoir')).toBe('eponge grattoir');
    expect(searchForm('Sardines à l’huile')).toBe('sardines a l huile');
  });
});
