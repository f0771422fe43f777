import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { weightedAverageCost } from '../../../shared/costing.js';
import { lineAmount } from '../../../shared/money.js';
import type { StockMovement } from '../../../shared/schema/stock-movements.js';
import { searchForm } from '../../../shared/text.js';
import type { Queryable } from '../../db/database.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../http/errors.js';
import type { UserPrincipal } from '../http/principal.js';
import * as repository from './repository.js';
import type { LineRow, OrderRow, OrderStatus, ReceptionLineRow, SupplierFields, SupplierRow, SupplierStatus } from './repository.js';

export type { OrderStatus, SupplierRow as Supplier, SupplierStatus };

/**
 * The boutiques a caller may act on: null for all of the company's (pdg, platform staff), the
 * list of their own for a dg. Orders are scoped by their receiving boutique; suppliers belong to
 * the whole company.
 */
export type BoutiqueScope = { boutiqueIds: string[] | null };

export function scopeOf(user: UserPrincipal): BoutiqueScope {
  return { boutiqueIds: user.role === 'dg' ? user.boutiqueIds : null };
}

function assertInScope(scope: BoutiqueScope, boutiqueId: string): void {
  if (scope.boutiqueIds !== null && !scope.boutiqueIds.includes(boutiqueId)) throw forbidden('BOUTIQUE_OUT_OF_SCOPE');
}

// ---------------------------------------------------------------------------------------------
// Suppliers
// ---------------------------------------------------------------------------------------------

export type SupplierInput = SupplierFields;

const supplierCursor = z.object({ n: z.string().max(400), i: z.string().min(1).max(64) });

function encodeSupplierCursor(key: repository.SupplierKey): string {
  return Buffer.from(JSON.stringify({ n: key.name, i: key.id })).toString('base64url');
}

function decodeSupplierCursor(cursor: string): repository.SupplierKey {
  try {
    const parsed = supplierCursor.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return { name: parsed.data.n, id: parsed.data.i };
  } catch {
    // Not base64 JSON: refused below like any other foreign cursor.
  }
  throw badRequest('LIST_CURSOR_INVALID');
}

/** What a search finds a supplier by: its name, contact, phone and e-mail, in their search form. */
function supplierSearchText(fields: SupplierFields): string {
  return searchForm([fields.name, fields.contact, fields.phone, fields.email].join(' '));
}

export async function listSuppliers(
  tx: Queryable,
  tenantId: string,
  query: { q: string; status: SupplierStatus; limit: number; after: string | null },
): Promise<{ suppliers: SupplierRow[]; nextCursor: string | null; total: number }> {
  const term = searchForm(query.q);
  const filter = { searchPart: term === '' ? null : term, status: query.status };
  const rows = await repository.listSuppliers(tx, tenantId, { ...filter, after: query.after ? decodeSupplierCursor(query.after) : null, limit: query.limit });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor = rows.length > query.limit && last ? encodeSupplierCursor({ name: last.sortName, id: last.id }) : null;
  const total = await repository.countSuppliers(tx, tenantId, filter);
  return { suppliers: page.map(({ sortName: _sortName, ...supplier }) => supplier), nextCursor, total };
}

export async function getSupplier(tx: Queryable, tenantId: string, id: string): Promise<SupplierRow> {
  const supplier = await repository.findSupplier(tx, tenantId, id);
  if (!supplier) throw notFound('SUPPLIER_NOT_FOUND');
  return supplier;
}

export async function createSupplier(tx: Queryable, tenantId: string, input: SupplierInput): Promise<SupplierRow> {
  return repository.insertSupplier(tx, tenantId, uuidv7(), input, searchForm(input.name), supplierSearchText(input));
}

/** Changes some fields; `{ active: false }` archives (its orders keep naming it). */
export async function updateSupplier(tx: Queryable, tenantId: string, id: string, changes: Partial<SupplierInput>): Promise<SupplierRow> {
  const current = await getSupplier(tx, tenantId, id);
  const { id: _id, createdAt: _c, updatedAt: _u, ...fields } = current;
  const next: SupplierFields = { ...fields, ...changes };
  return repository.updateSupplier(tx, tenantId, id, next, searchForm(next.name), supplierSearchText(next));
}

