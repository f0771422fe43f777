/**
 * Who may do what, as data. The cloud's middleware, the desktop core and both UIs ask `can()`;
 * nothing else decides a right.
 */

export const ROLES = ['super_admin', 'pdg', 'dg', 'employee'] as const;
export type Role = (typeof ROLES)[number];

export const MODULES = [
  'users',
  'settings',
  'boutiques',
  'devices',
  'products',
  'suppliers',
  'stock',
  'sales',
  'transfers',
  'reports',
  'customers',
  'ecommerce.products',
  'ecommerce.orders',
  'ecommerce.settings',
  'payments',
  'payments.refunds',
  'messaging',
  'audit',
  'data',
  'admin.companies',
] as const;
export type Module = (typeof MODULES)[number];

export const ACTIONS = ['read', 'write'] as const;
export type Action = (typeof ACTIONS)[number];

/** `all`: every record of the tenant; `own`: only the records the user made (an employee's sales). */
export type Scope = 'all' | 'own';

type Grant = Partial<Record<Action, Scope>>;
const RW: Grant = { read: 'all', write: 'all' };
const R: Grant = { read: 'all' };
const NONE: Grant = {};

/**
 * The matrix. super_admin is platform staff: every module of every tenant plus the companies
 * registry. pdg owns the company; dg runs a boutique; employee sells at the counter.
 */
export const RBAC_MATRIX: Readonly<Record<Module, Readonly<Record<Role, Grant>>>> = {
  users: { super_admin: RW, pdg: RW, dg: R, employee: NONE },
  settings: { super_admin: RW, pdg: RW, dg: R, employee: R },
  boutiques: { super_admin: RW, pdg: RW, dg: R, employee: R },
  devices: { super_admin: RW, pdg: RW, dg: RW, employee: NONE },
  products: { super_admin: RW, pdg: RW, dg: RW, employee: R },
  suppliers: { super_admin: RW, pdg: RW, dg: RW, employee: NONE },
  stock: { super_admin: RW, pdg: RW, dg: RW, employee: R },
  sales: { super_admin: RW, pdg: RW, dg: RW, employee: { read: 'own', write: 'all' } },
  transfers: { super_admin: RW, pdg: RW, dg: RW, employee: R },
  reports: { super_admin: R, pdg: R, dg: R, employee: NONE },
  customers: { super_admin: RW, pdg: RW, dg: RW, employee: RW },
  'ecommerce.products': { super_admin: RW, pdg: RW, dg: RW, employee: NONE },
  'ecommerce.orders': { super_admin: RW, pdg: RW, dg: RW, employee: R },
  'ecommerce.settings': { super_admin: RW, pdg: RW, dg: R, employee: NONE },
  // Employees take payments at the counter; giving money back is for managers.
  payments: { super_admin: RW, pdg: RW, dg: RW, employee: RW },
  'payments.refunds': { super_admin: RW, pdg: RW, dg: RW, employee: NONE },
  messaging: { super_admin: RW, pdg: RW, dg: RW, employee: RW },
  audit: { super_admin: R, pdg: R, dg: NONE, employee: NONE },
  data: { super_admin: RW, pdg: RW, dg: NONE, employee: NONE },
  'admin.companies': { super_admin: RW, pdg: NONE, dg: NONE, employee: NONE },
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The scope a role has on a module for an action, or null when it has none. */
export function scopeOf(role: Role, module: Module, action: Action): Scope | null {
  return RBAC_MATRIX[module][role][action] ?? null;
}

export function can(role: Role, module: Module, action: Action): boolean {
  return scopeOf(role, module, action) !== null;
}

/** Largest discount a role may give at the counter, in basis points of the amount discounted. */
export const DISCOUNT_CAPS: Readonly<Record<Role, number>> = {
  super_admin: 10_000,
  pdg: 10_000,
  dg: 3_000,
  employee: 1_000,
};

/** Roles a given role may create or manage (nobody creates a role above their own). */
export const MANAGEABLE_ROLES: Readonly<Record<Role, readonly Role[]>> = {
  super_admin: ['super_admin', 'pdg', 'dg', 'employee'],
  pdg: ['pdg', 'dg', 'employee'],
  dg: [],
  employee: [],
};
