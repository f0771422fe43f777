import type { StockMovement } from '../../../shared/schema/stock-movements.js';
import { writeDocuments } from '../../../sync/server/store.js';
import type { Queryable } from '../../db/database.js';

/**
 * The low-stock threshold of a product, as the catalogue keeps it in the document (0 when unset).
 * The same text as the partial index of migration 0012, which PostgreSQL matches by expression.
 */
export function thresholdOf(alias: string): string {
  return `coalesce((${alias}.doc->>'lowStockMilli')::bigint, 0)`;
}
const THRESHOLD = thresholdOf('p');


export type Boutique = { id: string; code: string; name: string };

export async function listBoutiques(tx: Queryable, tenantId: string): Promise<Boutique[]> {
  const { rows } = await tx.query<Boutique>(`SELECT id, code, name FROM boutiques WHERE tenant_id = $1 ORDER BY code`, [tenantId]);
  return rows;
}

export type ProductInfo = { id: string; name: string; barcode: string; unit: 'piece' | 'kg' | 'l'; active: boolean };

export async function findProduct(tx: Queryable, tenantId: string, productId: string): Promise<ProductInfo | null> {
  const { rows } = await tx.query<ProductInfo>(
    `SELECT id, doc->>'name' AS name, barcode, doc->>'unit' AS unit, active FROM products WHERE tenant_id = $1 AND id = $2 AND NOT deleted`,
    [tenantId, productId],
  );
  return rows[0] ?? null;
}

// ---------------------------------------------------------------------------------------------
// Levels
// ---------------------------------------------------------------------------------------------

export type LevelFilter = {
  barcode: string | null;
  searchPart: string | null;
  categoryId: string | null;
  /** Only products below their threshold in at least one of the boutiques shown. */
  low: boolean;
  boutiqueIds: string[];
};

export type LevelRow = {
  id: string;
  name: string;
  barcode: string;
  categoryId: string;
  unit: 'piece' | 'kg' | 'l';
  searchName: string;
  lowStockMilli: number;
  costMinor: number | null;
  levels: Record<string, number>;
};

/**
 * The FROM and WHERE of the matrix, with their parameters after those already in `params` (`$1`
 * is the tenant). The low-stock view starts from the only products that can be low: those with a
 * threshold, and those with a negative stock in a boutique shown. Both come from small partial
 * indexes (migration 0012), and the union is a set PostgreSQL cannot merge into the products scan,
 * so the view never weighs the levels of 100,000 products to find the few that are low. A boutique
 * without a level row holds nothing (0): it is low when the threshold is above 0.
 */
function levelFilterSql(filter: LevelFilter, params: unknown[]): { from: string; where: string } {
  const conditions = ['p.tenant_id = $1', 'NOT p.deleted', 'p.active'];
  let from = 'products p';
  if (filter.categoryId !== null) {
    params.push(filter.categoryId);
    conditions.push(`p.category_id = $${params.length}`);
  }
  if (filter.barcode !== null || filter.searchPart !== null) {
    params.push(filter.barcode ?? '', filter.searchPart ?? '');
    conditions.push(`(p.barcode = $${params.length - 1} OR strpos(p.search_name, $${params.length}) > 0)`);
  }
  if (filter.low) {
    params.push(filter.boutiqueIds);
    const boutiques = `$${params.length}::text[]`;
    // Weighed inside the union, on the candidates only: a condition on the outer products would
    // be checked on every product the plan happens to scan.
    from = `(SELECT c.id FROM products c
             WHERE c.tenant_id = $1 AND NOT c.deleted AND ${thresholdOf('c')} > 0 AND EXISTS (
               SELECT 1 FROM unnest(${boutiques}) AS b(id)
               LEFT JOIN stock_levels l ON l.tenant_id = $1 AND l.boutique_id = b.id AND l.product_id = c.id
               WHERE coalesce(l.quantity_milli, 0) < ${thresholdOf('c')})
             UNION
             SELECT n.product_id FROM stock_levels n WHERE n.tenant_id = $1 AND n.boutique_id = ANY(${boutiques}) AND n.quantity_milli < 0) AS k
            JOIN products p ON p.tenant_id = $1 AND p.id = k.id`;
  }
  return { from, where: conditions.join(' AND ') };
}

