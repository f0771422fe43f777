import { describe, expect, it } from 'vitest';
import { choiceField, flagField, textField } from './address-filters.js';

describe('filters kept in the address', () => {
  it('keeps text as typed and leaves an empty one out', () => {
    const q = textField('q');
    expect(q.read(null)).toBe('');
    expect(q.read('riz 5 kg')).toBe('riz 5 kg');
    expect(q.write('')).toBeNull();
    expect(q.write('riz')).toBe('riz');
  });

  it('reads an unknown or missing choice as the default, and leaves the default out', () => {
    const status = choiceField('statut', ['active', 'archived', 'all'] as const, 'active');
    expect(status.read(null)).toBe('active');
    expect(status.read('n-importe-quoi')).toBe('active');
    expect(status.read('archived')).toBe('archived');
    expect(status.write('active')).toBeNull();
    expect(status.write('all')).toBe('all');
    const any = choiceField('statut', ['draft', 'sent'] as const, '');
    expect(any.read('sent')).toBe('sent');
    expect(any.read('')).toBe('');
    expect(any.write('')).toBeNull();
  });

  it('writes a flag as 1 when on and nothing when off', () => {
    const low = flagField('bas');
    expect(low.read('1')).toBe(true);
    expect(low.read('0')).toBe(false);
    expect(low.read(null)).toBe(false);
    expect(low.write(true)).toBe('1');
    expect(low.write(false)).toBeNull();
  });
});
