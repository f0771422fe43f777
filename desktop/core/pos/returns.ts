import type { RxDatabase } from 'rxdb';
import { v7 as uuidv7 } from 'uuid';
import { divideRounded } from '../../../shared/money.js';
import type { Return, Sale, StockMovement, Tender } from '../../../shared/schema/index.js';
import { insertAtomically } from '../db/atomic-write.js';
import type { Cashier, TillIdentity } from './checkout.js';
import { PosError } from './errors.js';

export type ReturnableLine = {
  productId: string;
  name: string;
  soldMilli: number;
  returnedMilli: number;
  remainingMilli: number;
  /** Refund for one unit (1000 milli), discounts included: for the screen, not for computing. */
  unitRefundMinor: number;
};
export type Returnable = { sale: Sale; lines: ReturnableLine[] };
export type ReturnRequest = {
  saleId: string;
  lines: Array<{ productId: string; quantityMilli: number }>;
  refundMethod: Tender['method'];
  reason: string;
};

const REFUND_METHODS: ReadonlyArray<Tender['method']> = ['cash', 'mtn_momo', 'orange_money', 'card'];
const REASON_MAX = 300;

/** What the customer paid per product: a product may sit on two lines of a sale (two discounts). */
type Paid = { productId: string; name: string; soldMilli: number; paidMinor: number; returnedMilli: number; refundedMinor: number };

/**
 * The refund owed when `returnedMilli` of `soldMilli` have come back in all: the paid amount in
 * proportion, rounded once on the running total. Each return takes the difference from what was
 * already refunded, so the last return of a line gives back exactly what is left and a full return
 * refunds the line total to the franc, however it was split.
 */
function refundedAfter(line: Paid, returnedMilli: number): number {
  if (returnedMilli >= line.soldMilli) return line.paidMinor;
  return divideRounded(BigInt(line.paidMinor) * BigInt(returnedMilli), BigInt(line.soldMilli));
}

/**
 * Full and partial returns against a past sale of this boutique, offline like everything at the
 * till: the return and its stock movements (back on the shelf) are written in one transaction.
 */
export function createReturns(db: RxDatabase, till: TillIdentity, clock: () => Date = () => new Date()) {
  // One return at a time: what is still returnable is read and used inside this queue.
  let queue: Promise<unknown> = Promise.resolve();

  async function load(saleId: string): Promise<{ sale: Sale; paid: Map<string, Paid> }> {
    const doc = await db.collections.sales!.findOne(saleId).exec();
    const sale = doc?.toJSON() as Sale | undefined;
    if (!sale || sale.boutiqueId !== till.boutiqueId) throw new PosError('SALE_NOT_FOUND');
    const paid = new Map<string, Paid>();
    for (const line of sale.lines) {
      const entry = paid.get(line.productId) ?? { productId: line.productId, name: line.name, soldMilli: 0, paidMinor: 0, returnedMilli: 0, refundedMinor: 0 };
      entry.soldMilli += line.quantityMilli;
      entry.paidMinor += line.totalMinor;
      paid.set(line.productId, entry);
    }
    // Earlier returns, from this till or another one that synced them here.
    const earlier = await db.collections.returns!.find({ selector: { saleId } }).exec();
    for (const ret of earlier.map((d) => d.toJSON() as Return)) {
      for (const line of ret.lines) {
        const entry = paid.get(line.productId);
        if (!entry) continue;
        entry.returnedMilli += line.quantityMilli;
        entry.refundedMinor += line.refundMinor;
      }
    }
    return { sale, paid };
  }

  async function returnSale(cashier: Cashier, request: ReturnRequest): Promise<Return> {
    const reason = request.reason.trim();
    if (!reason) throw new PosError('RETURN_REASON_REQUIRED');
    if (reason.length > REASON_MAX) throw new PosError('REASON_TOO_LONG', { max: REASON_MAX });
    if (!REFUND_METHODS.includes(request.refundMethod)) throw new PosError('TENDER_INVALID');
    if (request.lines.length === 0) throw new PosError('RETURN_EMPTY');
    const { sale, paid } = await load(request.saleId);

    // The same product twice in the request counts once, summed.
    const asked = new Map<string, number>();
    for (const line of request.lines) {
      if (!Number.isSafeInteger(line.quantityMilli) || line.quantityMilli <= 0) throw new PosError('QUANTITY_INVALID');
      if (!paid.has(line.productId)) throw new PosError('RETURN_PRODUCT_NOT_IN_SALE', { ref: line.productId });
      asked.set(line.productId, (asked.get(line.productId) ?? 0) + line.quantityMilli);
    }
    const lines: Return['lines'] = [...asked].map(([productId, quantityMilli]) => {
      const line = paid.get(productId)!;
      const remaining = line.soldMilli - line.returnedMilli;
      if (quantityMilli > remaining) {
        throw new PosError('RETURN_QUANTITY_EXCEEDED', { name: line.name, remaining: remaining / 1000 });
      }
      const refundMinor = Math.max(refundedAfter(line, line.returnedMilli + quantityMilli) - line.refundedMinor, 0);
      return { productId, quantityMilli, refundMinor };
    });
    const totalMinor = lines.reduce((sum, l) => sum + l.refundMinor, 0);
    const createdAt = clock().toISOString();
    const ret: Return = {
      id: uuidv7(),
      tenantId: till.tenantId,
      boutiqueId: till.boutiqueId,
      deviceId: till.deviceId,
      cashierId: cashier.id,
      saleId: sale.id,
      lines,
      refunds: [{ method: request.refundMethod, amountMinor: totalMinor }],
      reason,
      totalMinor,
      createdAt,
    };
    const movements: StockMovement[] = lines.map((line) => ({
      id: uuidv7(), tenantId: till.tenantId, boutiqueId: till.boutiqueId, productId: line.productId,
      quantityMilli: line.quantityMilli, kind: 'return', reason, refId: ret.id, deviceId: till.deviceId, createdAt,
    }));
    insertAtomically([
      { collection: db.collections.returns!, documents: [ret] },
      { collection: db.collections.stock_movements!, documents: movements },
    ]);
    return ret;
  }

  return {
    async returnable(saleId: string): Promise<Returnable> {
      const { sale, paid } = await load(saleId);
      return {
        sale,
        lines: [...paid.values()].map((line) => ({
          productId: line.productId,
          name: line.name,
          soldMilli: line.soldMilli,
          returnedMilli: line.returnedMilli,
          remainingMilli: line.soldMilli - line.returnedMilli,
          unitRefundMinor: line.soldMilli > 0 ? divideRounded(BigInt(line.paidMinor) * 1000n, BigInt(line.soldMilli)) : 0,
        })),
      };
    },
    returnSale(cashier: Cashier, request: ReturnRequest): Promise<Return> {
      const run = queue.then(() => returnSale(cashier, request));
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