/**
 * A page of the matrix: products in name order (the catalogue's name index, keyset from the last
 * row of the previous page), each with its quantities in the boutiques shown. One row more than
 * `limit` is read to know whether another page follows.
 */
export async function listLevels(
  tx: Queryable,
  tenantId: string,
  filter: LevelFilter,
  after: { searchName: string; id: string } | null,
  limit: number,
): Promise<LevelRow[]> {
  const params: unknown[] = [tenantId, filter.boutiqueIds];
  const sql = levelFilterSql(filter, params);
  let where = sql.where;
  if (after) {
    params.push(after.searchName, after.id);
    where += ` AND (p.search_name, p.id COLLATE "C") > ($${params.length - 1}::text, $${params.length}::text)`;
  }
  params.push(limit + 1);
  const { rows } = await tx.query<LevelRow & { lowStockMilli: string | number; costMinor: string | number | null }>(
    `SELECT p.id, p.doc->>'name' AS name, p.barcode, p.category_id AS "categoryId", p.doc->>'unit' AS unit, p.search_name AS "searchName",
            ${THRESHOLD} AS "lowStockMilli", p.cost_minor AS "costMinor",
            (SELECT coalesce(jsonb_object_agg(l.boutique_id, l.quantity_milli), '{}'::jsonb) FROM stock_levels l
             WHERE l.tenant_id = $1 AND l.product_id = p.id AND l.boutique_id = ANY($2::text[])) AS levels
     FROM ${sql.from} WHERE ${where}
     ORDER BY p.search_name, p.id COLLATE "C" LIMIT $${params.length}`,
    params,
  );
  return rows.map((row) => ({
    ...row,
    lowStockMilli: Number(row.lowStockMilli),
    costMinor: row.costMinor === null ? null : Number(row.costMinor),
    levels: Object.fromEntries(Object.entries(row.levels).map(([k, v]) => [k, Number(v)])),
  }));
}

export async function countLevels(tx: Queryable, tenantId: string, filter: LevelFilter): Promise<number> {
  const params: unknown[] = [tenantId];
  const { from, where } = levelFilterSql(filter, params);
  const { rows } = await tx.query<{ total: number }>(`SELECT count(*)::int AS total FROM ${from} WHERE ${where}`, params);
  return rows[0]!.total;
}

/** One boutique's stock, lowest first (the till-era list, kept for its callers). */
export async function boutiqueStock(tx: Queryable, tenantId: string, boutiqueId: string, belowMilli: number | null, limit: number) {
  const { rows } = await tx.query<{ productId: string; name: string; barcode: string; quantityMilli: string | number }>(
    `SELECT l.product_id AS "productId", p.doc->>'name' AS name, p.doc->>'barcode' AS barcode, l.quantity_milli AS "quantityMilli"
     FROM stock_levels l JOIN products p ON p.tenant_id = l.tenant_id AND p.id = l.product_id
     WHERE l.tenant_id = $1 AND l.boutique_id = $2 AND ($3::bigint IS NULL OR l.quantity_milli < $3)
     ORDER BY l.quantity_milli, name LIMIT $4`,
    [tenantId, boutiqueId, belowMilli, limit],
  );
  return rows.map((row) => ({ ...row, quantityMilli: Number(row.quantityMilli) }));
}