// ---------------------------------------------------------------------------------------------
// Purchase orders
// ---------------------------------------------------------------------------------------------

export type OrderLineInput = { productId: string; quantityMilli: number; unitCostMinor: number };
export type OrderInput = { supplierId: string; boutiqueId: string; notes: string; lines: OrderLineInput[] };

export type OrderLine = Omit<LineRow, 'orderId'> & { amountMinor: number; remainingMilli: number };
export type OrderSummary = Omit<OrderRow, 'seq'> & { lineCount: number; totalMinor: number; receivedTotalMinor: number };
export type Reception = {
  id: string;
  receivedAt: string;
  receivedBy: string | null;
  receivedByName: string | null;
  totalMinor: number;
  lines: Array<Omit<ReceptionLineRow, 'receptionId'>>;
};
export type OrderDetail = OrderSummary & { lines: OrderLine[]; receptions: Reception[] };

export function orderNumber(seq: number): string {
  return `BC-${String(seq).padStart(6, '0')}`;
}

/** Totals in minor units, each line rounded once by shared/money (quantities are thousandths). */
function summarise(order: OrderRow, lines: LineRow[]): OrderSummary {
  const { seq: _seq, ...head } = order;
  return {
    ...head,
    lineCount: lines.length,
    totalMinor: lines.reduce((sum, l) => sum + lineAmount(l.unitCostMinor, l.quantityMilli), 0),
    receivedTotalMinor: 0,
  };
}

async function detail(tx: Queryable, tenantId: string, order: OrderRow): Promise<OrderDetail> {
  const lines = await repository.linesOf(tx, tenantId, [order.id]);
  const receptions = await repository.receptionsOf(tx, tenantId, order.id);
  const receptionLines = receptions.length > 0 ? await repository.receptionLines(tx, tenantId, receptions.map((r) => r.id)) : [];
  const position = new Map(lines.map((l) => [l.id, l.position]));
  const shaped: Reception[] = receptions.map((r) => {
    const own = receptionLines
      .filter((l) => l.receptionId === r.id)
      .sort((a, b) => (position.get(a.lineId) ?? 0) - (position.get(b.lineId) ?? 0))
      .map(({ receptionId: _r, ...line }) => line);
    return {
      id: r.id, receivedAt: r.receivedAt, receivedBy: r.receivedBy, receivedByName: r.receivedByName,
      totalMinor: own.reduce((sum, l) => sum + lineAmount(l.unitCostMinor, l.quantityMilli), 0),
      lines: own,
    };
  });
  return {
    ...summarise(order, lines),
    receivedTotalMinor: shaped.reduce((sum, r) => sum + r.totalMinor, 0),
    lines: lines.map(({ orderId: _o, ...l }) => ({ ...l, amountMinor: lineAmount(l.unitCostMinor, l.quantityMilli), remainingMilli: Math.max(l.quantityMilli - l.receivedMilli, 0) })),
    receptions: shaped,
  };
}

export async function listOrders(
  tx: Queryable,
  tenantId: string,
  scope: BoutiqueScope,
  query: { status: OrderStatus | null; supplierId: string | null; boutiqueId: string | null; limit: number; before: number | null },
): Promise<{ orders: OrderSummary[]; nextBefore: number | null; total: number }> {
  const filter = { status: query.status, supplierId: query.supplierId, boutiqueId: query.boutiqueId, boutiqueIds: scope.boutiqueIds };
  const rows = await repository.listOrders(tx, tenantId, filter, query.before, query.limit);
  const page = rows.slice(0, query.limit);
  const lines = page.length > 0 ? await repository.linesOf(tx, tenantId, page.map((o) => o.id)) : [];
  const byOrder = new Map<string, LineRow[]>();
  for (const line of lines) byOrder.set(line.orderId, [...(byOrder.get(line.orderId) ?? []), line]);
  return {
    orders: page.map((o) => summarise(o, byOrder.get(o.id) ?? [])),
    nextBefore: rows.length > query.limit ? page.at(-1)!.seq : null,
    total: await repository.countOrders(tx, tenantId, filter),
  };
}

