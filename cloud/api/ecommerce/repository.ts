import type { Product } from '../../../shared/schema/index.js';
import type { StockMovement } from '../../../shared/schema/stock-movements.js';
import { writeDocuments } from '../../../sync/server/store.js';
import type { Queryable } from '../../db/database.js';

export const FULFILMENT_STATUSES = ['new', 'preparing', 'ready', 'picked_up', 'delivered', 'cancelled'] as const;
export type FulfilmentStatus = (typeof FULFILMENT_STATUSES)[number];

/** An order's payment status: unpaid until its payment starts, then the payment's (succeeded is paid). */
export const ORDER_PAYMENT_STATUSES = ['unpaid', 'pending', 'paid', 'failed', 'expired', 'refunded', 'review'] as const;
export type OrderPaymentStatus = (typeof ORDER_PAYMENT_STATUSES)[number];

export type OrderLine = { productId: string; name: string; quantity: number; unitPriceMinor: number; totalMinor: number };
export type OrderCustomer = { name: string; phone: string; email?: string };

export type OrderRow = {
  id: string;
  number: string;
  boutique_id: string | null;
  customer: OrderCustomer;
  lines: OrderLine[];
  total_minor: string | number;
  currency: string;
  payment_status: OrderPaymentStatus;
  payment_id: string | null;
  fulfilment_status: FulfilmentStatus;
  fulfilment_updated_at: Date | null;
  hold_until: Date | null;
  stock_taken: boolean;
  stock_returned: boolean;
  request_hash: string;
  created_at: Date;
};

export type SettingsRow = { fulfilment_boutique_id: string; hold_minutes: number; updated_at: Date };

/** Orders that still hold stock: not paid, not given up, not cancelled, and within their hold. */
const HOLDING = `o.payment_status IN ('unpaid', 'pending') AND o.fulfilment_status <> 'cancelled' AND o.hold_until > now()`;

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

export async function findSettings(tx: Queryable, tenantId: string): Promise<SettingsRow | undefined> {
  const { rows } = await tx.query<SettingsRow>(`SELECT fulfilment_boutique_id, hold_minutes, updated_at FROM ecommerce_settings WHERE tenant_id = $1`, [tenantId]);
  return rows[0];
}

/** The company's first boutique (the oldest, then by code): the default fulfilment boutique. */
export async function firstBoutiqueId(tx: Queryable, tenantId: string): Promise<string | undefined> {
  const { rows } = await tx.query<{ id: string }>(`SELECT id FROM boutiques WHERE tenant_id = $1 ORDER BY created_at, code LIMIT 1`, [tenantId]);
  return rows[0]?.id;
}

export async function boutiqueExists(tx: Queryable, tenantId: string, boutiqueId: string): Promise<boolean> {
  const { rows } = await tx.query(`SELECT 1 FROM boutiques WHERE tenant_id = $1 AND id = $2`, [tenantId, boutiqueId]);
  return rows.length > 0;
}

export async function saveSettings(tx: Queryable, tenantId: string, settings: { fulfilmentBoutiqueId: string; holdMinutes: number; updatedBy: string | null }): Promise<SettingsRow> {
  const { rows } = await tx.query<SettingsRow>(
    `INSERT INTO ecommerce_settings (tenant_id, fulfilment_boutique_id, hold_minutes, updated_by, updated_at) VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (tenant_id) DO UPDATE SET fulfilment_boutique_id = excluded.fulfilment_boutique_id, hold_minutes = excluded.hold_minutes,
       updated_by = excluded.updated_by, updated_at = excluded.updated_at
     RETURNING fulfilment_boutique_id, hold_minutes, updated_at`,
    [tenantId, settings.fulfilmentBoutiqueId, settings.holdMinutes, settings.updatedBy],
  );
  return rows[0]!;
}

// ---------------------------------------------------------------------------------------------
// Stock as the storefront sees it
// ---------------------------------------------------------------------------------------------

