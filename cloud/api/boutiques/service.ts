import { v7 as uuidv7 } from 'uuid';
import type { SqlClient } from '../../../sync/server/store.js';
import type { Queryable } from '../../db/database.js';
import { conflict } from '../http/errors.js';
import * as repository from './repository.js';
import type { Boutique } from './repository.js';

export type { Boutique } from './repository.js';

export type BoutiqueInput = Omit<Boutique, 'id' | 'currency'>;

export async function listBoutiques(tx: Queryable, tenantId: string): Promise<Boutique[]> {
  return repository.listBoutiques(tx, tenantId);
}

/** A new boutique in the company's currency; its code is unique in the company (409 otherwise). */
export async function createBoutique(tx: Queryable, tenantId: string, currency: string, input: BoutiqueInput): Promise<Boutique> {
  const created = await repository.insertBoutique(tx, tenantId, { id: uuidv7(), ...input, currency });
  if (!created) throw conflict('BOUTIQUE_CODE_TAKEN', { code: input.code });
  await publishTillBoutiques(tx, tenantId, [created.id]);
  return created;
}

/**
 * Writes the tills' view of the tenant's boutiques (replicated as `boutiques`) from the cloud's
 * boutiques table: all of them, or those named. Only a missing or changed view is written, so
 * calling it again (at every enrolment) sends the tills nothing new.
 */
export async function publishTillBoutiques(tx: SqlClient, tenantId: string, ids?: string[]): Promise<void> {
  const rows = await repository.boutiquesForTills(tx, tenantId, ids ?? null);
  const published = await repository.publishedTillBoutiques(tx, tenantId, rows.map((row) => row.id));
  const now = new Date().toISOString();
  const changed = rows
    .filter((row) => {
      const previous = published.get(row.id);
      return !previous || (Object.keys(row) as Array<keyof typeof row>).some((field) => previous[field] !== row[field]);
    })
    .map((row) => ({ ...row, tenantId, updatedAt: now }));
  await repository.saveTillBoutiques(tx, tenantId, changed);
}
