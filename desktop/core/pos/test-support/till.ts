/** A real till database in a temp directory for the POS services' tests (never mocks). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRxDatabase, type RxDatabase } from 'rxdb';
import { TILL_COLLECTIONS, type Product } from '../../../../shared/schema/index.js';
import { searchForm } from '../../../../shared/text.js';
import { getRxStorageSQLite } from '../../db/index.js';
import type { TillIdentity } from '../checkout.js';

export const testTill: TillIdentity = { tenantId: 't', boutiqueId: 'b', boutiqueCode: 'KAL', deviceId: 'd1', deviceCode: 'C01', currency: 'GNF' };

export type TestTill = { db: RxDatabase; directory: string; close(): Promise<void> };

export async function openTestTill(prefix: string): Promise<TestTill> {
  const directory = mkdtempSync(join(tmpdir(), `afrigest-${prefix}-`));
  const db = await createRxDatabase({ name: 'till', storage: getRxStorageSQLite({ directory }), multiInstance: false });
  await db.addCollections(TILL_COLLECTIONS as never);
  const till: TestTill = {
    db,
    directory,
    // The test may have reopened the database: close whichever is current.
    async close() {
      await till.db.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
  return till;
}

export function testProduct(id: string, name: string, priceMinor: number, extra: Partial<Product> = {}): Product {
  const barcode = extra.barcode ?? `224${id.padStart(10, '0')}`.slice(0, 13);
  return {
    id, tenantId: 't', sku: `SKU-${id}`, barcode, barcodes: [barcode], name, searchName: searchForm(name), categoryId: 'c',
    priceMinor, vatRateBp: 1800, unit: 'piece', lowStockMilli: 0, boutiquePrices: [], active: true, updatedAt: '2026-11-25T00:00:00Z', ...extra,
  };
}

/** A clock the test moves: each call is one second after the previous one. */
export function steppingClock(start = Date.UTC(2026, 10, 25, 8, 0, 0)): { clock: () => Date; advance(ms: number): void } {
  let now = start;
  return {
    clock: () => {
      now += 1000;
      return new Date(now);
    },
    advance(ms: number) {
      now += ms;
    },
  };
}
