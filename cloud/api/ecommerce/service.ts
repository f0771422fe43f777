import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { StockMovement } from '../../../shared/schema/stock-movements.js';
import { searchForm } from '../../../shared/text.js';
import type { Queryable } from '../../db/database.js';
import type { Databases } from '../../db/tenancy.js';
import type { ProviderName } from '../../payments/provider.js';
import type { InitiatePayment, OrderPaymentChange, PaymentView } from '../../payments/service.js';
import { AppError, conflict, forbidden, notFound } from '../http/errors.js';
import type { UserPrincipal } from '../http/principal.js';
import * as repository from './repository.js';
import type { FulfilmentStatus, OrderCustomer, OrderRow } from './repository.js';

export { FULFILMENT_STATUSES, ORDER_PAYMENT_STATUSES } from './repository.js';
export type { FulfilmentStatus, OrderPaymentStatus } from './repository.js';

/** How long an unpaid order holds its quantities when the company has not said otherwise. */
export const DEFAULT_HOLD_MINUTES = 30;

/**
 * The steps staff may take from each status. Cancelling is possible until the goods are handed
 * over; an order is prepared only once paid (see `transition`).
 */
export const NEXT_STEPS: Record<FulfilmentStatus, readonly FulfilmentStatus[]> = {
  new: ['preparing', 'cancelled'],
  preparing: ['ready', 'cancelled'],
  ready: ['picked_up', 'delivered', 'cancelled'],
  picked_up: [],
  delivered: [],
  cancelled: [],
};

// ---------------------------------------------------------------------------------------------
// Views
// ---------------------------------------------------------------------------------------------

/** What the customer's tracking page and the storefront see of an order. */
export function publicView(row: OrderRow) {
  return {
    orderId: row.id,
    number: row.number,
    customer: row.customer,
    lines: row.lines,
    totalMinor: Number(row.total_minor),
    currency: row.currency,
    paymentStatus: row.payment_status,
    paymentId: row.payment_id,
    fulfilmentStatus: row.fulfilment_status,
    createdAt: row.created_at,
  };
}

/** What staff see in the list: also the boutique, the hold and when the status last moved. */
function staffView(row: OrderRow, boutiques: Map<string, { code: string; name: string }>) {
  const boutique = row.boutique_id ? boutiques.get(row.boutique_id) : undefined;
  return {
    ...publicView(row),
    boutiqueId: row.boutique_id,
    boutiqueName: boutique?.name ?? null,
    holdUntil: row.hold_until,
    fulfilmentUpdatedAt: row.fulfilment_updated_at,
    stockTaken: row.stock_taken,
    stockReturned: row.stock_returned,
    nextSteps: row.fulfilment_status === 'new' && row.payment_status !== 'paid' ? ['cancelled'] : NEXT_STEPS[row.fulfilment_status],
  };
}

// ---------------------------------------------------------------------------------------------
// Settings: which boutique serves online orders
// ---------------------------------------------------------------------------------------------

export type EcommerceSettings = { fulfilmentBoutiqueId: string | null; holdMinutes: number; chosen: boolean };

export async function getSettings(tx: Queryable, tenantId: string): Promise<EcommerceSettings> {
  const saved = await repository.findSettings(tx, tenantId);
  if (saved) return { fulfilmentBoutiqueId: saved.fulfilment_boutique_id, holdMinutes: saved.hold_minutes, chosen: true };
  return { fulfilmentBoutiqueId: (await repository.firstBoutiqueId(tx, tenantId)) ?? null, holdMinutes: DEFAULT_HOLD_MINUTES, chosen: false };
}

export async function saveSettings(tx: Queryable, tenantId: string, input: { fulfilmentBoutiqueId: string; holdMinutes?: number | undefined }, author: UserPrincipal | null): Promise<EcommerceSettings> {
  if (!(await repository.boutiqueExists(tx, tenantId, input.fulfilmentBoutiqueId))) throw new AppError(422, 'BOUTIQUE_NOT_FOUND', { boutiqueId: input.fulfilmentBoutiqueId });
  const current = await getSettings(tx, tenantId);
  const saved = await repository.saveSettings(tx, tenantId, {
    fulfilmentBoutiqueId: input.fulfilmentBoutiqueId,
    holdMinutes: input.holdMinutes ?? current.holdMinutes,
    updatedBy: author?.userId ?? null,
  });
  return { fulfilmentBoutiqueId: saved.fulfilment_boutique_id, holdMinutes: saved.hold_minutes, chosen: true };
}

// ---------------------------------------------------------------------------------------------
// The storefront
// ---------------------------------------------------------------------------------------------