/** Stock on hand of products in a boutique, locked until the transaction ends (an apply reads then writes). */
export async function onHand(tx: Queryable, tenantId: string, boutiqueId: string, productIds: string[]): Promise<Map<string, number>> {
  const { rows } = await tx.query<{ product_id: string; quantity_milli: string | number }>(
    `SELECT product_id, quantity_milli FROM stock_levels WHERE tenant_id = $1 AND boutique_id = $2 AND product_id = ANY($3::text[])`,
    [tenantId, boutiqueId, productIds],
  );
  return new Map(rows.map((row) => [row.product_id, Number(row.quantity_milli)]));
}

// ---------------------------------------------------------------------------------------------
// Movements and who made them
// ---------------------------------------------------------------------------------------------

/** Through the sync store: the levels move in the same transaction and the boutique's tills are told. Returns the ids written. */
export async function writeMovements(tx: Queryable, tenantId: string, movements: StockMovement[]): Promise<string[]> {
  return writeDocuments(tx, tenantId, 'stock_movements', movements);
}

export type AdjustmentRecord = {
  id: string;
  movementId: string;
  boutiqueId: string;
  productId: string;
  quantityMilli: number;
  reason: string;
  countId: string | null;
  authorId: string;
  authorRole: string;
};

/** Records adjustments once: a record already there (same id or same movement) is left as it is. Returns the ids inserted. */
export async function insertAdjustments(tx: Queryable, tenantId: string, records: AdjustmentRecord[]): Promise<string[]> {
  if (records.length === 0) return [];
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO stock_adjustments (tenant_id, id, movement_id, boutique_id, product_id, quantity_milli, reason, count_id, author_id, author_role)
     SELECT $1, r.id, r."movementId", r."boutiqueId", r."productId", r."quantityMilli", r.reason, r."countId", r."authorId", r."authorRole"
     FROM jsonb_to_recordset($2::jsonb) AS r(id text, "movementId" text, "boutiqueId" text, "productId" text, "quantityMilli" bigint, reason text, "countId" text, "authorId" text, "authorRole" text)
     ON CONFLICT DO NOTHING RETURNING id`,
    [tenantId, JSON.stringify(records)],
  );
  return rows.map((row) => row.id);
}

export async function findAdjustment(tx: Queryable, tenantId: string, id: string): Promise<(AdjustmentRecord & { createdAt: string }) | null> {
  const { rows } = await tx.query<AdjustmentRecord & { createdAt: Date | string; quantityMilli: string | number }>(
    `SELECT id, movement_id AS "movementId", boutique_id AS "boutiqueId", product_id AS "productId", quantity_milli AS "quantityMilli", reason,
            count_id AS "countId", author_id AS "authorId", author_role AS "authorRole", created_at AS "createdAt"
     FROM stock_adjustments WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id],
  );
  const row = rows[0];
  return row ? { ...row, quantityMilli: Number(row.quantityMilli), createdAt: new Date(row.createdAt).toISOString() } : null;
}

export type HistoryRow = {
  id: string;
  seq: number;
  kind: StockMovement['kind'];
  boutiqueId: string;
  quantityMilli: number;
  reason: string | null;
  refId: string | null;
  deviceId: string | null;
  deviceName: string | null;
  authorId: string | null;
  authorName: string | null;
  createdAt: string;
};

