import { describe, expect, it } from 'vitest';
import { can, MODULES, RBAC_MATRIX, ROLES, scopeOf } from './rbac.js';

describe('rbac', () => {
  it('has a row for every module and a cell for every role', () => {
    for (const module of MODULES) for (const role of ROLES) expect(RBAC_MATRIX[module][role]).toBeDefined();
  });

  it('never lets a role write what it cannot read', () => {
    for (const module of MODULES) for (const role of ROLES) {
      if (can(role, module, 'write') && module !== 'sales') expect(can(role, module, 'read')).toBe(true);
    }
  });

  it('keeps employees to their own sales and away from management', () => {
    expect(scopeOf('employee', 'sales', 'read')).toBe('own');
    expect(can('employee', 'sales', 'write')).toBe(true);
    expect(can('employee', 'users', 'read')).toBe(false);
    expect(can('employee', 'stock', 'write')).toBe(false);
    expect(can('dg', 'devices', 'write')).toBe(true);
    expect(can('pdg', 'admin.companies', 'read')).toBe(false);
    expect(can('super_admin', 'admin.companies', 'write')).toBe(true);
  });

  it('lets employees take payments but only managers refund them', () => {
    expect(can('employee', 'payments', 'write')).toBe(true);
    expect(can('employee', 'payments.refunds', 'write')).toBe(false);
    for (const role of ['super_admin', 'pdg', 'dg'] as const) expect(can(role, 'payments.refunds', 'write')).toBe(true);
  });
});