async function orderInScope(tx: Queryable, tenantId: string, scope: BoutiqueScope, id: string, lock = false): Promise<OrderRow> {
  const order = await repository.findOrder(tx, tenantId, id, { lock });
  if (!order) throw notFound('PURCHASE_ORDER_NOT_FOUND');
  assertInScope(scope, order.boutiqueId);
  return order;
}

export async function getOrder(tx: Queryable, tenantId: string, scope: BoutiqueScope, id: string): Promise<OrderDetail> {
  return detail(tx, tenantId, await orderInScope(tx, tenantId, scope, id));
}

/**
 * The supplier, the boutique (the caller's) and the products (live, each once) an order names. A
 * new or changed supplier must be active; an old draft keeps the archived one it had.
 */
async function checkReferences(tx: Queryable, tenantId: string, scope: BoutiqueScope, input: OrderInput, supplierChosen = true): Promise<void> {
  const supplier = await repository.findSupplier(tx, tenantId, input.supplierId);
  if (!supplier) throw new AppError(422, 'SUPPLIER_NOT_FOUND');
  if (!supplier.active && supplierChosen) throw new AppError(422, 'SUPPLIER_ARCHIVED');
  if (!(await repository.boutiqueExists(tx, tenantId, input.boutiqueId))) throw new AppError(422, 'BOUTIQUE_NOT_FOUND');
  assertInScope(scope, input.boutiqueId);
  const ids = input.lines.map((l) => l.productId);
  if (new Set(ids).size !== ids.length) throw new AppError(422, 'PURCHASE_ORDER_DUPLICATE_PRODUCT');
  const live = await repository.liveProductIds(tx, tenantId, ids);
  const missing = ids.find((id) => !live.has(id));
  if (missing !== undefined) throw new AppError(422, 'PRODUCT_NOT_FOUND', { productId: missing }, { ref: missing });
}

function newLines(lines: OrderLineInput[]): repository.NewLine[] {
  return lines.map((l, position) => ({ id: uuidv7(), position, productId: l.productId, quantityMilli: l.quantityMilli, unitCostMinor: l.unitCostMinor }));
}

export async function createOrder(tx: Queryable, tenantId: string, scope: BoutiqueScope, input: OrderInput, createdBy: string | null): Promise<OrderDetail> {
  await checkReferences(tx, tenantId, scope, input);
  const seq = await repository.takeOrderNumber(tx, tenantId);
  const id = uuidv7();
  await repository.insertOrder(tx, tenantId, { id, seq, number: orderNumber(seq), supplierId: input.supplierId, boutiqueId: input.boutiqueId, notes: input.notes, createdBy });
  await repository.replaceLines(tx, tenantId, id, newLines(input.lines));
  return getOrder(tx, tenantId, scope, id);
}

/** A draft only: once ordered, the supplier has it and the receptions count against it. */
export async function updateOrder(tx: Queryable, tenantId: string, scope: BoutiqueScope, id: string, changes: Partial<OrderInput>): Promise<OrderDetail> {
  const order = await orderInScope(tx, tenantId, scope, id, true);
  if (order.status !== 'draft') throw new AppError(409, 'PURCHASE_ORDER_NOT_DRAFT', { status: order.status }, { number: order.number });
  const current = await repository.linesOf(tx, tenantId, [id]);
  const next: OrderInput = {
    supplierId: changes.supplierId ?? order.supplierId,
    boutiqueId: changes.boutiqueId ?? order.boutiqueId,
    notes: changes.notes ?? order.notes,
    lines: changes.lines ?? current.map((l) => ({ productId: l.productId, quantityMilli: l.quantityMilli, unitCostMinor: l.unitCostMinor })),
  };
  await checkReferences(tx, tenantId, scope, next, changes.supplierId !== undefined);
  await repository.updateOrderHead(tx, tenantId, id, next);
  if (changes.lines !== undefined) await repository.replaceLines(tx, tenantId, id, newLines(changes.lines));
  return getOrder(tx, tenantId, scope, id);
}

