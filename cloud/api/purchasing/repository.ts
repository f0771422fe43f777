import type { StockMovement } from '../../../shared/schema/stock-movements.js';
import { writeDocuments } from '../../../sync/server/store.js';
import type { Queryable } from '../../db/database.js';

export type SupplierRow = {
  id: string;
  name: string;
  contact: string;
  phone: string;
  email: string;
  address: string;
  notes: string;
  active: boolean;
  createdAt: string;
  updatedAt: string;
};

export type SupplierFields = Omit<SupplierRow, 'id' | 'createdAt' | 'updatedAt'>;
export type SupplierStatus = 'active' | 'archived' | 'all';
/** Where a page of suppliers starts: the sort name and id of the previous page's last one. */
export type SupplierKey = { name: string; id: string };

const SUPPLIER_COLUMNS = `id, name, contact, phone, email, address, notes, active,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt",
  to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "updatedAt"`;

function supplierFilter(filter: { searchPart: string | null; status: SupplierStatus }, params: unknown[]): string {
  const conditions = ['tenant_id = $1'];
  if (filter.status !== 'all') conditions.push(filter.status === 'active' ? 'active' : 'NOT active');
  if (filter.searchPart !== null) {
    // strpos, not LIKE: what the user typed is never a pattern.
    params.push(filter.searchPart);
    conditions.push(`strpos(search_text, $${params.length}) > 0`);
  }
  return conditions.join(' AND ');
}

/** A page of suppliers by name (their search form), after `after`; one more row tells whether another page follows. */
export async function listSuppliers(
  tx: Queryable,
  tenantId: string,
  options: { searchPart: string | null; status: SupplierStatus; after: SupplierKey | null; limit: number },
): Promise<Array<SupplierRow & { sortName: string }>> {
  const params: unknown[] = [tenantId];
  let where = supplierFilter(options, params);
  if (options.after) {
    params.push(options.after.name, options.after.id);
    where += ` AND (sort_name, id COLLATE "C") > ($${params.length - 1}::text, $${params.length}::text)`;
  }
  params.push(options.limit + 1);
  const { rows } = await tx.query<SupplierRow & { sortName: string }>(
    `SELECT ${SUPPLIER_COLUMNS}, sort_name AS "sortName" FROM suppliers WHERE ${where}
     ORDER BY sort_name, id COLLATE "C" LIMIT $${params.length}`,
    params,
  );
  return rows;
}

export async function countSuppliers(tx: Queryable, tenantId: string, filter: { searchPart: string | null; status: SupplierStatus }): Promise<number> {
  const params: unknown[] = [tenantId];
  const { rows } = await tx.query<{ total: number }>(`SELECT count(*)::int AS total FROM suppliers WHERE ${supplierFilter(filter, params)}`, params);
  return rows[0]!.total;
}

