import { findUnsafeValue } from '../../shared/text.js';
import type { ReplicatedTable } from '../collections.js';

/** What the handlers need of a database: the cloud passes its tenant-scoped transaction. */
export type SqlClient = {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<{ rows: R[]; rowCount: number }>;
};

/** `_deleted` (RxDB's tombstone flag) is kept in its own column, not in the stored document. */
export type StoredDocument = { id: string; boutiqueId?: string | null; _deleted?: boolean; [field: string]: unknown };

/**
 * The PostgreSQL channel on which every committed write announces its tenant, and the till that
 * wrote it when a till did (`<tenantId> <deviceId>`): that till has the documents already.
 */
export const CHANGES_CHANNEL = 'afrigest_changes';

export function changeNotice(tenantId: string, origin: string | null): string {
  return origin ? `${tenantId} ${origin}` : tenantId;
}

export function parseChangeNotice(payload: string): { tenantId: string; origin: string | null } {
  const space = payload.indexOf(' ');
  return space < 0 ? { tenantId: payload, origin: null } : { tenantId: payload.slice(0, space), origin: payload.slice(space + 1) };
}

/** Facts are born once and never edited: a second write of the same id changes nothing. */
export const FACT_TABLES: ReadonlySet<ReplicatedTable> = new Set(['sales', 'returns', 'stock_movements', 'cash_session_events']);

/**
 * Writes documents of a collection in one statement, numbering them in the tenant's change
 * sequence. Reference and shared documents are replaced; facts already stored are left as they
 * are (the caller compares contents). Returns the ids actually written. New stock movements move
 * the materialised stock total in the same transaction. `origin`: the till whose push this is.
 * Collection names are table names; only names from our own list ever reach SQL.
 *
 * Taking the numbers locks the tenant's sequence row until the transaction ends, so writers of
 * one tenant commit in sequence order: a pull that has read up to N can never later miss a change
 * numbered below N. The other writers of the tenant wait for that lock, so it is taken by the
 * statement that writes the rows and the notice to the other API instances, once the JSON is
 * made: no round trip and no turn of the API's event loop comes between taking it and writing.
 */
