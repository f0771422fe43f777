import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { Role } from '../../../shared/rbac.js';
import type { StockMovement } from '../../../shared/schema/stock-movements.js';
import { parseTransferMovementId, receptionProblem, transferMovementId, type ReceivedLine, type Transfer, type TransferLine, type TransferStatus } from '../../../shared/schema/transfers.js';
import type { Queryable } from '../../db/database.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../http/errors.js';
import * as repository from './repository.js';
import type { TransferKey } from './repository.js';

/** Who acts: a dg acts on the transfers of their own boutiques only, a pdg on all of the company's. */
export type Actor = { userId: string; role: Role; boutiqueIds: readonly string[] };

export type TransferInput = {
  fromBoutiqueId: string;
  toBoutiqueId: string;
  lines: Array<{ productId: string; quantityMilli: number }>;
  note?: string | undefined;
};

export type TransferQuery = { status: TransferStatus | null; boutiqueId: string | null; limit: number; after: string | null };
export type TransferPage = { transfers: Transfer[]; nextCursor: string | null; total: number };

/** Roles that act on every boutique of the company; the others on their own boutiques only. */
function allBoutiques(actor: Actor): boolean {
  return actor.role === 'pdg' || actor.role === 'super_admin';
}

function assertBoutique(actor: Actor, boutiqueId: string): void {
  if (!allBoutiques(actor) && !actor.boutiqueIds.includes(boutiqueId)) throw forbidden('TRANSFER_BOUTIQUE_FORBIDDEN', { boutiqueId });
}