/** A product's movements in the given boutiques, newest first by change number, after `beforeSeq`. */
export async function productHistory(
  tx: Queryable,
  tenantId: string,
  productId: string,
  boutiqueIds: string[],
  beforeSeq: number | null,
  limit: number,
): Promise<HistoryRow[]> {
  const { rows } = await tx.query<HistoryRow & { seq: string | number; quantityMilli: string | number }>(
    `SELECT m.id, m.seq, m.doc->>'kind' AS kind, m.boutique_id AS "boutiqueId", (m.doc->>'quantityMilli')::bigint AS "quantityMilli",
            m.doc->>'reason' AS reason, m.doc->>'refId' AS "refId", m.doc->>'deviceId' AS "deviceId", d.name AS "deviceName",
            a.author_id AS "authorId", u.name AS "authorName", m.doc->>'createdAt' AS "createdAt"
     FROM stock_movements m
     LEFT JOIN stock_adjustments a ON a.tenant_id = m.tenant_id AND a.movement_id = m.id
     LEFT JOIN users u ON u.tenant_id = m.tenant_id AND u.id = a.author_id
     LEFT JOIN devices d ON d.tenant_id = m.tenant_id AND d.id = m.doc->>'deviceId'
     WHERE m.tenant_id = $1 AND m.doc->>'productId' = $2 AND NOT m.deleted AND m.boutique_id = ANY($3::text[])
       AND ($4::bigint IS NULL OR m.seq < $4)
     ORDER BY m.seq DESC LIMIT $5`,
    [tenantId, productId, boutiqueIds, beforeSeq, limit + 1],
  );
  return rows.map((row) => ({ ...row, seq: Number(row.seq), quantityMilli: Number(row.quantityMilli) }));
}

// ---------------------------------------------------------------------------------------------
// Inventory counts
// ---------------------------------------------------------------------------------------------

export type CountStatus = 'draft' | 'applied' | 'cancelled';

export type CountRow = {
  id: string;
  boutiqueId: string;
  label: string;
  filter: { q?: string; categoryId?: string };
  status: CountStatus;
  createdBy: string;
  createdByName: string | null;
  createdAt: string;
  closedBy: string | null;
  closedByName: string | null;
  closedAt: string | null;
  lines: number;
  counted: number;
};

const COUNT_COLUMNS = `c.id, c.boutique_id AS "boutiqueId", c.label, c.filter, c.status, c.created_by AS "createdBy", cu.name AS "createdByName",
  c.created_at AS "createdAt", c.closed_by AS "closedBy", xu.name AS "closedByName", c.closed_at AS "closedAt",
  (SELECT count(*)::int FROM stock_count_lines l WHERE l.tenant_id = c.tenant_id AND l.count_id = c.id) AS lines,
  (SELECT count(*)::int FROM stock_count_lines l WHERE l.tenant_id = c.tenant_id AND l.count_id = c.id AND l.counted_milli IS NOT NULL) AS counted`;
const COUNT_FROM = `stock_counts c LEFT JOIN users cu ON cu.tenant_id = c.tenant_id AND cu.id = c.created_by
  LEFT JOIN users xu ON xu.tenant_id = c.tenant_id AND xu.id = c.closed_by`;

function toCount(row: CountRow & { createdAt: Date | string; closedAt: Date | string | null }): CountRow {
  return { ...row, createdAt: new Date(row.createdAt).toISOString(), closedAt: row.closedAt === null ? null : new Date(row.closedAt).toISOString() };
}

/**
 * Makes a count sheet: one line per active product matching the filter, with the boutique's stock
 * on hand now as the expected quantity. One statement, whatever the number of products. Returns
 * false when a count of this id exists already (a retried creation).
 */
