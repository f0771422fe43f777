import type { TillBoutique } from '../../../shared/schema/index.js';
import { readDocuments, writeDocuments, type SqlClient } from '../../../sync/server/store.js';
import type { Queryable } from '../../db/database.js';

export type Boutique = { id: string; code: string; name: string; address: string; phone: string; taxId: string; timeZone: string; currency: string };

export type BoutiqueRow = Omit<TillBoutique, 'tenantId' | 'updatedAt'>;

const COLUMNS = `id, code, name, address, phone, tax_id AS "taxId", time_zone AS "timeZone", currency`;

export async function listBoutiques(tx: Queryable, tenantId: string): Promise<Boutique[]> {
  const { rows } = await tx.query<Boutique>(`SELECT ${COLUMNS} FROM boutiques WHERE tenant_id = $1 ORDER BY code`, [tenantId]);
  return rows;
}

/** The new boutique, or null when the company already has one of that code. */
export async function insertBoutique(tx: Queryable, tenantId: string, boutique: Boutique): Promise<Boutique | null> {
  const { rows } = await tx.query<Boutique>(
    `INSERT INTO boutiques (tenant_id, id, code, name, address, phone, tax_id, time_zone, currency)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (tenant_id, code) DO NOTHING RETURNING ${COLUMNS}`,
    [tenantId, boutique.id, boutique.code, boutique.name, boutique.address, boutique.phone, boutique.taxId, boutique.timeZone, boutique.currency],
  );
  return rows[0] ?? null;
}

/** The boutiques as the tills see them: all of the tenant's, or those named. */
export async function boutiquesForTills(tx: SqlClient, tenantId: string, ids: string[] | null): Promise<BoutiqueRow[]> {
  const { rows } = await tx.query<BoutiqueRow>(`SELECT ${COLUMNS} FROM boutiques WHERE tenant_id = $1 AND ($2::text[] IS NULL OR id = ANY($2))`, [tenantId, ids]);
  return rows;
}

/** The tills' view as last published (the `boutiques` collection they replicate). */
export async function publishedTillBoutiques(tx: SqlClient, tenantId: string, ids: string[]): Promise<Map<string, TillBoutique | undefined>> {
  const published = await readDocuments(tx, tenantId, 'till_boutiques', ids);
  return new Map(ids.map((id) => [id, published.get(id)?.doc as TillBoutique | undefined]));
}

/** Through the sync store: numbered in the tenant's change sequence, announced to the tills. */
export async function saveTillBoutiques(tx: SqlClient, tenantId: string, boutiques: TillBoutique[]): Promise<void> {
  await writeDocuments(tx, tenantId, 'till_boutiques', boutiques);
}