/** Active products with the boutique's stock less what unpaid orders hold there, in thousandths. */
export async function storefrontProducts(tx: Queryable, tenantId: string, boutiqueId: string | null, search: string | null, limit: number) {
  const { rows } = await tx.query<{ doc: Product; available_milli: string | number }>(
    `WITH held AS (
       SELECT line->>'productId' AS product_id, sum((line->>'quantity')::bigint * 1000) AS milli
       FROM orders o, jsonb_array_elements(o.lines) AS line
       WHERE o.tenant_id = $1 AND o.boutique_id = $2 AND ${HOLDING}
       GROUP BY 1
     )
     SELECT p.doc, coalesce(l.quantity_milli, 0) - coalesce(h.milli, 0) AS available_milli
     FROM products p
     LEFT JOIN stock_levels l ON l.tenant_id = p.tenant_id AND l.boutique_id = $2 AND l.product_id = p.id
     LEFT JOIN held h ON h.product_id = p.id
     WHERE p.tenant_id = $1 AND NOT p.deleted AND p.active
       AND ($3::text IS NULL OR strpos(p.search_name, $3) > 0)
     ORDER BY p.doc->>'name' LIMIT $4`,
    [tenantId, boutiqueId, search, limit],
  );
  return rows.map((r) => ({ doc: r.doc, availableMilli: Number(r.available_milli) }));
}

export async function findProducts(tx: Queryable, tenantId: string, ids: string[]): Promise<Product[]> {
  const { rows } = await tx.query<{ doc: Product }>(`SELECT doc FROM products WHERE tenant_id = $1 AND id = ANY($2::text[]) AND NOT deleted`, [tenantId, ids]);
  return rows.map((r) => r.doc);
}

/**
 * Locks the boutique's stock rows of these products (in product order, so two orders never wait
 * on each other crosswise) and answers each one's quantity. Two orders for the same product are
 * thus checked one after the other: the second sees the first's hold.
 */
export async function lockStock(tx: Queryable, tenantId: string, boutiqueId: string, productIds: string[]): Promise<Map<string, number>> {
  const { rows } = await tx.query<{ product_id: string; quantity_milli: string | number }>(
    `SELECT product_id, quantity_milli FROM stock_levels WHERE tenant_id = $1 AND boutique_id = $2 AND product_id = ANY($3::text[])
     ORDER BY product_id FOR UPDATE`,
    [tenantId, boutiqueId, productIds],
  );
  return new Map(rows.map((r) => [r.product_id, Number(r.quantity_milli)]));
}

/** What unpaid orders hold of these products at the boutique, in thousandths. */
export async function heldStock(tx: Queryable, tenantId: string, boutiqueId: string, productIds: string[]): Promise<Map<string, number>> {
  const { rows } = await tx.query<{ product_id: string; milli: string | number }>(
    `SELECT line->>'productId' AS product_id, sum((line->>'quantity')::bigint * 1000) AS milli
     FROM orders o, jsonb_array_elements(o.lines) AS line
     WHERE o.tenant_id = $1 AND o.boutique_id = $2 AND ${HOLDING} AND line->>'productId' = ANY($3::text[])
     GROUP BY 1`,
    [tenantId, boutiqueId, productIds],
  );
  return new Map(rows.map((r) => [r.product_id, Number(r.milli)]));
}

// ---------------------------------------------------------------------------------------------
// Orders
// ---------------------------------------------------------------------------------------------

export async function findOrderByKey(tx: Queryable, tenantId: string, key: string): Promise<OrderRow | undefined> {
  const { rows } = await tx.query<OrderRow>(`SELECT * FROM orders WHERE tenant_id = $1 AND idempotency_key = $2`, [tenantId, key]);
  return rows[0];
}

export async function findOrder(tx: Queryable, tenantId: string, orderId: string, lock = false): Promise<OrderRow | undefined> {
  const { rows } = await tx.query<OrderRow>(`SELECT * FROM orders WHERE tenant_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`, [tenantId, orderId]);
  return rows[0];
}

export async function nextOrderNumber(tx: Queryable): Promise<number> {
  const { rows } = await tx.query<{ n: string }>(`SELECT nextval('order_numbers') AS n`);
  return Number(rows[0]!.n);
}

export type NewOrder = {
  id: string;
  number: string;
  boutiqueId: string | null;
  customer: OrderCustomer;
  lines: OrderLine[];
  totalMinor: number;
  currency: string;
  idempotencyKey: string;
  requestHash: string;
  holdMinutes: number;
};

