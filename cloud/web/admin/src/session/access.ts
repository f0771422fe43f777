/**
 * What the menu offers. shared/rbac.ts decides every entry; the API decides in the end, on
 * every call. These only keep a screen from offering what would be refused.
 */
import { can, type Module, type Role } from '../../../../../shared/rbac.js';

/** `id` names the entry where one module has several (the menu's test ids); the module otherwise. */
export type MenuEntry = { path: string; module: Module; labelKey: string; id?: string };

/** Only screens that work are listed: one entry per finished screen. */
export const MENU: readonly MenuEntry[] = [
  { path: '/produits', module: 'products', labelKey: 'ui.nav.products' },
  { path: '/stock', module: 'stock', labelKey: 'ui.nav.stock' },
  { path: '/transferts', module: 'transfers', labelKey: 'ui.nav.transfers' },
  { path: '/fournisseurs', module: 'suppliers', labelKey: 'ui.suppliers.title', id: 'suppliers' },
  { path: '/commandes-achat', module: 'suppliers', labelKey: 'ui.purchaseOrders.title', id: 'purchase-orders' },
  { path: '/commandes', module: 'ecommerce.orders', labelKey: 'ui.orders.menu' },
];

export function menuFor(role: Role): MenuEntry[] {
  return MENU.filter((entry) => can(role, entry.module, 'read'));
}

/**
 * The back office is for those who manage people: the roles that may read the staff (the
 * `users` module). A cashier reads the products and stock too, but for the till, not here.
 */
export function mayUseBackOffice(role: Role): boolean {
  return can(role, 'users', 'read');
}