/** Active products with what the fulfilment boutique can still sell online (whole units, never below 0). */
export async function storefrontCatalogue(tx: Queryable, tenantId: string, query: { q?: string | undefined; limit: number }) {
  const { fulfilmentBoutiqueId } = await getSettings(tx, tenantId);
  const search = query.q ? searchForm(query.q) : null;
  const rows = await repository.storefrontProducts(tx, tenantId, fulfilmentBoutiqueId, search, query.limit);
  return rows.map(({ doc, availableMilli }) => ({
    id: doc.id, name: doc.name, priceMinor: doc.priceMinor, unit: doc.unit, available: Math.max(0, Math.floor(availableMilli / 1000)),
  }));
}

export type OrderRequest = {
  customer: OrderCustomer;
  lines: Array<{ productId: string; quantity: number }>;
  provider: ProviderName;
  returnUrl?: string | undefined;
};

function requestHash(body: OrderRequest): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('base64url');
}

/**
 * Records an order at the catalogue's prices (never the request's), holding its quantities at
 * the fulfilment boutique. The boutique's stock rows of the ordered products are locked while
 * the stock is checked and the order written, so two customers racing for the last item are
 * served one after the other: the second finds it held and gets a 409. A replay of the same
 * Idempotency-Key answers the first order.
 */
export async function createOrder(tx: Queryable, tenant: { id: string; currency: string }, key: string, body: OrderRequest): Promise<{ order: OrderRow; fresh: boolean }> {
  const hash = requestHash(body);
  const existing = await repository.findOrderByKey(tx, tenant.id, key);
  if (existing) {
    if (existing.request_hash !== hash) throw conflict('IDEMPOTENCY_CONFLICT');
    return { order: existing, fresh: false };
  }
  const quantities = new Map<string, number>();
  for (const line of body.lines) quantities.set(line.productId, (quantities.get(line.productId) ?? 0) + line.quantity);
  const ids = [...quantities.keys()].sort();
  const byId = new Map((await repository.findProducts(tx, tenant.id, ids)).map((p) => [p.id, p]));
  const lines = body.lines.map((line) => {
    const product = byId.get(line.productId);
    if (!product?.active) throw new AppError(422, 'ORDER_PRODUCT_UNAVAILABLE', undefined, { ref: line.productId });
    return { productId: product.id, name: product.name, quantity: line.quantity, unitPriceMinor: product.priceMinor, totalMinor: product.priceMinor * line.quantity };
  });
  const settings = await getSettings(tx, tenant.id);
  const boutiqueId = settings.fulfilmentBoutiqueId;
  if (!boutiqueId) throw conflict('ORDER_STOCK_INSUFFICIENT', { productId: ids[0], available: 0 });
  const stock = await repository.lockStock(tx, tenant.id, boutiqueId, ids);
  const held = await repository.heldStock(tx, tenant.id, boutiqueId, ids);
  for (const productId of ids) {
    const available = Math.max(0, Math.floor(((stock.get(productId) ?? 0) - (held.get(productId) ?? 0)) / 1000));
    const wanted = quantities.get(productId)!;
    if (wanted > available) {
      const name = byId.get(productId)!.name;
      throw new AppError(409, 'ORDER_STOCK_INSUFFICIENT', { productId, name, available, wanted }, { name, available });
    }
  }
  const total = lines.reduce((sum, l) => sum + l.totalMinor, 0);
  const number = `CMD-${String(await repository.nextOrderNumber(tx)).padStart(6, '0')}`;
  const order = await repository.insertOrder(tx, tenant.id, {
    id: uuidv7(), number, boutiqueId, customer: body.customer, lines, totalMinor: total, currency: tenant.currency,
    idempotencyKey: key, requestHash: hash, holdMinutes: settings.holdMinutes,
  });
  if (!order) throw conflict('IDEMPOTENCY_CONFLICT'); // a concurrent twin won; its retry will replay
  return { order, fresh: true };
}

function msisdn(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.length === 9 ? `224${digits}` : digits;
}

/** The payment request of an order: one idempotency key per order, so a retry finds it started. */
export function paymentRequest(order: OrderRow, body: OrderRequest): InitiatePayment {
  return {
    provider: body.provider,
    purpose: 'order',
    orderId: order.id,
    amount: Number(order.total_minor),
    currency: order.currency,
    idempotencyKey: `order-${order.id}`,
    payer: { name: body.customer.name, phone: msisdn(body.customer.phone), ...(body.customer.email ? { email: body.customer.email } : {}) },
    description: `Commande ${order.number}`,
    // The storefront cannot know the order id before asking: it leaves a {orderId} placeholder.
    ...(body.returnUrl ? { returnUrl: body.returnUrl.replace(/\{orderId\}|%7BorderId%7D/g, order.id) } : {}),
  };
}

