/**
 * The replicated collections and who owns them (ARCHITECTURE §4). The rule decides conflicts:
 * facts cannot conflict, cloud-owned documents are never written by a till, customers merge
 * field by field.
 */
export type OwnershipRule = 'fact' | 'cloud-owned' | 'shared-lww';

export type ReplicatedCollection = {
  name: string;
  /** The cloud table holding it (the collection's name unless it would clash). */
  table: string;
  rule: OwnershipRule;
  /** Boutique-scoped documents reach only the tills of their boutique. */
  boutiqueScoped: boolean;
};

export const REPLICATED_COLLECTIONS = [
  { name: 'products', table: 'products', rule: 'cloud-owned', boutiqueScoped: false },
  { name: 'categories', table: 'categories', rule: 'cloud-owned', boutiqueScoped: false },
  { name: 'settings', table: 'settings', rule: 'cloud-owned', boutiqueScoped: false },
  // The till's view of the staff (offline-login verifiers, never the online password hash),
  // projected from the cloud's users table whenever a user or a password changes.
  { name: 'users', table: 'till_users', rule: 'cloud-owned', boutiqueScoped: false },
  // The tenant's shops, projected from the cloud's boutiques table: a till prints its own's
  // address and phone on receipts.
  { name: 'boutiques', table: 'till_boutiques', rule: 'cloud-owned', boutiqueScoped: false },
  { name: 'sales', table: 'sales', rule: 'fact', boutiqueScoped: true },
  { name: 'returns', table: 'returns', rule: 'fact', boutiqueScoped: true },
  { name: 'stock_movements', table: 'stock_movements', rule: 'fact', boutiqueScoped: true },
  { name: 'cash_session_events', table: 'cash_session_events', rule: 'fact', boutiqueScoped: true },
  { name: 'customers', table: 'customers', rule: 'shared-lww', boutiqueScoped: false },
  // Transfers between boutiques reach the tills of their destination (the document's boutiqueId),
  // which confirm reception with transfer_in movements: the cloud alone writes the transfer.
  { name: 'transfers', table: 'transfers', rule: 'cloud-owned', boutiqueScoped: true },
] as const satisfies readonly ReplicatedCollection[];

export type ReplicatedCollectionName = (typeof REPLICATED_COLLECTIONS)[number]['name'];
export type ReplicatedTable = (typeof REPLICATED_COLLECTIONS)[number]['table'];

export function replicatedCollection(name: string): ReplicatedCollection | undefined {
  return REPLICATED_COLLECTIONS.find((c) => c.name === name);
}