/** Inserts the order unless its idempotency key is taken (a concurrent twin): then undefined. */
export async function insertOrder(tx: Queryable, tenantId: string, order: NewOrder): Promise<OrderRow | undefined> {
  const { rows } = await tx.query<OrderRow>(
    `INSERT INTO orders (tenant_id, id, number, boutique_id, customer, lines, total_minor, currency, idempotency_key, request_hash, hold_until)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now() + make_interval(mins => $11::int))
     ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING *`,
    [tenantId, order.id, order.number, order.boutiqueId, JSON.stringify(order.customer), JSON.stringify(order.lines), order.totalMinor, order.currency, order.idempotencyKey, order.requestHash, order.holdMinutes],
  );
  return rows[0];
}

export type OrderListFilter = {
  status: FulfilmentStatus | null;
  paymentStatus: OrderPaymentStatus | null;
  /** An order number (or part of it), or part of the customer's name or phone. */
  q: string | null;
  /** Only these boutiques' orders (a dg's); null for all of the company's. */
  boutiqueIds: string[] | null;
  before: { createdAt: string; id: string } | null;
  limit: number;
};

export async function listOrders(tx: Queryable, tenantId: string, filter: OrderListFilter): Promise<OrderRow[]> {
  const { rows } = await tx.query<OrderRow>(
    `SELECT * FROM orders
     WHERE tenant_id = $1
       AND ($2::text IS NULL OR fulfilment_status = $2)
       AND ($3::text IS NULL OR payment_status = $3)
       AND ($4::text IS NULL OR strpos(lower(number), $4) > 0 OR strpos(lower(customer->>'name'), $4) > 0
            OR strpos(regexp_replace(customer->>'phone', '[^0-9]', '', 'g'), nullif(regexp_replace($4, '[^0-9]', '', 'g'), '')) > 0)
       AND ($5::text[] IS NULL OR boutique_id = ANY($5::text[]))
       AND ($6::timestamptz IS NULL OR (created_at, id) < ($6::timestamptz, $7::uuid))
     ORDER BY created_at DESC, id DESC
     LIMIT $8`,
    [tenantId, filter.status, filter.paymentStatus, filter.q, filter.boutiqueIds, filter.before?.createdAt ?? null, filter.before?.id ?? null, filter.limit],
  );
  return rows;
}

export async function setFulfilment(tx: Queryable, tenantId: string, orderId: string, status: FulfilmentStatus): Promise<OrderRow> {
  const { rows } = await tx.query<OrderRow>(
    `UPDATE orders SET fulfilment_status = $3, fulfilment_updated_at = now(), updated_at = now() WHERE tenant_id = $1 AND id = $2 RETURNING *`,
    [tenantId, orderId, status],
  );
  return rows[0]!;
}

export async function markStock(tx: Queryable, tenantId: string, orderId: string, column: 'stock_taken' | 'stock_returned'): Promise<void> {
  await tx.query(`UPDATE orders SET ${column === 'stock_taken' ? 'stock_taken' : 'stock_returned'} = true, updated_at = now() WHERE tenant_id = $1 AND id = $2`, [tenantId, orderId]);
}

/** Stock movements through the sync store: they keep stock_levels and reach the boutique's tills. */
export async function writeMovements(tx: Queryable, tenantId: string, movements: StockMovement[]): Promise<string[]> {
  return writeDocuments(tx, tenantId, 'stock_movements', movements);
}

export type PaymentSummary = { provider: string; status: string; provider_reference: string | null; transaction_id: string | null; amount_minor: string | number; currency: string; updated_at: Date };

export async function findPayment(tx: Queryable, tenantId: string, paymentId: string): Promise<PaymentSummary | undefined> {
  const { rows } = await tx.query<PaymentSummary>(
    `SELECT provider, status, provider_reference, transaction_id, amount_minor, currency, updated_at FROM payments WHERE tenant_id = $1 AND id = $2`,
    [tenantId, paymentId],
  );
  return rows[0];
}

export async function boutiqueNames(tx: Queryable, tenantId: string): Promise<Map<string, { code: string; name: string }>> {
  const { rows } = await tx.query<{ id: string; code: string; name: string }>(`SELECT id, code, name FROM boutiques WHERE tenant_id = $1`, [tenantId]);
  return new Map(rows.map((r) => [r.id, { code: r.code, name: r.name }]));
}
