import { describe, expect, it } from 'vitest';
import { ACTIONS, MODULES } from '../../shared/rbac.js';
import { BRIDGE_METHODS, isBridgeMethod } from './contract.js';
import { bridgeErrorBody } from './errors.js';

describe('bridge contract', () => {
  it('gives every method a right that shared/rbac knows', () => {
    for (const [name, definition] of Object.entries(BRIDGE_METHODS)) {
      const right = definition.right;
      if (typeof right === 'string') expect(['public', 'signed-in'], name).toContain(right);
      else {
        expect(MODULES, name).toContain(right.module);
        expect(ACTIONS, name).toContain(right.action);
      }
    }
  });

  it('refuses unknown fields and names outside the list', () => {
    expect(BRIDGE_METHODS['catalog.search'].input.safeParse({ text: 'riz', extra: 1 }).success).toBe(false);
    expect(BRIDGE_METHODS['checkout.complete'].input.safeParse({ lines: [{ productId: 'p', quantityMilli: 0.5 }], tenders: [{ method: 'cash', amountMinor: 1 }] }).success).toBe(false);
    expect(isBridgeMethod('toString')).toBe(false);
    expect(isBridgeMethod('checkout.complete')).toBe(true);
  });

  it('builds the error format in the user language with its parameters', () => {
    expect(bridgeErrorBody('en', 'DISCOUNT_ABOVE_CAP', { cap: 10 })).toEqual({ code: 'DISCOUNT_ABOVE_CAP', message: 'Discount too high: at most 10 % for your role.', details: { cap: 10 } });
    expect(bridgeErrorBody('fr', 'MOBILE_MONEY_OFFLINE')).toEqual({ code: 'MOBILE_MONEY_OFFLINE', message: 'Paiement mobile indisponible hors connexion : encaissez en espèces.' });
  });
});
