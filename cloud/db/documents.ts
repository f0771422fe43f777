import type { Queryable } from './database.js';
import type { DocumentTable } from './migrations/tenant.js';

export type StoredDocument = { id: string; boutiqueId?: string | null; deleted?: boolean; [field: string]: unknown };

/**
 * Takes `count` numbers from the tenant's change sequence. The row lock is held until the
 * transaction ends, so writers of one tenant commit in sequence order: a pull that has read up to
 * N can never later miss a change numbered below N.
 */
export async function nextSequence(tx: Queryable, tenantId: string, count: number): Promise<number> {
  const { rows } = await tx.query<{ value: number }>(
    `INSERT INTO tenant_sequences (tenant_id, value) VALUES ($1, $2)
     ON CONFLICT (tenant_id) DO UPDATE SET value = tenant_sequences.value + $2 RETURNING value`,
    [tenantId, count],
  );
  return rows[0]!.value - count + 1;
}

/** Facts are born once and never edited: a second write of the same id changes nothing. */
export const FACT_TABLES: ReadonlySet<DocumentTable> = new Set(['sales', 'returns', 'stock_movements', 'cash_session_events']);

/**
 * Writes documents of a collection in one statement, numbering them in the tenant's sequence.
 * Reference and shared documents are replaced; facts already stored are left as they are (the
 * caller compares contents). Returns the ids actually written. New stock movements move the
 * materialised stock total in the same transaction.
 */
export async function writeDocuments(tx: Queryable, tenantId: string, table: DocumentTable, docs: StoredDocument[]): Promise<string[]> {
  if (docs.length === 0) return [];
  const first = await nextSequence(tx, tenantId, docs.length);
  const onConflict = FACT_TABLES.has(table)
    ? 'DO NOTHING'
    : `DO UPDATE SET boutique_id = excluded.boutique_id, seq = excluded.seq, deleted = excluded.deleted, doc = excluded.doc, updated_at = excluded.updated_at`;
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO ${table} (tenant_id, id, boutique_id, seq, deleted, doc, updated_at)
     SELECT $1, d.id, d.boutique_id, $2::bigint + d.ord - 1, d.deleted, d.doc, now()
     FROM jsonb_to_recordset($3::jsonb) AS d(id text, boutique_id text, deleted boolean, doc jsonb, ord int)
     ON CONFLICT (tenant_id, id) ${onConflict}
     RETURNING id`,
    [
      tenantId,
      first,
      JSON.stringify(docs.map((doc, i) => ({ id: doc.id, boutique_id: doc.boutiqueId ?? null, deleted: doc.deleted ?? false, doc, ord: i + 1 }))),
    ],
  );
  const written = rows.map((r) => r.id);
  if (table === 'stock_movements' && written.length > 0) {
    const fresh = new Set(written);
    await tx.query(
      `INSERT INTO stock_levels (tenant_id, boutique_id, product_id, quantity_milli)
       SELECT $1, m.boutique_id, m.product_id, sum(m.quantity_milli)
       FROM jsonb_to_recordset($2::jsonb) AS m(boutique_id text, product_id text, quantity_milli bigint)
       GROUP BY m.boutique_id, m.product_id
       ON CONFLICT (tenant_id, boutique_id, product_id) DO UPDATE
         SET quantity_milli = stock_levels.quantity_milli + excluded.quantity_milli, updated_at = now()`,
      [tenantId, JSON.stringify(docs.filter((d) => fresh.has(d.id)).map((d) => ({ boutique_id: d.boutiqueId, product_id: d.productId, quantity_milli: d.quantityMilli })))],
    );
  }
  return written;
}
