import type { RxCollection, RxDatabase, RxJsonSchema } from 'rxdb';
import { can } from '../../../shared/rbac.js';
import type { Product, StockMovement, TillBoutique, Transfer } from '../../../shared/schema/index.js';
import { receptionProblem, transferMovementId, type ReceivedLine } from '../../../shared/schema/transfers.js';
import { AtomicWriteError, insertAtomically } from '../db/atomic-write.js';
import { localCollection } from '../db/local-collection.js';
import type { Cashier, TillIdentity } from './checkout.js';
import { PosError } from './errors.js';

/**
 * This till's confirmation of a transfer's reception, kept beside the movements it wrote (same
 * SQLite transaction) and never synced: the movements carry the reception to the cloud, this
 * record shows it here and refuses a second confirmation while the cloud has not yet said the
 * transfer is received.
 */
export type TransferReception = { id: string; receivedAt: string; userId: string; lines: Array<{ productId: string; receivedMilli: number; reason: string | null }> };

export const TRANSFER_RECEPTIONS_COLLECTION = 'transfer_receptions';

const receptionSchema: RxJsonSchema<TransferReception> = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 64 },
    receivedAt: { type: 'string', maxLength: 40 },
    userId: { type: 'string', maxLength: 64 },
    lines: { type: 'array', items: { type: 'object' } },
  },
  required: ['id', 'receivedAt', 'userId', 'lines'],
};

export type TillTransferLine = { productId: string; name: string; unit: Product['unit'] | null; quantityMilli: number; receivedMilli: number | null; reason: string | null };

/** A transfer as the counter shows it: its state here, reception confirmed here but not yet in the cloud included. */
export type TillTransfer = {
  id: string;
  number: string;
  fromBoutiqueName: string;
  status: 'sent' | 'received';
  /** Confirmed at this till and still on its way to the cloud. */
  awaitingSync: boolean;
  sentAt: string | null;
  receivedAt: string | null;
  lines: TillTransferLine[];
};

/**
 * Transfers sent to this boutique, as the cloud gave them, and their reception at the counter:
 * the `transfer_in` movements are written here at once (stock moves at once, offline too), with
 * the ids derived from the transfer, so the cloud, and a manager who received it online, count
 * each line once.
 */
export function createTillTransfers(db: RxDatabase, till: TillIdentity, clock: () => Date = () => new Date()) {
  const transfers = () => db.collections.transfers! as RxCollection<Transfer>;
  const receptions = () => localCollection<TransferReception>(db, TRANSFER_RECEPTIONS_COLLECTION, receptionSchema);
  // Confirmations one after the other: two clicks never both pass the "not yet received" check.
  let queue: Promise<unknown> = Promise.resolve();

  async function view(transfer: Transfer, reception: TransferReception | undefined): Promise<TillTransfer> {
    const [from, products] = await Promise.all([
      db.collections.boutiques!.findOne(transfer.fromBoutiqueId).exec(),
      db.collections.products!.findByIds(transfer.lines.map((l) => l.productId)).exec(),
    ]);
    const receivedHere = transfer.status === 'sent' && reception !== undefined;
    return {
      id: transfer.id, number: transfer.number, fromBoutiqueName: (from?.toJSON() as TillBoutique | undefined)?.name ?? transfer.fromBoutiqueId,
      status: transfer.status === 'received' || receivedHere ? 'received' : 'sent', awaitingSync: receivedHere,
      sentAt: transfer.sentAt ?? null, receivedAt: transfer.receivedAt ?? reception?.receivedAt ?? null,
      lines: transfer.lines.map((line, i) => {
        const local = receivedHere ? reception.lines[i] : undefined;
        return {
          productId: line.productId, name: line.name, unit: (products.get(line.productId)?.toJSON() as Product | undefined)?.unit ?? null, quantityMilli: line.quantityMilli,
          receivedMilli: local?.receivedMilli ?? line.receivedMilli ?? null, reason: local?.reason ?? line.reason ?? null,
        };
      }),
    };
  }

  async function receive(user: Cashier, transferId: string, received: ReceivedLine[]): Promise<TillTransfer> {
    if (!can(user.role, 'transfers', 'write')) throw new PosError('FORBIDDEN');
    const transfer = (await transfers().findOne(transferId).exec())?.toJSON() as Transfer | undefined;
    if (!transfer || transfer.tenantId !== till.tenantId) throw new PosError('TRANSFER_NOT_FOUND');
    if (transfer.toBoutiqueId !== till.boutiqueId) throw new PosError('TRANSFER_NOT_FOR_THIS_BOUTIQUE');
    const store = await receptions();
    if (transfer.status === 'received' || (await store.findOne(transfer.id).exec())) throw new PosError('TRANSFER_ALREADY_RECEIVED');
    if (transfer.status !== 'sent') throw new PosError('TRANSFER_NOT_SENT');
    const problem = receptionProblem(transfer, received);
    if (problem) throw new PosError(problem.code, { max: 300 });
    const at = clock().toISOString();
    const lines = received.map((line) => ({ productId: line.productId, receivedMilli: line.receivedMilli, reason: line.reason?.trim() || null }));
    // One movement per line, of nothing where nothing arrived (with its reason): the cloud learns
    // the whole reception from them, and a manager's reception writes the same ids.
    const movements: StockMovement[] = lines.map((line, i) => ({
      id: transferMovementId(transfer.id, 'in', i), tenantId: till.tenantId, boutiqueId: till.boutiqueId, productId: line.productId,
      quantityMilli: line.receivedMilli, kind: 'transfer_in' as const, ...(line.reason ? { reason: line.reason } : {}), refId: transfer.id,
      deviceId: till.deviceId, createdAt: at,
    }));
    const reception: TransferReception = { id: transfer.id, receivedAt: at, userId: user.id, lines };
    try {
      insertAtomically([
        { collection: store as unknown as RxCollection, documents: [reception] },
        { collection: db.collections.stock_movements!, documents: movements },
      ]);
    } catch (error) {
      // A movement of this reception already here: the cloud's, pulled after a manager received it.
      if (error instanceof AtomicWriteError) throw new PosError('TRANSFER_ALREADY_RECEIVED');
      throw error;
    }
    return view(transfer, reception);
  }

  return {
    /** Transfers sent to this boutique, those still to receive first, then the latest received. */
    async list(limit = 100): Promise<TillTransfer[]> {
      const docs = await transfers().find({ selector: { toBoutiqueId: till.boutiqueId, status: { $in: ['sent', 'received'] } } }).exec();
      const all = docs.map((d) => d.toJSON() as Transfer);
      const store = await receptions();
      const local = await store.findByIds(all.map((t) => t.id)).exec();
      const views = await Promise.all(all.map((t) => view(t, local.get(t.id)?.toJSON() as TransferReception | undefined)));
      return views
        .sort((a, b) => (a.status === b.status ? (b.sentAt ?? '').localeCompare(a.sentAt ?? '') : a.status === 'sent' ? -1 : 1))
        .slice(0, limit);
    },

    receive(user: Cashier, transferId: string, received: ReceivedLine[]): Promise<TillTransfer> {
      const run = queue.then(() => receive(user, transferId, received));
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
