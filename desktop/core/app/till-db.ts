import { join } from 'node:path';
import { createRxDatabase, type RxDatabase } from 'rxdb';
import { TILL_COLLECTIONS } from '../../../shared/schema/index.js';
import { getRxStorageSQLite } from '../db/index.js';

/** One directory per enrolled till: a re-enrolled machine never mixes two tenants' data. */
export function tillDirectory(dataDirectory: string, deviceId: string): string {
  return join(dataDirectory, 'tills', deviceId);
}

export async function openTillDatabase(directory: string): Promise<RxDatabase> {
  const db = await createRxDatabase({ name: 'till', storage: getRxStorageSQLite({ directory }), multiInstance: false });
  await db.addCollections(TILL_COLLECTIONS as never);
  return db;
}

/** Every collection of the till is replicated. */
export const TILL_SYNCED_COLLECTIONS = Object.keys(TILL_COLLECTIONS);
