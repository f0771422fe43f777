import { describe, expect, it } from 'vitest';
import { BRIDGE_METHODS, type BridgeMethod } from './contract.js';
import { checkBridgeInput } from './check-input.js';

/** A value nested `levels` deep: what a hostile page sends to exhaust a recursive validator. */
const nested = (levels: number): unknown => {
  let value: unknown = 'fond';
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
};

describe('checkBridgeInput: the text rule and the contract, for every bridge call', () => {
  it('refuses NUL bytes and lone surrogates in any string, keys included, with the field path', () => {
    expect(checkBridgeInput('customers.create', { name: 'Awa\u0000 Bah', phone: '622112233' }, 'fr')).toEqual({
      ok: false, issues: [{ path: 'input.name', message: 'caractère interdit (octet nul ou demi-caractère Unicode)' }],
    });
    expect(checkBridgeInput('catalog.search', { text: 'riz\ud800' }, 'en')).toEqual({ ok: false, issues: [{ path: 'input.text', message: 'forbidden character (NUL byte or lone Unicode surrogate)' }] });
    // The password is not trimmed, but the rule holds for it too.
    expect(checkBridgeInput('auth.signIn', { email: 'e@demo.local', password: 'x\udc00' }, 'fr')).toMatchObject({ ok: false, issues: [{ path: 'input.password' }] });
    expect(checkBridgeInput('checkout.complete', { lines: [{ productId: 'riz', quantityMilli: 1000 }], tenders: [{ method: 'cash', amountMinor: 1 }], ['\u0000']: 1 }, 'fr')).toMatchObject({ ok: false, issues: [{ path: 'input.?' }] });
    expect(checkBridgeInput('app.setLocale', JSON.parse('{"__proto__":{"admin":true},"locale":"fr"}'), 'fr')).toMatchObject({ ok: false, issues: [{ path: 'input.__proto__' }] });
    // A well-formed emoji (a surrogate pair) is text like any other.
    expect(checkBridgeInput('customers.create', { name: ' Fatou 🇬🇳 ', phone: '622112233' }, 'fr')).toEqual({ ok: true, input: { name: 'Fatou 🇬🇳', phone: '622112233' } });
  });

  it('refuses deep or huge values before the schema walks them, for methods with or without input', () => {
    for (const method of ['app.state', 'checkout.complete', 'customers.create', 'stock.list'] as const satisfies BridgeMethod[]) {
      expect(checkBridgeInput(method, { lines: [nested(100_000)] }, 'fr'), method).toMatchObject({ ok: false, issues: [{ message: 'valeur trop profondément imbriquée' }] });
    }
    expect(checkBridgeInput('checkout.complete', { lines: Array.from({ length: 50_000 }, () => 0) }, 'fr')).toMatchObject({ ok: false, issues: [{ message: 'valeur trop volumineuse' }] });
    expect(checkBridgeInput('catalog.search', 'riz\u0000', 'fr')).toEqual({ ok: false, issues: [{ path: 'input', message: 'caractère interdit (octet nul ou demi-caractère Unicode)' }] });
  });

  it('uses the shared text field for free text: trimmed and bounded', () => {
    expect(checkBridgeInput('returns.create', { saleId: ' s1 ', lines: [{ productId: 'riz', quantityMilli: 1000 }], refundMethod: 'cash', reason: '  abîmé  ' }, 'fr')).toMatchObject({ ok: true, input: { saleId: 's1', reason: 'abîmé' } });
    expect(checkBridgeInput('cash.move', { type: 'cash_in', amountMinor: 5, reason: 'x'.repeat(301) }, 'fr')).toMatchObject({ ok: false, issues: [{ path: 'input.reason' }] });
    expect(checkBridgeInput('customers.create', { name: '   ', phone: '622112233' }, 'fr')).toMatchObject({ ok: false, issues: [{ path: 'input.name' }] });
    expect(checkBridgeInput('cart.save', { lines: [], customer: { id: 'c1', name: ' Awa ', phone: '622112233' } }, 'fr')).toMatchObject({ ok: true, input: { customer: { name: 'Awa' } } });
    expect(checkBridgeInput('cart.save', { lines: [{ productId: 'riz', quantityMilli: 999_999_999_999_000 }] }, 'fr')).toMatchObject({ ok: false, issues: [{ path: 'input.lines.0.quantityMilli' }] });
  });

  it('bounds cart quantities and lengths as shared/cart does, and answers at most 20 issues', () => {
    const cart = (quantityMilli: number, lines = 1) => ({ lines: Array.from({ length: lines }, () => ({ productId: 'riz', quantityMilli })), tenders: [{ method: 'cash', amountMinor: 1 }] });
    expect(checkBridgeInput('checkout.complete', cart(9_999_000), 'fr').ok).toBe(true);
    expect(checkBridgeInput('checkout.complete', cart(999_999_999_999_000), 'fr')).toMatchObject({ ok: false, issues: [{ path: 'input.lines.0.quantityMilli', message: 'au plus 9999 unités par ligne' }] });
    expect(checkBridgeInput('checkout.complete', cart(9_999_001), 'fr').ok).toBe(false);
    expect(checkBridgeInput('checkout.complete', cart(1_000, 501), 'fr')).toMatchObject({ ok: false, issues: [{ path: 'input.lines' }] });
    expect((checkBridgeInput('checkout.complete', cart(-1, 400), 'fr') as { issues: unknown[] }).issues).toHaveLength(20);
  });

  it('never throws, whatever the method is given', () => {
    const values: unknown[] = [null, undefined, 0, 'x', [], [[[]]], { a: null }, nested(13), Number.NaN, { toString: 1 }];
    for (const method of Object.keys(BRIDGE_METHODS) as BridgeMethod[]) {
      for (const value of values) expect(() => checkBridgeInput(method, value, 'fr'), method).not.toThrow();
    }
  });
});