export async function writeDocuments(tx: SqlClient, tenantId: string, table: ReplicatedTable, docs: StoredDocument[], origin: string | null = null): Promise<string[]> {
  if (docs.length === 0) return [];
  const onConflict = FACT_TABLES.has(table)
    ? 'DO NOTHING'
    : `DO UPDATE SET boutique_id = excluded.boutique_id, seq = excluded.seq, deleted = excluded.deleted, doc = excluded.doc, updated_at = excluded.updated_at`;
  // The documents go to PostgreSQL as one JSON array, taken apart there: `_deleted` becomes the
  // column and leaves the stored document. The notice is delivered on commit only, to every API
  // instance listening: their tills then pull.
  const payload = JSON.stringify(docs);
  const { rows } = await tx.query<{ ids: string[] }>(
    `WITH taken AS (
       INSERT INTO tenant_sequences (tenant_id, value) VALUES ($1, $2)
       ON CONFLICT (tenant_id) DO UPDATE SET value = tenant_sequences.value + $2 RETURNING value - $2 AS before
     ), written AS (
       INSERT INTO ${table} (tenant_id, id, boutique_id, seq, deleted, doc, updated_at)
       SELECT $1, d->>'id', d->>'boutiqueId', taken.before + a.ord, coalesce((d->>'_deleted')::boolean, false), d - '_deleted', now()
       FROM taken, jsonb_array_elements($3::jsonb) WITH ORDINALITY AS a(d, ord)
       ON CONFLICT (tenant_id, id) ${onConflict}
       RETURNING id
     )
     SELECT w.ids, CASE WHEN cardinality(w.ids) > 0 THEN pg_notify('${CHANGES_CHANNEL}', $4) END
     FROM (SELECT coalesce(array_agg(id), '{}') AS ids FROM written) AS w`,
    [tenantId, docs.length, payload, changeNotice(tenantId, origin)],
  );
  const written = rows[0]!.ids;
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

export type StoredRow = { id: string; seq: number; deleted: boolean; doc: Record<string, unknown> };

export async function readDocuments(tx: SqlClient, tenantId: string, table: ReplicatedTable, ids: string[]): Promise<Map<string, StoredRow>> {
  const { rows } = await tx.query<StoredRow>(
    `SELECT id, seq, deleted, doc FROM ${table} WHERE tenant_id = $1 AND id = ANY($2::text[])`,
    [tenantId, ids],
  );
  return new Map(rows.map((row) => [row.id, row]));
}

/** A change as pull sends it: the stored document still as PostgreSQL's JSON text. */
export type ChangedRow = { id: string; seq: number; deleted: boolean; doc: string | null };

/**
 * Changes after `afterSeq`, in sequence order. Boutique-scoped collections give a till its own
 * boutique's documents only. Documents stay JSON text: a pull only passes them on, and a catalogue
 * page would otherwise be parsed and serialised again for nothing. With `withoutDocOf`, the
 * documents that device wrote come back with `doc: null` (their bodies are not even read out of
 * PostgreSQL).
 */
export async function readChanges(
  tx: SqlClient,
  tenantId: string,
  table: ReplicatedTable,
  afterSeq: number,
  limit: number,
  boutiqueId: string | null,
  withoutDocOf: string | null = null,
): Promise<ChangedRow[]> {
  const { rows } = await tx.query<ChangedRow>(
    `SELECT id, seq, deleted, CASE WHEN $5::text IS NOT NULL AND doc->>'deviceId' = $5 THEN NULL ELSE doc::text END AS doc
     FROM ${table}
     WHERE tenant_id = $1 AND seq > $2 AND ($3::text IS NULL OR boutique_id = $3)
     ORDER BY seq LIMIT $4`,
    [tenantId, afterSeq, boutiqueId, limit, withoutDocOf],
  );
  return rows;
}

/** A pushed document the cloud refused, with its reason, as a manager will see it. */
export type SetAside = { documentId: string | null; reason: string; document: unknown };

/**
 * The most of a refused document kept beside its reason, in characters of JSON. A till's real
 * documents are a few kilobytes; a bigger one is kept by its id and reason only, or a till could
 * fill the table with a 2 MiB body per request.
 */
export const REJECTED_DOCUMENT_MAX = 64 * 1024;

/**
 * The refused document as it may be stored: PostgreSQL refuses in JSON what breaks the text rule
 * (NUL bytes, lone surrogates), and such a document, or one too deep or too large, is kept as
 * null: the reason says why it was refused.
 */
function keptDocument(document: unknown): string | null {
  if (document === undefined || findUnsafeValue(document)) return null;
  const json = JSON.stringify(document);
  return json.length <= REJECTED_DOCUMENT_MAX ? json : null;
}

/** Files the refused documents of a push in `sync_rejections`, in one statement, in push order. */
export async function recordRejections(tx: SqlClient, tenantId: string, deviceId: string, collection: string, setAside: SetAside[]): Promise<void> {
  if (setAside.length === 0) return;
  // Each document goes as JSON text inside the JSON array, taken back to jsonb one by one: a
  // document kept as null stays a SQL null.
  const entries = setAside.map((entry) => ({ documentId: entry.documentId, reason: entry.reason, document: keptDocument(entry.document) }));
  await tx.query(
    `INSERT INTO sync_rejections (tenant_id, device_id, collection, document_id, reason, document)
     SELECT $1, $2, $3, e->>'documentId', e->>'reason', (e->>'document')::jsonb
     FROM jsonb_array_elements($4::jsonb) WITH ORDINALITY AS a(e, ord) ORDER BY ord`,
    [tenantId, deviceId, collection, JSON.stringify(entries)],
  );
}