export async function createCount(
  tx: Queryable,
  tenantId: string,
  count: { id: string; boutiqueId: string; label: string; filter: { barcode: string | null; searchPart: string | null; categoryId: string | null }; createdBy: string },
): Promise<boolean> {
  const inserted = await tx.query(
    `INSERT INTO stock_counts (tenant_id, id, boutique_id, label, filter, created_by) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
    [tenantId, count.id, count.boutiqueId, count.label, JSON.stringify(count.filter), count.createdBy],
  );
  if (inserted.rowCount === 0) return false;
  const params: unknown[] = [tenantId, count.id, count.boutiqueId];
  const conditions = ['p.tenant_id = $1', 'NOT p.deleted', 'p.active'];
  if (count.filter.categoryId !== null) {
    params.push(count.filter.categoryId);
    conditions.push(`p.category_id = $${params.length}`);
  }
  if (count.filter.barcode !== null || count.filter.searchPart !== null) {
    params.push(count.filter.barcode ?? '', count.filter.searchPart ?? '');
    conditions.push(`(p.barcode = $${params.length - 1} OR strpos(p.search_name, $${params.length}) > 0)`);
  }
  await tx.query(
    `INSERT INTO stock_count_lines (tenant_id, count_id, product_id, search_name, expected_milli)
     SELECT $1, $2, p.id, coalesce(p.search_name, ''), coalesce(l.quantity_milli, 0)
     FROM products p LEFT JOIN stock_levels l ON l.tenant_id = p.tenant_id AND l.boutique_id = $3 AND l.product_id = p.id
     WHERE ${conditions.join(' AND ')}`,
    params,
  );
  return true;
}

export async function findCount(tx: Queryable, tenantId: string, countId: string, options: { lock?: boolean } = {}): Promise<CountRow | null> {
  if (options.lock) await tx.query(`SELECT id FROM stock_counts WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, [tenantId, countId]);
  const { rows } = await tx.query<CountRow & { createdAt: Date; closedAt: Date | null }>(
    `SELECT ${COUNT_COLUMNS} FROM ${COUNT_FROM} WHERE c.tenant_id = $1 AND c.id = $2`,
    [tenantId, countId],
  );
  return rows[0] ? toCount(rows[0]) : null;
}

export async function listCounts(
  tx: Queryable,
  tenantId: string,
  options: { boutiqueIds: string[]; status: CountStatus | null; before: string | null; limit: number },
): Promise<CountRow[]> {
  const { rows } = await tx.query<CountRow & { createdAt: Date; closedAt: Date | null }>(
    `SELECT ${COUNT_COLUMNS} FROM ${COUNT_FROM}
     WHERE c.tenant_id = $1 AND c.boutique_id = ANY($2::text[]) AND ($3::text IS NULL OR c.status = $3)
       AND ($4::text IS NULL OR c.id COLLATE "C" < $4::text)
     ORDER BY c.id COLLATE "C" DESC LIMIT $5`,
    [tenantId, options.boutiqueIds, options.status, options.before, options.limit + 1],
  );
  return rows.map(toCount);
}

export type CountLineRow = {
  productId: string;
  name: string;
  barcode: string;
  unit: 'piece' | 'kg' | 'l';
  searchName: string;
  expectedMilli: number;
  countedMilli: number | null;
  /** Stock on hand now (a draft) or when the count was applied. */
  onHandMilli: number;
  costMinor: number | null;
};

export type LineState = 'all' | 'counted' | 'uncounted' | 'variance';

/**
 * The variance each line would make (or made): counted minus on hand (now for a draft, at the
 * apply for an applied count). The same expression orders nothing and filters the variance view.
 */
const ON_HAND = `CASE WHEN c.status = 'applied' THEN coalesce(cl.on_hand_at_apply_milli, cl.expected_milli) ELSE coalesce(l.quantity_milli, 0) END`;

function lineFilterSql(filter: { state: LineState; barcode: string | null; searchPart: string | null }, params: unknown[]): string {
  const conditions = ['cl.tenant_id = $1', 'cl.count_id = $2'];
  if (filter.state === 'counted') conditions.push('cl.counted_milli IS NOT NULL');
  if (filter.state === 'uncounted') conditions.push('cl.counted_milli IS NULL');
  if (filter.state === 'variance') conditions.push(`cl.counted_milli IS NOT NULL AND cl.counted_milli <> ${ON_HAND}`);
  if (filter.barcode !== null || filter.searchPart !== null) {
    params.push(filter.barcode ?? '', filter.searchPart ?? '');
    conditions.push(`(p.barcode = $${params.length - 1} OR strpos(cl.search_name, $${params.length}) > 0)`);
  }
  return conditions.join(' AND ');
}