export async function findSupplier(tx: Queryable, tenantId: string, id: string): Promise<SupplierRow | null> {
  const { rows } = await tx.query<SupplierRow>(`SELECT ${SUPPLIER_COLUMNS} FROM suppliers WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  return rows[0] ?? null;
}

export async function insertSupplier(tx: Queryable, tenantId: string, id: string, fields: SupplierFields, sortName: string, searchText: string): Promise<SupplierRow> {
  const { rows } = await tx.query<SupplierRow>(
    `INSERT INTO suppliers (tenant_id, id, name, contact, phone, email, address, notes, active, sort_name, search_text)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${SUPPLIER_COLUMNS}`,
    [tenantId, id, fields.name, fields.contact, fields.phone, fields.email, fields.address, fields.notes, fields.active, sortName, searchText],
  );
  return rows[0]!;
}

export async function updateSupplier(tx: Queryable, tenantId: string, id: string, fields: SupplierFields, sortName: string, searchText: string): Promise<SupplierRow> {
  const { rows } = await tx.query<SupplierRow>(
    `UPDATE suppliers SET name = $3, contact = $4, phone = $5, email = $6, address = $7, notes = $8, active = $9,
       sort_name = $10, search_text = $11, updated_at = now()
     WHERE tenant_id = $1 AND id = $2 RETURNING ${SUPPLIER_COLUMNS}`,
    [tenantId, id, fields.name, fields.contact, fields.phone, fields.email, fields.address, fields.notes, fields.active, sortName, searchText],
  );
  return rows[0]!;
}

// ---------------------------------------------------------------------------------------------
// Purchase orders
// ---------------------------------------------------------------------------------------------

export type OrderStatus = 'draft' | 'ordered' | 'partly_received' | 'received' | 'cancelled';

export type OrderRow = {
  id: string;
  seq: number;
  number: string;
  supplierId: string;
  supplierName: string;
  boutiqueId: string;
  boutiqueName: string;
  status: OrderStatus;
  notes: string;
  createdAt: string;
  updatedAt: string;
  orderedAt: string | null;
};

export type LineRow = {
  orderId: string;
  id: string;
  position: number;
  productId: string;
  productName: string;
  productBarcode: string;
  unit: 'piece' | 'kg' | 'l';
  quantityMilli: number;
  unitCostMinor: number;
  receivedMilli: number;
  /** The product's weighted average cost now (cloud-only column of 0010). */
  costMinor: number | null;
};

export type NewLine = { id: string; position: number; productId: string; quantityMilli: number; unitCostMinor: number };

const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const ORDER_SELECT = `SELECT o.id, o.seq::int AS seq, o.number, o.supplier_id AS "supplierId", s.name AS "supplierName",
    o.boutique_id AS "boutiqueId", b.name AS "boutiqueName", o.status, o.notes,
    ${iso('o.created_at')} AS "createdAt", ${iso('o.updated_at')} AS "updatedAt", ${iso('o.ordered_at')} AS "orderedAt"
  FROM purchase_orders o
  JOIN suppliers s ON s.tenant_id = o.tenant_id AND s.id = o.supplier_id
  JOIN boutiques b ON b.tenant_id = o.tenant_id AND b.id = o.boutique_id`;

/** Takes the company's next order number; the counter's row lock orders two creations. */
export async function takeOrderNumber(tx: Queryable, tenantId: string): Promise<number> {
  const { rows } = await tx.query<{ value: string }>(
    `INSERT INTO purchase_order_numbers (tenant_id, value) VALUES ($1, 1)
     ON CONFLICT (tenant_id) DO UPDATE SET value = purchase_order_numbers.value + 1 RETURNING value`,
    [tenantId],
  );
  return Number(rows[0]!.value);
}

export async function insertOrder(
  tx: Queryable,
  tenantId: string,
  order: { id: string; seq: number; number: string; supplierId: string; boutiqueId: string; notes: string; createdBy: string | null },
): Promise<void> {
  await tx.query(
    `INSERT INTO purchase_orders (tenant_id, id, seq, number, supplier_id, boutique_id, notes, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [tenantId, order.id, order.seq, order.number, order.supplierId, order.boutiqueId, order.notes, order.createdBy],
  );
}

export async function updateOrderHead(tx: Queryable, tenantId: string, id: string, head: { supplierId: string; boutiqueId: string; notes: string }): Promise<void> {
  await tx.query(
    `UPDATE purchase_orders SET supplier_id = $3, boutique_id = $4, notes = $5, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id, head.supplierId, head.boutiqueId, head.notes],
  );
}

export async function setOrderStatus(tx: Queryable, tenantId: string, id: string, status: OrderStatus): Promise<void> {
  await tx.query(
    `UPDATE purchase_orders SET status = $3, updated_at = now(), ordered_at = CASE WHEN $3 = 'ordered' THEN now() ELSE ordered_at END
     WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id, status],
  );
}

/**
 * One order. With `lock`, its row stays locked until the transaction ends: two receptions of the
 * same order then check what remains to receive one after the other, never both on the same state.
 */
