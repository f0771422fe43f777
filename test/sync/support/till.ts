import { createRxDatabase, type RxDatabase } from 'rxdb';
import { getRxStorageSQLite } from '../../../desktop/core/db/index.js';
import { TILL_COLLECTIONS } from '../../../shared/schema/index.js';
import { startSync, type FetchLike, type SyncHandle } from '../../../sync/client/replication.js';

export const TILL_SYNCED = ['products', 'categories', 'settings', 'users', 'sales', 'returns', 'stock_movements', 'cash_session_events', 'customers'];

export async function openTill(directory: string): Promise<RxDatabase> {
  const db = await createRxDatabase({ name: 'till', storage: getRxStorageSQLite({ directory }), multiInstance: false });
  await db.addCollections(TILL_COLLECTIONS as never);
  return db;
}

export function syncTill(db: RxDatabase, baseUrl: string, credential: string): SyncHandle {
  return startSync({
    db, baseUrl, credential, fetch: fetch as unknown as FetchLike, collections: TILL_SYNCED,
    retryTime: 100, pollInterval: 200, setInterval, clearInterval: (h) => clearInterval(h as never),
  });
}

/** `count` sales (with their stock movement) written offline, ids fixed by `prefix` so a rerun finds them. */
export async function sellOffline(db: RxDatabase, till: { tenantId: string; boutiqueId: string; deviceId: string }, prefix: string, count: number): Promise<void> {
  // The till's own fields only: a caller may pass its credential along, which no document carries.
  const scope = { tenantId: till.tenantId, boutiqueId: till.boutiqueId, deviceId: till.deviceId };
  const day = Date.UTC(2026, 10, 16);
  const sales = [];
  const movements = [];
  for (let i = 0; i < count; i++) {
    const createdAt = new Date(day + i * 5 * 60_000).toISOString(); // a week of sales, every five minutes
    const id = `${prefix}-sale-${i}`;
    sales.push({
      id, ...scope, cashierId: 'caissier', number: `${prefix}-${i + 1}`,
      lines: [{ productId: 'p1', name: 'Riz', barcode: '2240000000077', unitPriceMinor: 12_500, quantityMilli: 1000, discountMinor: 0, vatRateBp: 1800, totalMinor: 12_500, vatMinor: 1_907 }],
      tenders: [{ method: 'cash', amountMinor: 12_500 }], subtotalMinor: 12_500, discountMinor: 0, vatMinor: 1_907, totalMinor: 12_500, createdAt,
    });
    movements.push({ id: `${prefix}-move-${i}`, tenantId: scope.tenantId, boutiqueId: scope.boutiqueId, productId: 'p1', quantityMilli: -1000, kind: 'sale', refId: id, deviceId: scope.deviceId, createdAt });
  }
  const existing = new Set((await db.collections.sales!.find().exec()).map((d) => d.primary));
  await db.collections.sales!.bulkInsert(sales.filter((s) => !existing.has(s.id)));
  await db.collections.stock_movements!.bulkInsert(movements.filter((m) => !existing.has(m.refId)));
}