/** draft → ordered: the order goes to the supplier, with at least one line, from a live supplier. */
export async function placeOrder(tx: Queryable, tenantId: string, scope: BoutiqueScope, id: string): Promise<OrderDetail> {
  const order = await orderInScope(tx, tenantId, scope, id, true);
  if (order.status !== 'draft') throw new AppError(409, 'PURCHASE_ORDER_CANNOT_ORDER', { status: order.status }, { number: order.number });
  const lines = await repository.linesOf(tx, tenantId, [id]);
  if (lines.length === 0) throw new AppError(409, 'PURCHASE_ORDER_EMPTY', undefined, { number: order.number });
  const supplier = await repository.findSupplier(tx, tenantId, order.supplierId);
  if (!supplier?.active) throw new AppError(409, 'SUPPLIER_ARCHIVED');
  await repository.setOrderStatus(tx, tenantId, id, 'ordered');
  return getOrder(tx, tenantId, scope, id);
}

/** From draft or ordered only: once something is received, the stock and the costs have moved. */
export async function cancelOrder(tx: Queryable, tenantId: string, scope: BoutiqueScope, id: string): Promise<OrderDetail> {
  const order = await orderInScope(tx, tenantId, scope, id, true);
  if (order.status !== 'draft' && order.status !== 'ordered') throw new AppError(409, 'PURCHASE_ORDER_CANNOT_CANCEL', { status: order.status }, { number: order.number });
  await repository.setOrderStatus(tx, tenantId, id, 'cancelled');
  return getOrder(tx, tenantId, scope, id);
}

// ---------------------------------------------------------------------------------------------
// Receptions
// ---------------------------------------------------------------------------------------------

export type ReceptionInput = { id: string; lines: Array<{ lineId: string; quantityMilli: number; unitCostMinor: number }> };

/** Fixed for good: the ids of a reception's movements are derived under it from the reception and the line. */
const RECEIPT_NAMESPACE = '6f1c2a4e-4b5d-5e8f-9a0b-1c2d3e4f5a6b';

export function receiptMovementId(tenantId: string, receptionId: string, lineId: string): string {
  return uuidv5(`${tenantId}/${receptionId}/${lineId}`, RECEIPT_NAMESPACE);
}

function sameReception(stored: Array<Omit<ReceptionLineRow, 'receptionId'> | ReceptionLineRow>, input: ReceptionInput): boolean {
  if (stored.length !== input.lines.length) return false;
  const byLine = new Map(stored.map((l) => [l.lineId, l]));
  return input.lines.every((l) => {
    const s = byLine.get(l.lineId);
    return s !== undefined && s.quantityMilli === l.quantityMilli && s.unitCostMinor === l.unitCostMinor;
  });
}

/**
 * Receives some or all of an order's lines, in the caller's one transaction: a `receipt` movement
 * per line at the order's boutique (through the sync store: stock_levels move and the boutique's
 * tills are told), the order's received quantities and status, and each product's weighted
 * average cost. The order's row is locked first, so two receptions check what remains one after
 * the other. A reception sent again under the same id (a retry after a lost answer) finds the
 * first and changes nothing; the same id with other content is refused.
 *
 * Receiving more than remains on a line is refused: the order is what the company agreed to pay
 * for, and a surplus left unrecorded against it would make its totals lie. A surplus is recorded
 * as a new order (or a stock adjustment).
 */
