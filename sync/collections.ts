/**
 * The replicated collections and who owns them (ARCHITECTURE §4). The rule decides conflicts:
 * facts cannot conflict, cloud-owned documents are never written by a till, customers merge
 * field by field.
 */
export type OwnershipRule = 'fact' | 'cloud-owned' | 'shared-lww';

export type ReplicatedCollection = {
  name: string;
  rule: OwnershipRule;
  /** Boutique-scoped documents reach only the tills of their boutique. */
  boutiqueScoped: boolean;
};

export const REPLICATED_COLLECTIONS = [
  { name: 'products', rule: 'cloud-owned', boutiqueScoped: false },
  { name: 'categories', rule: 'cloud-owned', boutiqueScoped: false },
  { name: 'settings', rule: 'cloud-owned', boutiqueScoped: false },
  { name: 'sales', rule: 'fact', boutiqueScoped: true },
  { name: 'returns', rule: 'fact', boutiqueScoped: true },
  { name: 'stock_movements', rule: 'fact', boutiqueScoped: true },
  { name: 'cash_session_events', rule: 'fact', boutiqueScoped: true },
  { name: 'customers', rule: 'shared-lww', boutiqueScoped: false },
] as const satisfies readonly ReplicatedCollection[];

export type ReplicatedCollectionName = (typeof REPLICATED_COLLECTIONS)[number]['name'];

export function replicatedCollection(name: string): ReplicatedCollection | undefined {
  return REPLICATED_COLLECTIONS.find((c) => c.name === name);
}