export async function trackOrder(tx: Queryable, tenantId: string, orderId: string) {
  const row = await repository.findOrder(tx, tenantId, orderId);
  if (!row) throw notFound('ORDER_NOT_FOUND');
  return publicView(row);
}

// ---------------------------------------------------------------------------------------------
// Stock movements of an order: ids derived from the order and the line, so exactly once
// ---------------------------------------------------------------------------------------------

export const saleMovementId = (orderId: string, line: number) => `${orderId}-sale-${line}`;
export const returnMovementId = (orderId: string, line: number) => `${orderId}-return-${line}`;

function movements(tenantId: string, order: OrderRow, boutiqueId: string, kind: 'sale' | 'return'): StockMovement[] {
  const createdAt = new Date().toISOString();
  return order.lines.map((line, i) => ({
    id: kind === 'sale' ? saleMovementId(order.id, i) : returnMovementId(order.id, i),
    tenantId,
    boutiqueId,
    productId: line.productId,
    quantityMilli: (kind === 'sale' ? -1 : 1) * line.quantity * 1000,
    kind,
    reason: kind === 'sale' ? `Commande en ligne ${order.number}` : `Annulation de la commande en ligne ${order.number}`,
    refId: order.id,
    deviceId: null,
    createdAt,
  }));
}

async function orderBoutique(tx: Queryable, tenantId: string, order: OrderRow): Promise<string | null> {
  return order.boutique_id ?? (await getSettings(tx, tenantId)).fulfilmentBoutiqueId;
}

/**
 * The payment service's hook, in the transaction that marks the order paid: its lines leave the
 * fulfilment boutique's stock as `sale` movements. A replayed event or a second callback finds
 * `stock_taken` set, and the movements' ids already stored, and writes nothing more. An order
 * cancelled before its payment arrived keeps its stock (a person refunds it).
 */
export async function applyOrderPayment(tx: Queryable, change: OrderPaymentChange): Promise<void> {
  if (change.status !== 'paid') return;
  const order = await repository.findOrder(tx, change.tenantId, change.orderId, true);
  if (!order || order.stock_taken || order.fulfilment_status === 'cancelled') return;
  const boutiqueId = await orderBoutique(tx, change.tenantId, order);
  if (!boutiqueId) return;
  await repository.writeMovements(tx, change.tenantId, movements(change.tenantId, order, boutiqueId, 'sale'));
  await repository.markStock(tx, change.tenantId, order.id, 'stock_taken');
}

// ---------------------------------------------------------------------------------------------
// Staff: list, detail, fulfilment steps, cancellation
// ---------------------------------------------------------------------------------------------

/** A dg acts on the orders of their own boutiques only; a pdg on all of the company's. */
function scopeOf(user: UserPrincipal): string[] | null {
  return user.role === 'dg' ? user.boutiqueIds : null;
}

function assertInScope(user: UserPrincipal, order: OrderRow): void {
  const scope = scopeOf(user);
  if (scope && (!order.boutique_id || !scope.includes(order.boutique_id))) throw forbidden('ORDER_OUT_OF_SCOPE');
}

export type OrderListQuery = {
  status?: FulfilmentStatus | undefined;
  paymentStatus?: repository.OrderPaymentStatus | undefined;
  q?: string | undefined;
  limit: number;
  after?: string | undefined;
};

function encodeCursor(row: OrderRow): string {
  return Buffer.from(JSON.stringify({ c: new Date(row.created_at).toISOString(), i: row.id })).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { c?: unknown; i?: unknown };
    if (typeof value.c === 'string' && !Number.isNaN(Date.parse(value.c)) && typeof value.i === 'string' && /^[0-9a-f-]{36}$/i.test(value.i)) {
      return { createdAt: value.c, id: value.i };
    }
  } catch {
    // falls through to the refusal
  }
  throw new AppError(400, 'LIST_CURSOR_INVALID');
}

