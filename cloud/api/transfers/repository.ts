import type { StockMovement } from '../../../shared/schema/stock-movements.js';
import type { Transfer, TransferStatus } from '../../../shared/schema/transfers.js';
import { writeDocuments } from '../../../sync/server/store.js';
import type { Queryable } from '../../db/database.js';

export type TransferFilter = {
  status: TransferStatus | null;
  /** Transfers leaving or reaching this boutique. */
  boutiqueId: string | null;
  /** A dg's boutiques: only transfers leaving or reaching one of them; null for every boutique. */
  within: string[] | null;
};

/** Where a page starts: the creation instant and id of the previous page's last transfer. */
export type TransferKey = { createdAt: string; id: string };

/**
 * A page of transfers, newest first, after `after` (keyset pagination on the generated columns of
 * migration 0014). One more than `limit` is read to know whether another page follows.
 */
export async function listTransfers(tx: Queryable, tenantId: string, filter: TransferFilter, after: TransferKey | null, limit: number): Promise<Transfer[]> {
  const { rows } = await tx.query<{ doc: Transfer }>(
    `SELECT doc FROM transfers
     WHERE tenant_id = $1 AND NOT deleted
       AND ($2::text IS NULL OR status = $2)
       AND ($3::text IS NULL OR from_boutique_id = $3 OR to_boutique_id = $3)
       AND ($4::text[] IS NULL OR from_boutique_id = ANY($4::text[]) OR to_boutique_id = ANY($4::text[]))
       AND ($5::text IS NULL OR (created_at, id COLLATE "C") < ($5::text, $6::text))
     ORDER BY created_at DESC, id COLLATE "C" DESC LIMIT $7`,
    [tenantId, filter.status, filter.boutiqueId, filter.within, after?.createdAt ?? null, after?.id ?? '', limit + 1],
  );
  return rows.map((row) => row.doc);
}

export async function countTransfers(tx: Queryable, tenantId: string, filter: TransferFilter): Promise<number> {
  const { rows } = await tx.query<{ total: number }>(
    `SELECT count(*)::int AS total FROM transfers
     WHERE tenant_id = $1 AND NOT deleted
       AND ($2::text IS NULL OR status = $2)
       AND ($3::text IS NULL OR from_boutique_id = $3 OR to_boutique_id = $3)
       AND ($4::text[] IS NULL OR from_boutique_id = ANY($4::text[]) OR to_boutique_id = ANY($4::text[]))`,
    [tenantId, filter.status, filter.boutiqueId, filter.within],
  );
  return rows[0]!.total;
}

/**
 * The transfers of these ids. `lock`: each row is held until the transaction ends, so the steps of
 * one transfer (a manager's send or reception, a till's pushed reception) happen one after the
 * other, in id order so two writers never wait on each other crosswise.
 */
export async function findTransfers(tx: Queryable, tenantId: string, ids: string[], lock = false): Promise<Map<string, Transfer>> {
  if (ids.length === 0) return new Map();
  const { rows } = await tx.query<{ doc: Transfer }>(
    `SELECT doc FROM transfers WHERE tenant_id = $1 AND id = ANY($2::text[]) AND NOT deleted
     ORDER BY id COLLATE "C"${lock ? ' FOR UPDATE' : ''}`,
    [tenantId, [...new Set(ids)]],
  );
  return new Map(rows.map((row) => [row.doc.id, row.doc]));
}

/** The next readable number of the company's transfers (1, 2, …), taken in the caller's transaction. */
export async function nextTransferNumber(tx: Queryable, tenantId: string): Promise<number> {
  const { rows } = await tx.query<{ last: string }>(
    `INSERT INTO transfer_numbers (tenant_id, last) VALUES ($1, 1)
     ON CONFLICT (tenant_id) DO UPDATE SET last = transfer_numbers.last + 1 RETURNING last`,
    [tenantId],
  );
  return Number(rows[0]!.last);
}

/** Through the sync store: numbered in the tenant's change sequence, announced to the tills. */
export async function saveTransfer(tx: Queryable, tenantId: string, transfer: Transfer): Promise<void> {
  await writeDocuments(tx, tenantId, 'transfers', [transfer]);
}

/** Movements through the sync store, which keeps stock_levels; an id already stored is left as it is. */
export async function writeMovements(tx: Queryable, tenantId: string, movements: StockMovement[]): Promise<string[]> {
  return writeDocuments(tx, tenantId, 'stock_movements', movements);
}

/** The stored movements whose ids start with `prefix` (a transfer's reception: `<id>:in:`). */
export async function movementsWithPrefix(tx: Queryable, tenantId: string, prefix: string): Promise<StockMovement[]> {
  const { rows } = await tx.query<{ doc: StockMovement }>(
    `SELECT doc FROM stock_movements WHERE tenant_id = $1 AND starts_with(id, $2) AND NOT deleted`,
    [tenantId, prefix],
  );
  return rows.map((row) => row.doc);
}

export async function existingBoutiques(tx: Queryable, tenantId: string, ids: string[]): Promise<Map<string, string>> {
  const { rows } = await tx.query<{ id: string; name: string }>(`SELECT id, name FROM boutiques WHERE tenant_id = $1 AND id = ANY($2::text[])`, [tenantId, ids]);
  return new Map(rows.map((row) => [row.id, row.name]));
}

export async function productNames(tx: Queryable, tenantId: string, ids: string[]): Promise<Map<string, string>> {
  const { rows } = await tx.query<{ id: string; name: string }>(
    `SELECT id, doc->>'name' AS name FROM products WHERE tenant_id = $1 AND id = ANY($2::text[]) AND NOT deleted`,
    [tenantId, ids],
  );
  return new Map(rows.map((row) => [row.id, row.name]));
}