const LINE_FROM = `stock_count_lines cl
  JOIN stock_counts c ON c.tenant_id = cl.tenant_id AND c.id = cl.count_id
  JOIN products p ON p.tenant_id = cl.tenant_id AND p.id = cl.product_id
  LEFT JOIN stock_levels l ON l.tenant_id = cl.tenant_id AND l.boutique_id = c.boutique_id AND l.product_id = cl.product_id`;

/** A page of a count's lines in the sheet's order (name then id), keyset from the previous page's last line. */
export async function listCountLines(
  tx: Queryable,
  tenantId: string,
  countId: string,
  filter: { state: LineState; barcode: string | null; searchPart: string | null },
  after: { searchName: string; id: string } | null,
  limit: number,
): Promise<CountLineRow[]> {
  const params: unknown[] = [tenantId, countId];
  let where = lineFilterSql(filter, params);
  if (after) {
    params.push(after.searchName, after.id);
    where += ` AND (cl.search_name, cl.product_id COLLATE "C") > ($${params.length - 1}::text, $${params.length}::text)`;
  }
  params.push(limit + 1);
  const { rows } = await tx.query<Record<string, unknown>>(
    `SELECT cl.product_id AS "productId", p.doc->>'name' AS name, p.barcode, p.doc->>'unit' AS unit, cl.search_name AS "searchName",
            cl.expected_milli AS "expectedMilli", cl.counted_milli AS "countedMilli", ${ON_HAND} AS "onHandMilli", p.cost_minor AS "costMinor"
     FROM ${LINE_FROM} WHERE ${where}
     ORDER BY cl.search_name, cl.product_id COLLATE "C" LIMIT $${params.length}`,
    params,
  );
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return rows.map((row) => ({
    productId: row.productId as string, name: row.name as string, barcode: row.barcode as string, unit: row.unit as CountLineRow['unit'],
    searchName: row.searchName as string, expectedMilli: Number(row.expectedMilli), countedMilli: num(row.countedMilli),
    onHandMilli: Number(row.onHandMilli), costMinor: num(row.costMinor),
  }));
}

export type CountTotals = { lines: number; counted: number; withVariance: number; varianceMilli: number; varianceValueMinor: number; uncostedLines: number };

/** The variance report's totals: value at cost, rounded per line to whole minor units. */
export async function countTotals(tx: Queryable, tenantId: string, countId: string): Promise<CountTotals> {
  const { rows } = await tx.query<Record<string, string | number>>(
    `SELECT count(*)::int AS lines, count(cl.counted_milli)::int AS counted,
            count(*) FILTER (WHERE cl.counted_milli IS NOT NULL AND cl.counted_milli <> ${ON_HAND})::int AS "withVariance",
            coalesce(sum(cl.counted_milli - ${ON_HAND}) FILTER (WHERE cl.counted_milli IS NOT NULL), 0)::bigint AS "varianceMilli",
            coalesce(sum(round((cl.counted_milli - ${ON_HAND}) * p.cost_minor / 1000.0)) FILTER (WHERE cl.counted_milli IS NOT NULL AND p.cost_minor IS NOT NULL), 0)::bigint AS "varianceValueMinor",
            count(*) FILTER (WHERE cl.counted_milli IS NOT NULL AND cl.counted_milli <> ${ON_HAND} AND p.cost_minor IS NULL)::int AS "uncostedLines"
     FROM ${LINE_FROM} WHERE cl.tenant_id = $1 AND cl.count_id = $2`,
    [tenantId, countId],
  );
  const row = rows[0]!;
  return {
    lines: Number(row.lines), counted: Number(row.counted), withVariance: Number(row.withVariance),
    varianceMilli: Number(row.varianceMilli), varianceValueMinor: Number(row.varianceValueMinor), uncostedLines: Number(row.uncostedLines),
  };
}

