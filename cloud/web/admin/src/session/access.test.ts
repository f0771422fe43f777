import { describe, expect, it } from 'vitest';
import { ROLES } from '../../../../../shared/rbac.js';
import { mayUseBackOffice, menuFor } from './access.js';

describe('admin access', () => {
  it('opens the back office to managers and platform staff, never to cashiers', () => {
    expect(ROLES.filter(mayUseBackOffice)).toEqual(['super_admin', 'pdg', 'dg']);
  });

  it('lists the products and the stock for every manager', () => {
    for (const role of ['super_admin', 'pdg', 'dg'] as const) expect(menuFor(role).map((e) => e.path)).toEqual(['/produits', '/stock']);
  });
});
