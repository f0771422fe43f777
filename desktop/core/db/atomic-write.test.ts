import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRxDatabase, type RxDatabase } from 'rxdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TILL_COLLECTIONS } from '../../../shared/schema/index.js';
import { AtomicWriteError, insertAtomically } from './atomic-write.js';
import { getRxStorageSQLite } from './index.js';

describe('insertAtomically', () => {
  let directory: string;
  let db: RxDatabase;
  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), 'afrigest-atomic-'));
    db = await createRxDatabase({ name: 'till', storage: getRxStorageSQLite({ directory }), multiInstance: false });
    await db.addCollections(TILL_COLLECTIONS as never);
  });
  afterEach(async () => {
    await db.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const sale = (id: string) => ({
    id, tenantId: 't', boutiqueId: 'b', deviceId: 'd', cashierId: 'c', number: `KAL-C01-${id}`, lines: [], tenders: [{ method: 'cash', amountMinor: 1000 }],
    subtotalMinor: 1000, discountMinor: 0, vatMinor: 153, totalMinor: 1000, createdAt: '2026-11-25T10:00:00.000Z',
  });
  const movement = (id: string, saleId: string) => ({ id, tenantId: 't', boutiqueId: 'b', productId: 'p', quantityMilli: -1000, kind: 'sale', refId: saleId, createdAt: '2026-11-25T10:00:00.000Z' });

  it('writes a sale and its movements together, visible to RxDB queries at once', async () => {
    const live: number[] = [];
    const subscription = db.collections.stock_movements!.count().$.subscribe((n) => live.push(n));
    insertAtomically([
      { collection: db.collections.sales!, documents: [sale('s1')] },
      { collection: db.collections.stock_movements!, documents: [movement('m1', 's1'), movement('m2', 's1')] },
    ]);
    expect((await db.collections.sales!.findOne('s1').exec())?.totalMinor).toBe(1000);
    expect(await db.collections.stock_movements!.count().exec()).toBe(2);
    await new Promise((r) => setTimeout(r, 50));
    expect(live.at(-1)).toBe(2);
    subscription.unsubscribe();
  });

  it('writes nothing at all when one row is refused', async () => {
    insertAtomically([{ collection: db.collections.stock_movements!, documents: [movement('taken', 'old')] }]);
    expect(() =>
      insertAtomically([
        { collection: db.collections.sales!, documents: [sale('s2')] },
        { collection: db.collections.stock_movements!, documents: [movement('m3', 's2'), movement('taken', 's2')] },
      ]),
    ).toThrow(AtomicWriteError);
    expect(await db.collections.sales!.findOne('s2').exec()).toBeNull();
    expect(await db.collections.stock_movements!.findOne('m3').exec()).toBeNull();
    expect(await db.collections.stock_movements!.count().exec()).toBe(1);
  });
});
