import { addRxPlugin, createRxDatabase } from 'rxdb';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import { describe, expect, it } from 'vitest';
import { TILL_COLLECTIONS } from './index.js';

addRxPlugin(RxDBMigrationSchemaPlugin);

describe('till collection schemas', () => {
  it('compile in RxDB, accept a valid document and refuse an invalid one', async () => {
    const db = await createRxDatabase({ name: 'schemas', storage: wrappedValidateAjvStorage({ storage: getRxStorageMemory() }), multiInstance: false });
    const collections = await db.addCollections(TILL_COLLECTIONS as never);
    expect(Object.keys(collections).sort()).toEqual(Object.keys(TILL_COLLECTIONS).sort());
    const now = '2026-11-25T10:00:00.000Z';
    await collections.returns!.insert({ id: 'r1', tenantId: 't', boutiqueId: 'b', deviceId: 'd', cashierId: 'c', saleId: 's', lines: [{ productId: 'p', quantityMilli: 1000, refundMinor: 12_500 }], refunds: [{ method: 'cash', amountMinor: 12_500 }], reason: 'défaut', totalMinor: 12_500, createdAt: now });
    await collections.cash_session_events!.insert({ id: 'e1', tenantId: 't', boutiqueId: 'b', deviceId: 'd', sessionId: 's1', userId: 'u', type: 'open', amountMinor: 500_000, createdAt: now });
    await expect(collections.cash_session_events!.insert({ id: 'e2', tenantId: 't', boutiqueId: 'b', deviceId: 'd', sessionId: 's1', userId: 'u', type: 'vol', amountMinor: 1.5, createdAt: now })).rejects.toThrow();
    await expect(collections.products!.insert({ id: 'p', tenantId: 't', barcode: '1', name: 'x' })).rejects.toThrow();
    await db.remove();
  });
});
