import { describe, expect, it } from 'vitest';
import { ROLES } from '../../../../../shared/rbac.js';
import { mayUseBackOffice, menuFor } from './access.js';

describe('admin access', () => {
  it('opens the back office to managers and platform staff, never to cashiers', () => {
    expect(ROLES.filter(mayUseBackOffice)).toEqual(['super_admin', 'pdg', 'dg']);
  });

  it('lists the products and the stock for every manager', () => {
    for (const role of ['super_admin', 'pdg', 'dg'] as const) expect(menuFor(role).map((e) => e.path)).toContain('/produits');
    for (const role of ['super_admin', 'pdg', 'dg'] as const) expect(menuFor(role).map((e) => e.path)).toContain('/stock');
  });

  it('lists the online orders for those who may read them', () => {
    for (const role of ['super_admin', 'pdg', 'dg'] as const) expect(menuFor(role).map((e) => e.path)).toContain('/commandes');
  });

  it('lists the transfers for every manager (shared/rbac: transfers read)', () => {
    for (const role of ['super_admin', 'pdg', 'dg'] as const) expect(menuFor(role).map((e) => e.path)).toContain('/transferts');
  });

  it('lists suppliers and purchase orders for whoever may read suppliers', () => {
    for (const role of ['super_admin', 'pdg', 'dg'] as const) {
      expect(menuFor(role).filter((e) => e.module === 'suppliers').map((e) => [e.path, e.id])).toEqual([['/fournisseurs', 'suppliers'], ['/commandes-achat', 'purchase-orders']]);
    }
    expect(menuFor('employee').some((e) => e.module === 'suppliers')).toBe(false);
  });
});