export async function listOrders(tx: Queryable, tenantId: string, user: UserPrincipal, query: OrderListQuery) {
  const q = query.q?.trim().toLowerCase() || null;
  const rows = await repository.listOrders(tx, tenantId, {
    status: query.status ?? null,
    paymentStatus: query.paymentStatus ?? null,
    q,
    boutiqueIds: scopeOf(user),
    before: query.after ? decodeCursor(query.after) : null,
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const boutiques = await repository.boutiqueNames(tx, tenantId);
  return { orders: page.map((row) => staffView(row, boutiques)), nextCursor: rows.length > query.limit ? encodeCursor(page.at(-1)!) : null };
}

export async function orderDetail(tx: Queryable, tenantId: string, user: UserPrincipal, orderId: string) {
  const row = await repository.findOrder(tx, tenantId, orderId);
  if (!row) throw notFound('ORDER_NOT_FOUND');
  assertInScope(user, row);
  const payment = row.payment_id ? await repository.findPayment(tx, tenantId, row.payment_id) : undefined;
  const boutiques = await repository.boutiqueNames(tx, tenantId);
  return {
    ...staffView(row, boutiques),
    payment: payment
      ? { provider: payment.provider, status: payment.status, reference: payment.provider_reference, transactionId: payment.transaction_id, amountMinor: Number(payment.amount_minor), currency: payment.currency, updatedAt: payment.updated_at }
      : null,
  };
}

/** Checks a step against the order's status and payment; the French codes say why not. */
function assertStep(order: OrderRow, to: FulfilmentStatus): void {
  if (!NEXT_STEPS[order.fulfilment_status].includes(to)) {
    throw conflict('ORDER_TRANSITION_NOT_ALLOWED', { from: order.fulfilment_status, to });
  }
  if (to !== 'cancelled' && order.payment_status !== 'paid') throw conflict('ORDER_NOT_PAID', { paymentStatus: order.payment_status });
}

/** One step of preparation (not cancellation, which may refund: see `cancelOrder`). */
export async function moveOrder(tx: Queryable, tenantId: string, user: UserPrincipal, orderId: string, to: Exclude<FulfilmentStatus, 'new' | 'cancelled'>) {
  const row = await repository.findOrder(tx, tenantId, orderId, true);
  if (!row) throw notFound('ORDER_NOT_FOUND');
  assertInScope(user, row);
  assertStep(row, to);
  const moved = await repository.setFulfilment(tx, tenantId, orderId, to);
  return { order: moved, from: row.fulfilment_status };
}

export type CancelDependencies = {
  databases: Databases;
  /** The payment service's full refund, at the provider, under an idempotency key. */
  refund: (tenantId: string, paymentId: string, idempotencyKey: string, reason: string) => Promise<PaymentView>;
  /** Whether the user may refund (payments.refunds, write). */
  mayRefund: boolean;
  /** Writes the audit entry in the transaction that cancels. */
  audit: (tx: Queryable, details: Record<string, unknown>) => Promise<void>;
};

/**
 * Cancels an order. A paid one is first refunded through its provider's adapter, under a key
 * derived from the order (a second cancel, or one racing this one, cannot refund twice), then in
 * one transaction marked cancelled and its stock given back by `return` movements whose ids are
 * derived from the order and line. The provider is never called inside a transaction.
 */
export async function cancelOrder(deps: CancelDependencies, tenantId: string, user: UserPrincipal, orderId: string, reason: string) {
  const before = await deps.databases.withTenant(tenantId, (tx) => repository.findOrder(tx, tenantId, orderId), { readOnly: true });
  if (!before) throw notFound('ORDER_NOT_FOUND');
  assertInScope(user, before);
  assertStep(before, 'cancelled');
  let refunded: PaymentView | null = null;
  if (before.payment_status === 'paid' && before.payment_id) {
    if (!deps.mayRefund) throw forbidden('ORDER_REFUND_FORBIDDEN');
    refunded = await deps.refund(tenantId, before.payment_id, `order-cancel-${orderId}`, reason);
  }
  return deps.databases.withTenant(tenantId, async (tx) => {
    const row = (await repository.findOrder(tx, tenantId, orderId, true))!;
    // A twin cancellation committed first: the refund above was the same one, nothing more to do.
    if (row.fulfilment_status === 'cancelled') return { order: publicView(row), refunded: refunded !== null };
    assertStep(row, 'cancelled');
    const cancelled = await repository.setFulfilment(tx, tenantId, orderId, 'cancelled');
    let returned = 0;
    if (row.stock_taken && !row.stock_returned) {
      const boutiqueId = await orderBoutique(tx, tenantId, row);
      if (boutiqueId) returned = (await repository.writeMovements(tx, tenantId, movements(tenantId, row, boutiqueId, 'return'))).length;
      await repository.markStock(tx, tenantId, orderId, 'stock_returned');
    }
    await deps.audit(tx, { number: row.number, from: row.fulfilment_status, to: 'cancelled', reason, refund: refunded ? { paymentId: refunded.paymentId, status: refunded.status } : null, returnedLines: returned });
    return { order: publicView(cancelled), refunded: refunded !== null };
  });
}