function formatNumber(n: number): string {
  return `TR-${String(n).padStart(6, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

const cursorShape = z.object({ c: z.string().max(40), i: z.string().min(1).max(64) });

function encodeCursor(key: TransferKey): string {
  return Buffer.from(JSON.stringify({ c: key.createdAt, i: key.id })).toString('base64url');
}

function decodeCursor(cursor: string): TransferKey {
  try {
    const parsed = cursorShape.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return { createdAt: parsed.data.c, id: parsed.data.i };
  } catch {
    // falls through to the refusal
  }
  throw badRequest('LIST_CURSOR_INVALID');
}

export async function listTransfers(tx: Queryable, tenantId: string, actor: Actor, query: TransferQuery): Promise<TransferPage> {
  const filter = { status: query.status, boutiqueId: query.boutiqueId, within: allBoutiques(actor) ? null : [...actor.boutiqueIds] };
  const rows = await repository.listTransfers(tx, tenantId, filter, query.after ? decodeCursor(query.after) : null, query.limit);
  const transfers = rows.slice(0, query.limit);
  const last = transfers.at(-1);
  const nextCursor = rows.length > query.limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null;
  return { transfers, nextCursor, total: await repository.countTransfers(tx, tenantId, filter) };
}

async function load(tx: Queryable, tenantId: string, actor: Actor, transferId: string, lock = false): Promise<Transfer> {
  const transfer = (await repository.findTransfers(tx, tenantId, [transferId], lock)).get(transferId);
  // A transfer of boutiques the actor does not run is not shown to them, as if it did not exist.
  if (!transfer || (!allBoutiques(actor) && !actor.boutiqueIds.includes(transfer.fromBoutiqueId) && !actor.boutiqueIds.includes(transfer.toBoutiqueId))) {
    throw notFound('TRANSFER_NOT_FOUND');
  }
  return transfer;
}

export async function getTransfer(tx: Queryable, tenantId: string, actor: Actor, transferId: string): Promise<Transfer> {
  return load(tx, tenantId, actor, transferId);
}

// ---------------------------------------------------------------------------------------------
// Drafts
// ---------------------------------------------------------------------------------------------

async function draftLines(tx: Queryable, tenantId: string, actor: Actor, input: TransferInput): Promise<TransferLine[]> {
  if (input.fromBoutiqueId === input.toBoutiqueId) throw new AppError(422, 'TRANSFER_SAME_BOUTIQUE');
  assertBoutique(actor, input.fromBoutiqueId);
  const boutiques = await repository.existingBoutiques(tx, tenantId, [input.fromBoutiqueId, input.toBoutiqueId]);
  for (const id of [input.fromBoutiqueId, input.toBoutiqueId]) if (!boutiques.has(id)) throw new AppError(422, 'BOUTIQUE_NOT_FOUND', { boutiqueId: id });
  if (input.lines.length === 0) throw new AppError(422, 'TRANSFER_LINES_REQUIRED');
  const names = await repository.productNames(tx, tenantId, input.lines.map((line) => line.productId));
  const seen = new Set<string>();
  return input.lines.map((line) => {
    const name = names.get(line.productId);
    if (name === undefined) throw new AppError(422, 'PRODUCT_NOT_FOUND', { productId: line.productId }, { ref: line.productId });
    if (seen.has(line.productId)) throw new AppError(422, 'TRANSFER_DUPLICATE_PRODUCT', { productId: line.productId }, { name });
    seen.add(line.productId);
    return { productId: line.productId, name, quantityMilli: line.quantityMilli };
  });
}

export async function createTransfer(tx: Queryable, tenantId: string, actor: Actor, input: TransferInput): Promise<Transfer> {
  const lines = await draftLines(tx, tenantId, actor, input);
  const now = new Date().toISOString();
  const transfer: Transfer = {
    id: uuidv7(), tenantId, boutiqueId: input.toBoutiqueId, number: formatNumber(await repository.nextTransferNumber(tx, tenantId)),
    fromBoutiqueId: input.fromBoutiqueId, toBoutiqueId: input.toBoutiqueId, status: 'draft', lines,
    ...(input.note ? { note: input.note } : {}),
    createdBy: actor.userId, createdAt: now, sentAt: null, receivedAt: null, receivedVia: null, receivedBy: null, cancelledAt: null, updatedAt: now,
  };
  await repository.saveTransfer(tx, tenantId, transfer);
  return transfer;
}

function assertDraft(transfer: Transfer): void {
  if (transfer.status !== 'draft') throw conflict('TRANSFER_NOT_DRAFT', { status: transfer.status });
}

export async function updateTransfer(tx: Queryable, tenantId: string, actor: Actor, transferId: string, input: TransferInput): Promise<Transfer> {
  const current = await load(tx, tenantId, actor, transferId, true);
  assertBoutique(actor, current.fromBoutiqueId);
  assertDraft(current);
  const lines = await draftLines(tx, tenantId, actor, input);
  const { note: _note, ...rest } = current;
  const updated: Transfer = {
    ...rest, fromBoutiqueId: input.fromBoutiqueId, toBoutiqueId: input.toBoutiqueId, boutiqueId: input.toBoutiqueId, lines,
    ...(input.note ? { note: input.note } : {}), updatedAt: new Date().toISOString(),
  };
  await repository.saveTransfer(tx, tenantId, updated);
  return updated;
}

export async function cancelTransfer(tx: Queryable, tenantId: string, actor: Actor, transferId: string): Promise<Transfer> {
  const current = await load(tx, tenantId, actor, transferId, true);
  assertBoutique(actor, current.fromBoutiqueId);
  assertDraft(current);
  const now = new Date().toISOString();
  const cancelled: Transfer = { ...current, status: 'cancelled', cancelledAt: now, updatedAt: now };
  await repository.saveTransfer(tx, tenantId, cancelled);
  return cancelled;
}

// ---------------------------------------------------------------------------------------------
// Sending and receiving
// ---------------------------------------------------------------------------------------------

/**
 * The goods leave the source: the transfer becomes `sent` and each line a `transfer_out` movement
 * of the source, in one transaction. The movements' ids come from the transfer, so the step is
 * written once however often it is asked (a second send is refused: it is no longer a draft).
 */
export async function sendTransfer(tx: Queryable, tenantId: string, actor: Actor, transferId: string): Promise<Transfer> {
  const current = await load(tx, tenantId, actor, transferId, true);
  assertBoutique(actor, current.fromBoutiqueId);
  assertDraft(current);
  const now = new Date().toISOString();
  const movements: StockMovement[] = current.lines.map((line, i) => ({
    id: transferMovementId(current.id, 'out', i), tenantId, boutiqueId: current.fromBoutiqueId, productId: line.productId,
    quantityMilli: -line.quantityMilli, kind: 'transfer_out', reason: current.number, refId: current.id, deviceId: null, createdAt: now,
  }));
  await repository.writeMovements(tx, tenantId, movements);
  const sent: Transfer = { ...current, status: 'sent', sentAt: now, updatedAt: now };
  await repository.saveTransfer(tx, tenantId, sent);
  return sent;
}

/** A reception's movement of a line: what arrived, with the reason of a difference. */
function receptionMovement(transfer: Transfer, index: number, received: ReceivedLine, at: string, deviceId: string | null): StockMovement {
  const reason = received.reason?.trim();
  return {
    id: transferMovementId(transfer.id, 'in', index), tenantId: transfer.tenantId, boutiqueId: transfer.toBoutiqueId, productId: received.productId,
    quantityMilli: received.receivedMilli, kind: 'transfer_in', ...(reason ? { reason } : {}), refId: transfer.id, deviceId, createdAt: at,
  };
}

/**
 * A manager receives the goods at the destination from the back office: a `transfer_in` movement
 * of what arrived of each line (of nothing, with its reason, where nothing did) and the transfer `received`, in
 * one transaction, after the transfer's row is locked: a till's pushed reception of the same
 * transfer waits for it, then finds it received and its movements already there.
 */
export async function receiveTransfer(tx: Queryable, tenantId: string, actor: Actor, transferId: string, received: ReceivedLine[]): Promise<Transfer> {
  const current = await load(tx, tenantId, actor, transferId, true);
  assertBoutique(actor, current.toBoutiqueId);
  if (current.status === 'received') throw conflict('TRANSFER_ALREADY_RECEIVED');
  if (current.status !== 'sent') throw conflict('TRANSFER_NOT_SENT', { status: current.status });
  const problem = receptionProblem(current, received);
  if (problem) throw new AppError(422, problem.code, { productId: problem.productId }, { max: 300 });
  const now = new Date().toISOString();
  // One movement per line, of nothing where nothing arrived: each line of the reception is a fact.
  const movements = received.map((line, i) => receptionMovement(current, i, line, now, null));
  await repository.writeMovements(tx, tenantId, movements);
  const done: Transfer = {
    ...current, status: 'received', receivedAt: now, receivedVia: 'admin', receivedBy: actor.userId, updatedAt: now,
    lines: current.lines.map((line, i) => ({ ...line, receivedMilli: received[i]!.receivedMilli, reason: received[i]!.reason?.trim() || null })),
  };
  await repository.saveTransfer(tx, tenantId, done);
  return done;
}

// ---------------------------------------------------------------------------------------------
// A till's reception, pushed through the sync
// ---------------------------------------------------------------------------------------------

export type TillScope = { tenantId: string; boutiqueId: string; deviceId: string };

type PushedMovement = { id: string; kind?: unknown; refId?: unknown; productId?: unknown; boutiqueId?: unknown };

/** Movements that name a transfer, by their id or their refId (a transfer's id is a UUID, never a sale's). */
function transferIdOf(movement: PushedMovement): string | null {
  const parsed = parseTransferMovementId(movement.id);
  if (parsed) return parsed.transferId;
  return (movement.kind === 'transfer_in' || movement.kind === 'transfer_out') && typeof movement.refId === 'string' ? movement.refId : null;
}

/**
 * Checks the transfer movements of a till's push before they are stored, and locks their
 * transfers until the push's transaction ends. A till writes only the reception of a transfer sent
 * to its own boutique: `transfer_in` movements with the id derived from the transfer and the line,
 * of that line's product, with the transfer as refId. Returns the reason of each movement refused
 * (the push sets them aside in sync_rejections). Movements naming no transfer are left alone.
 */
export async function vetTillMovements(tx: Queryable, scope: TillScope, movements: PushedMovement[]): Promise<Map<string, string>> {
  const refused = new Map<string, string>();
  const named = movements.flatMap((movement) => {
    const transferId = transferIdOf(movement);
    return transferId ? [{ movement, transferId }] : [];
  });
  if (named.length === 0) return refused;
  const transfers = await repository.findTransfers(tx, scope.tenantId, named.map((n) => n.transferId), true);
  for (const { movement, transferId } of named) {
    const transfer = transfers.get(transferId);
    const parsed = parseTransferMovementId(movement.id);
    let reason: string | null = null;
    if (!transfer) reason = 'invalid stock movement: unknown transfer';
    else if (!parsed || parsed.transferId !== transferId || movement.refId !== transferId) reason = 'invalid stock movement: a transfer movement has the id derived from its transfer and line';
    else if (parsed.direction !== 'in' || movement.kind !== 'transfer_in') reason = 'invalid stock movement: a till writes only the reception of a transfer';
    else if (transfer.toBoutiqueId !== scope.boutiqueId) reason = 'invalid stock movement: transfer of another boutique';
    else if (transfer.status !== 'sent' && transfer.status !== 'received') reason = `invalid stock movement: transfer ${transfer.status}`;
    else if (transfer.lines[parsed.lineIndex]?.productId !== movement.productId) reason = 'invalid stock movement: not a product of the transfer';
    if (reason) refused.set(movement.id, reason);
  }
  return refused;
}

/**
 * After a till's transfer movements are stored (in the same transaction, the transfers still
 * locked by vetTillMovements): a transfer still `sent` becomes `received`, with what arrived read
 * from its stored reception movements. A reception that came in two pushes completes the lines of
 * the same till's reception; a transfer a manager received first keeps the manager's figures (the
 * till's movements were the same facts, or conflicts answered with the stored ones).
 */
export async function receiveFromTill(tx: Queryable, scope: TillScope, movements: PushedMovement[]): Promise<string[]> {
  const ids = [...new Set(movements.flatMap((m) => (m.kind === 'transfer_in' ? [parseTransferMovementId(m.id)?.transferId ?? ''] : [])).filter(Boolean))];
  if (ids.length === 0) return [];
  const transfers = await repository.findTransfers(tx, scope.tenantId, ids, true);
  const marked: string[] = [];
  for (const transfer of transfers.values()) {
    const ownReception = transfer.status === 'received' && transfer.receivedVia === 'till' && transfer.receivedBy === scope.deviceId;
    if (transfer.status !== 'sent' && !ownReception) continue;
    const stored = await repository.movementsWithPrefix(tx, scope.tenantId, `${transfer.id}:in:`);
    const byLine = new Map(stored.flatMap((m) => {
      const parsed = parseTransferMovementId(m.id);
      return parsed ? [[parsed.lineIndex, m] as const] : [];
    }));
    if (byLine.size === 0) continue;
    // A line whose movement has not come yet (a reception pushed in two requests) stays unknown.
    const lines = transfer.lines.map((line, i) => ({ ...line, receivedMilli: byLine.get(i)?.quantityMilli ?? null, reason: byLine.get(i)?.reason ?? null }));
    const receivedAt = transfer.receivedAt ?? [...byLine.values()].map((m) => m.createdAt).sort()[0]!;
    const next: Transfer = { ...transfer, status: 'received', receivedAt, receivedVia: 'till', receivedBy: scope.deviceId, lines, updatedAt: new Date().toISOString() };
    if (ownReception && JSON.stringify(next.lines) === JSON.stringify(transfer.lines)) continue;
    await repository.saveTransfer(tx, scope.tenantId, next);
    marked.push(transfer.id);
  }
  return marked;
}