/** Sets counted quantities (null clears one). Returns the product ids that are lines of the count. */
export async function setCounted(
  tx: Queryable,
  tenantId: string,
  countId: string,
  entries: Array<{ productId: string; countedMilli: number | null }>,
  userId: string,
): Promise<string[]> {
  if (entries.length === 0) return [];
  const { rows } = await tx.query<{ product_id: string }>(
    `UPDATE stock_count_lines cl SET counted_milli = e.counted, counted_by = $3, counted_at = now()
     FROM jsonb_to_recordset($4::jsonb) AS e(product_id text, counted bigint)
     WHERE cl.tenant_id = $1 AND cl.count_id = $2 AND cl.product_id = e.product_id
     RETURNING cl.product_id`,
    [tenantId, countId, userId, JSON.stringify(entries.map((e) => ({ product_id: e.productId, counted: e.countedMilli })))],
  );
  return rows.map((row) => row.product_id);
}

/** The count's lines matching identifiers of an import: by barcode, or by the product's SKU when the catalogue has one. */
export async function linesByCode(tx: Queryable, tenantId: string, countId: string, codes: string[]): Promise<Array<{ code: string; productId: string; unit: string }>> {
  const { rows } = await tx.query<{ code: string; productId: string; unit: string }>(
    `SELECT c.code, p.id AS "productId", p.doc->>'unit' AS unit
     FROM unnest($3::text[]) AS c(code)
     JOIN products p ON p.tenant_id = $1 AND NOT p.deleted AND (p.barcode = c.code OR p.doc->>'sku' = c.code)
     JOIN stock_count_lines cl ON cl.tenant_id = $1 AND cl.count_id = $2 AND cl.product_id = p.id`,
    [tenantId, countId, codes],
  );
  return rows;
}

/** Every counted line of a count with the boutique's stock on hand now. */
export async function countedLines(tx: Queryable, tenantId: string, countId: string, boutiqueId: string): Promise<Array<{ productId: string; countedMilli: number; onHandMilli: number }>> {
  const { rows } = await tx.query<{ productId: string; countedMilli: string | number; onHandMilli: string | number }>(
    `SELECT cl.product_id AS "productId", cl.counted_milli AS "countedMilli", coalesce(l.quantity_milli, 0) AS "onHandMilli"
     FROM stock_count_lines cl
     LEFT JOIN stock_levels l ON l.tenant_id = cl.tenant_id AND l.boutique_id = $3 AND l.product_id = cl.product_id
     WHERE cl.tenant_id = $1 AND cl.count_id = $2 AND cl.counted_milli IS NOT NULL`,
    [tenantId, countId, boutiqueId],
  );
  return rows.map((row) => ({ productId: row.productId, countedMilli: Number(row.countedMilli), onHandMilli: Number(row.onHandMilli) }));
}

/** Keeps, per counted line, the stock on hand the apply compared with. */
export async function recordOnHandAtApply(tx: Queryable, tenantId: string, countId: string, lines: Array<{ productId: string; onHandMilli: number }>): Promise<void> {
  if (lines.length === 0) return;
  await tx.query(
    `UPDATE stock_count_lines cl SET on_hand_at_apply_milli = e.on_hand
     FROM jsonb_to_recordset($3::jsonb) AS e(product_id text, on_hand bigint)
     WHERE cl.tenant_id = $1 AND cl.count_id = $2 AND cl.product_id = e.product_id`,
    [tenantId, countId, JSON.stringify(lines.map((l) => ({ product_id: l.productId, on_hand: l.onHandMilli })))],
  );
}

/** Moves a draft to its end state; false when it was no longer a draft. */
export async function closeCount(tx: Queryable, tenantId: string, countId: string, status: 'applied' | 'cancelled', userId: string): Promise<boolean> {
  const result = await tx.query(
    `UPDATE stock_counts SET status = $3, closed_by = $4, closed_at = now() WHERE tenant_id = $1 AND id = $2 AND status = 'draft'`,
    [tenantId, countId, status, userId],
  );
  return result.rowCount > 0;
}