export async function receive(
  tx: Queryable,
  tenantId: string,
  scope: BoutiqueScope,
  orderId: string,
  input: ReceptionInput,
  receivedBy: string | null,
): Promise<{ replayed: boolean; order: OrderDetail }> {
  const order = await orderInScope(tx, tenantId, scope, orderId, true);
  const existing = await repository.findReception(tx, tenantId, input.id);
  if (existing) {
    const stored = await repository.receptionLines(tx, tenantId, [existing.id]);
    if (existing.orderId !== order.id || !sameReception(stored, input)) throw conflict('PURCHASE_RECEPTION_ID_REUSED');
    return { replayed: true, order: await detail(tx, tenantId, order) };
  }
  if (order.status !== 'ordered' && order.status !== 'partly_received') {
    throw new AppError(409, 'PURCHASE_ORDER_CANNOT_RECEIVE', { status: order.status }, { number: order.number });
  }
  const lines = new Map((await repository.linesOf(tx, tenantId, [order.id])).map((l) => [l.id, l]));
  const unknown = input.lines.find((l) => !lines.has(l.lineId));
  if (unknown) throw new AppError(422, 'PURCHASE_LINE_NOT_FOUND', { lineId: unknown.lineId });
  const over = input.lines
    .map((l) => ({ ...l, line: lines.get(l.lineId)! }))
    .filter(({ quantityMilli, line }) => quantityMilli > line.quantityMilli - line.receivedMilli)
    .map(({ lineId, quantityMilli, line }) => ({ lineId, productId: line.productId, quantityMilli, remainingMilli: Math.max(line.quantityMilli - line.receivedMilli, 0) }));
  if (over.length > 0) throw conflict('PURCHASE_RECEPTION_EXCEEDS_ORDER', { lines: over });

  if (!(await repository.insertReception(tx, tenantId, { id: input.id, orderId: order.id, receivedBy }))) throw conflict('PURCHASE_RECEPTION_ID_REUSED');
  const now = new Date().toISOString();
  const ordered = [...input.lines].sort((a, b) => lines.get(a.lineId)!.position - lines.get(b.lineId)!.position);
  const movements: StockMovement[] = [];
  const written: Array<Omit<ReceptionLineRow, 'receptionId'> & { receptionId: string; movementId: string }> = [];
  await repository.lockProductCosts(tx, tenantId, ordered.map((l) => lines.get(l.lineId)!.productId));
  for (const l of ordered) {
    const line = lines.get(l.lineId)!;
    // Before the movements are written: the stock the old cost was paid for.
    const { costMinor, onHandMilli } = await repository.costAndStock(tx, tenantId, line.productId);
    const costAfterMinor = weightedAverageCost({ onHandMilli, costMinor, receivedMilli: l.quantityMilli, unitCostMinor: l.unitCostMinor });
    const movementId = receiptMovementId(tenantId, input.id, l.lineId);
    movements.push({
      id: movementId, tenantId, boutiqueId: order.boutiqueId, productId: line.productId, quantityMilli: l.quantityMilli,
      kind: 'receipt', reason: `Réception ${order.number}`, refId: order.id, deviceId: null, createdAt: now,
    });
    written.push({
      receptionId: input.id, lineId: l.lineId, productId: line.productId, quantityMilli: l.quantityMilli, unitCostMinor: l.unitCostMinor,
      onHandBeforeMilli: onHandMilli, costBeforeMinor: costMinor, costAfterMinor, movementId,
    });
  }
  await repository.saveMovements(tx, tenantId, movements);
  await repository.insertReceptionLines(tx, tenantId, written);
  for (const w of written) await repository.setProductCost(tx, tenantId, w.productId, w.costAfterMinor);
  await repository.addReceived(tx, tenantId, order.id, input.lines.map((l) => ({ lineId: l.lineId, quantityMilli: l.quantityMilli })));
  const after = await repository.linesOf(tx, tenantId, [order.id]);
  const status: OrderStatus = after.every((l) => l.receivedMilli >= l.quantityMilli) ? 'received' : 'partly_received';
  await repository.setOrderStatus(tx, tenantId, order.id, status);
  return { replayed: false, order: await getOrder(tx, tenantId, scope, order.id) };
}
