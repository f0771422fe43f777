import type { TillBoutique } from '../../../shared/schema/index.js';
import { readDocuments, writeDocuments, type SqlClient } from '../../../sync/server/store.js';

/**
 * Writes the tills' view of the tenant's boutiques (replicated as `boutiques`) from the cloud's
 * boutiques table: all of them, or those named. Only a missing or changed view is written, so
 * calling it again (at every enrolment) sends the tills nothing new.
 */
export async function publishTillBoutiques(tx: SqlClient, tenantId: string, ids?: string[]): Promise<void> {
  const { rows } = await tx.query<Omit<TillBoutique, 'tenantId' | 'updatedAt'>>(
    `SELECT id, code, name, address, phone, tax_id AS "taxId", time_zone AS "timeZone", currency
     FROM boutiques WHERE tenant_id = $1 AND ($2::text[] IS NULL OR id = ANY($2))`,
    [tenantId, ids ?? null],
  );
  const published = await readDocuments(tx, tenantId, 'till_boutiques', rows.map((row) => row.id));
  const now = new Date().toISOString();
  const changed = rows
    .filter((row) => {
      const previous = published.get(row.id)?.doc as TillBoutique | undefined;
      return !previous || (Object.keys(row) as Array<keyof typeof row>).some((field) => previous[field] !== row[field]);
    })
    .map((row) => ({ ...row, tenantId, updatedAt: now }));
  await writeDocuments(tx, tenantId, 'till_boutiques', changed);
}