export async function findOrder(tx: Queryable, tenantId: string, id: string, options: { lock?: boolean } = {}): Promise<OrderRow | null> {
  if (options.lock) {
    const locked = await tx.query(`SELECT 1 FROM purchase_orders WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, [tenantId, id]);
    if (locked.rows.length === 0) return null;
  }
  const { rows } = await tx.query<OrderRow>(`${ORDER_SELECT} WHERE o.tenant_id = $1 AND o.id = $2`, [tenantId, id]);
  return rows[0] ?? null;
}

export type OrderFilter = { status: OrderStatus | null; supplierId: string | null; boutiqueId: string | null; boutiqueIds: string[] | null };

function orderFilter(filter: OrderFilter, params: unknown[]): string {
  const conditions = ['o.tenant_id = $1'];
  const add = (value: unknown, condition: (p: string) => string) => {
    params.push(value);
    conditions.push(condition(`$${params.length}`));
  };
  if (filter.status !== null) add(filter.status, (p) => `o.status = ${p}`);
  if (filter.supplierId !== null) add(filter.supplierId, (p) => `o.supplier_id = ${p}`);
  if (filter.boutiqueId !== null) add(filter.boutiqueId, (p) => `o.boutique_id = ${p}`);
  if (filter.boutiqueIds !== null) add(filter.boutiqueIds, (p) => `o.boutique_id = ANY(${p}::text[])`);
  return conditions.join(' AND ');
}

/** Newest first, by pages: `before` is the number (seq) of the previous page's last order. */
export async function listOrders(tx: Queryable, tenantId: string, filter: OrderFilter, before: number | null, limit: number): Promise<OrderRow[]> {
  const params: unknown[] = [tenantId];
  let where = orderFilter(filter, params);
  if (before !== null) {
    params.push(before);
    where += ` AND o.seq < $${params.length}`;
  }
  params.push(limit + 1);
  const { rows } = await tx.query<OrderRow>(`${ORDER_SELECT} WHERE ${where} ORDER BY o.seq DESC LIMIT $${params.length}`, params);
  return rows;
}

export async function countOrders(tx: Queryable, tenantId: string, filter: OrderFilter): Promise<number> {
  const params: unknown[] = [tenantId];
  const { rows } = await tx.query<{ total: number }>(`SELECT count(*)::int AS total FROM purchase_orders o WHERE ${orderFilter(filter, params)}`, params);
  return rows[0]!.total;
}

export async function linesOf(tx: Queryable, tenantId: string, orderIds: string[]): Promise<LineRow[]> {
  const { rows } = await tx.query<LineRow>(
    `SELECT l.order_id AS "orderId", l.id, l.position, l.product_id AS "productId", p.doc->>'name' AS "productName",
       p.doc->>'barcode' AS "productBarcode", p.doc->>'unit' AS unit, l.quantity_milli::float8 AS "quantityMilli",
       l.unit_cost_minor::float8 AS "unitCostMinor", l.received_milli::float8 AS "receivedMilli", p.cost_minor::float8 AS "costMinor"
     FROM purchase_order_lines l JOIN products p ON p.tenant_id = l.tenant_id AND p.id = l.product_id
     WHERE l.tenant_id = $1 AND l.order_id = ANY($2::text[]) ORDER BY l.order_id, l.position`,
    [tenantId, orderIds],
  );
  return rows;
}

export async function replaceLines(tx: Queryable, tenantId: string, orderId: string, lines: NewLine[]): Promise<void> {
  await tx.query(`DELETE FROM purchase_order_lines WHERE tenant_id = $1 AND order_id = $2`, [tenantId, orderId]);
  if (lines.length === 0) return;
  await tx.query(
    `INSERT INTO purchase_order_lines (tenant_id, order_id, id, position, product_id, quantity_milli, unit_cost_minor)
     SELECT $1, $2, l.id, l.position, l.product_id, l.quantity_milli, l.unit_cost_minor
     FROM jsonb_to_recordset($3::jsonb) AS l(id text, position int, product_id text, quantity_milli bigint, unit_cost_minor bigint)`,
    [tenantId, orderId, JSON.stringify(lines.map((l) => ({ id: l.id, position: l.position, product_id: l.productId, quantity_milli: l.quantityMilli, unit_cost_minor: l.unitCostMinor })))],
  );
}

export async function addReceived(tx: Queryable, tenantId: string, orderId: string, received: Array<{ lineId: string; quantityMilli: number }>): Promise<void> {
  await tx.query(
    `UPDATE purchase_order_lines l SET received_milli = l.received_milli + r.quantity_milli
     FROM jsonb_to_recordset($3::jsonb) AS r(line_id text, quantity_milli bigint)
     WHERE l.tenant_id = $1 AND l.order_id = $2 AND l.id = r.line_id`,
    [tenantId, orderId, JSON.stringify(received.map((r) => ({ line_id: r.lineId, quantity_milli: r.quantityMilli })))],
  );
}

// ---------------------------------------------------------------------------------------------
// What an order refers to
// ---------------------------------------------------------------------------------------------

export async function boutiqueExists(tx: Queryable, tenantId: string, id: string): Promise<boolean> {
  const { rows } = await tx.query(`SELECT 1 FROM boutiques WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  return rows.length > 0;
}

/** The ids among these that are live products of the tenant. */
export async function liveProductIds(tx: Queryable, tenantId: string, ids: string[]): Promise<Set<string>> {
  const { rows } = await tx.query<{ id: string }>(`SELECT id FROM products WHERE tenant_id = $1 AND id = ANY($2::text[]) AND NOT deleted`, [tenantId, ids]);
  return new Set(rows.map((row) => row.id));
}

// ---------------------------------------------------------------------------------------------
// Receptions and costs
// ---------------------------------------------------------------------------------------------

export type ReceptionLineRow = {
  receptionId: string;
  lineId: string;
  productId: string;
  quantityMilli: number;
  unitCostMinor: number;
  onHandBeforeMilli: number;
  costBeforeMinor: number | null;
  costAfterMinor: number;
};

export type ReceptionRow = { id: string; orderId: string; receivedBy: string | null; receivedByName: string | null; receivedAt: string };

export async function findReception(tx: Queryable, tenantId: string, id: string): Promise<ReceptionRow | null> {
  const { rows } = await tx.query<ReceptionRow>(
    `SELECT r.id, r.order_id AS "orderId", r.received_by AS "receivedBy", u.name AS "receivedByName", ${iso('r.received_at')} AS "receivedAt"
     FROM purchase_receptions r LEFT JOIN users u ON u.tenant_id = r.tenant_id AND u.id = r.received_by
     WHERE r.tenant_id = $1 AND r.id = $2`,
    [tenantId, id],
  );
  return rows[0] ?? null;
}

export async function receptionsOf(tx: Queryable, tenantId: string, orderId: string): Promise<ReceptionRow[]> {
  const { rows } = await tx.query<ReceptionRow>(
    `SELECT r.id, r.order_id AS "orderId", r.received_by AS "receivedBy", u.name AS "receivedByName", ${iso('r.received_at')} AS "receivedAt"
     FROM purchase_receptions r LEFT JOIN users u ON u.tenant_id = r.tenant_id AND u.id = r.received_by
     WHERE r.tenant_id = $1 AND r.order_id = $2 ORDER BY r.received_at, r.id`,
    [tenantId, orderId],
  );
  return rows;
}

export async function receptionLines(tx: Queryable, tenantId: string, receptionIds: string[]): Promise<ReceptionLineRow[]> {
  const { rows } = await tx.query<ReceptionLineRow>(
    `SELECT reception_id AS "receptionId", line_id AS "lineId", product_id AS "productId", quantity_milli::float8 AS "quantityMilli",
       unit_cost_minor::float8 AS "unitCostMinor", on_hand_before_milli::float8 AS "onHandBeforeMilli",
       cost_before_minor::float8 AS "costBeforeMinor", cost_after_minor::float8 AS "costAfterMinor"
     FROM purchase_reception_lines WHERE tenant_id = $1 AND reception_id = ANY($2::text[])`,
    [tenantId, receptionIds],
  );
  return rows;
}

/** The reception's row, unless its id is taken already (then nothing is written and false comes back). */
export async function insertReception(tx: Queryable, tenantId: string, reception: { id: string; orderId: string; receivedBy: string | null }): Promise<boolean> {
  const { rows } = await tx.query(
    `INSERT INTO purchase_receptions (tenant_id, id, order_id, received_by) VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, id) DO NOTHING RETURNING id`,
    [tenantId, reception.id, reception.orderId, reception.receivedBy],
  );
  return rows.length > 0;
}

export async function insertReceptionLines(tx: Queryable, tenantId: string, lines: Array<Omit<ReceptionLineRow, 'receptionId'> & { receptionId: string; movementId: string }>): Promise<void> {
  await tx.query(
    `INSERT INTO purchase_reception_lines (tenant_id, reception_id, line_id, product_id, quantity_milli, unit_cost_minor, on_hand_before_milli, cost_before_minor, cost_after_minor, movement_id)
     SELECT $1, l."receptionId", l."lineId", l."productId", l."quantityMilli", l."unitCostMinor", l."onHandBeforeMilli", l."costBeforeMinor", l."costAfterMinor", l."movementId"
     FROM jsonb_to_recordset($2::jsonb) AS l("receptionId" text, "lineId" text, "productId" text, "quantityMilli" bigint, "unitCostMinor" bigint,
       "onHandBeforeMilli" bigint, "costBeforeMinor" bigint, "costAfterMinor" bigint, "movementId" text)`,
    [tenantId, JSON.stringify(lines)],
  );
}

/**
 * Until the transaction ends, other receptions of these products wait: two receptions (of
 * different orders) weigh a product's cost one after the other. Advisory locks, taken in id
 * order, rather than the products' rows: a catalogue edit or a till's sync takes the tenant's
 * change sequence before a product's row, and a reception holding the row while it waits for the
 * sequence would deadlock with it.
 */
export async function lockProductCosts(tx: Queryable, tenantId: string, productIds: string[]): Promise<void> {
  for (const productId of [...productIds].sort()) {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('afrigest.product_cost'), hashtext($1 || '/' || $2))`, [tenantId, productId]);
  }
}

/** A product's cost and its stock across the company's boutiques (take its lock first). */
export async function costAndStock(tx: Queryable, tenantId: string, productId: string): Promise<{ costMinor: number | null; onHandMilli: number }> {
  const { rows } = await tx.query<{ cost: string | null; total: string }>(
    `SELECT p.cost_minor AS cost,
       (SELECT coalesce(sum(quantity_milli), 0) FROM stock_levels WHERE tenant_id = $1 AND product_id = $2) AS total
     FROM products p WHERE p.tenant_id = $1 AND p.id = $2`,
    [tenantId, productId],
  );
  const cost = rows[0]?.cost ?? null;
  return { costMinor: cost === null ? null : Number(cost), onHandMilli: Number(rows[0]?.total ?? 0) };
}

/** The cost column only: the synced document keeps its sequence number, no till pulls it again. */
export async function setProductCost(tx: Queryable, tenantId: string, productId: string, costMinor: number): Promise<void> {
  await tx.query(`UPDATE products SET cost_minor = $3 WHERE tenant_id = $1 AND id = $2`, [tenantId, productId, costMinor]);
}

/** Through the sync store: stock_levels move with them and the boutique's tills are told. */
export async function saveMovements(tx: Queryable, tenantId: string, movements: StockMovement[]): Promise<string[]> {
  return writeDocuments(tx, tenantId, 'stock_movements', movements);
}
