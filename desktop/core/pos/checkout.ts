import type { RxDatabase } from 'rxdb';
import { v7 as uuidv7 } from 'uuid';
import { CartLimitError, priceCart, type CartLineInput, type CartTotals } from '../../../shared/cart.js';
import { formatMoney, type Discount } from '../../../shared/money.js';
import { DISCOUNT_CAPS, type Role } from '../../../shared/rbac.js';
import { productAtBoutique, type Product, type Sale, type StockMovement, type Tender } from '../../../shared/schema/index.js';
import { AtomicWriteError, insertAtomically } from '../db/atomic-write.js';
import { PosError } from './errors.js';
import { PAYMENT_USES_COLLECTION, paymentUses } from './payment-uses.js';

export type TillIdentity = { tenantId: string; boutiqueId: string; boutiqueCode: string; deviceId: string; deviceCode: string; currency: 'GNF' };
export type Cashier = { id: string; role: Role };
export type CheckoutRequest = {
  lines: Array<{ productId: string; quantityMilli: number; discount?: Discount }>;
  cartDiscount?: Discount;
  tenders: Tender[];
  customerId?: string;
};

/**
 * Turns a cart into a sale: prices it again from the till's catalogue (never trusting the
 * screen's totals), checks the cashier's discount cap and the tenders, then writes the sale and
 * its stock movements in one transaction with the next sale number of this till.
 */
export function createCheckout(db: RxDatabase, till: TillIdentity, clock: () => Date = () => new Date()) {
  // One checkout at a time: the sale number is read and used inside this queue.
  let queue: Promise<unknown> = Promise.resolve();

  const prefix = `${till.boutiqueCode}-${till.deviceCode}-`;
  // Numbers are zero-padded, so the last one in index order is the highest. Read once; from then
  // on this queue is the only writer of this till's sales.
  let lastCounter: number | null = null;
  async function nextCounter(): Promise<number> {
    if (lastCounter === null) {
      const mine = await db.collections.sales!.find({ selector: { number: { $gte: prefix, $lt: `${prefix}\uffff` } }, sort: [{ number: 'asc' }] }).exec();
      lastCounter = mine.length ? Number(String(mine.at(-1)!.get('number')).slice(prefix.length)) : 0;
    }
    return lastCounter + 1;
  }

  async function checkout(cashier: Cashier, request: CheckoutRequest): Promise<Sale> {
    if (request.lines.length === 0) throw new PosError('CART_EMPTY');
    const ids = [...new Set(request.lines.map((l) => l.productId))];
    const found = await db.collections.products!.findByIds(ids).exec();
    const lines: CartLineInput[] = request.lines.map((line) => {
      const product = found.get(line.productId)?.toJSON() as Product | undefined;
      if (!product || !product.active) throw new PosError('PRODUCT_NOT_FOUND', { ref: line.productId });
      // The boutique's own price where the company set one: what the screen showed, from the same rule.
      return { product: productAtBoutique(product, till.boutiqueId), quantityMilli: line.quantityMilli, ...(line.discount ? { discount: line.discount } : {}) };
    });
    // shared/cart's bounds (whole pieces, 9,999 a line, the sale's total): the screen checks them
    // too, but only this check decides.
    let totals: CartTotals;
    try {
      totals = priceCart(lines, request.cartDiscount);
    } catch (error) {
      if (error instanceof CartLimitError) throw new PosError(error.code, error.params);
      throw error;
    }
    const cap = DISCOUNT_CAPS[cashier.role];
    if (totals.discountRateBp > cap) throw new PosError('DISCOUNT_ABOVE_CAP', { cap: cap / 100 });

    const paid = request.tenders.reduce((sum, t) => sum + t.amountMinor, 0);
    if (request.tenders.some((t) => !Number.isSafeInteger(t.amountMinor) || t.amountMinor <= 0)) throw new PosError('TENDER_INVALID');
    if (paid < totals.totalMinor) throw new PosError('TENDER_INSUFFICIENT', { missing: formatMoney(totals.totalMinor - paid, till.currency) });
    const change = paid - totals.totalMinor;
    const cash = request.tenders.find((t) => t.method === 'cash');
    // Only cash gives change back; mobile money or card must not be overpaid.
    if (change > 0 && (!cash || cash.amountMinor < change)) throw new PosError('TENDER_INVALID');
    const tenders = request.tenders.map((t) => (t === cash && change > 0 ? { ...t, changeMinor: change } : t));

    const usesCollection = await paymentUses(db);
    const counter = await nextCounter();
    const createdAt = clock().toISOString();
    const sale: Sale = {
      id: uuidv7(),
      tenantId: till.tenantId,
      boutiqueId: till.boutiqueId,
      deviceId: till.deviceId,
      cashierId: cashier.id,
      ...(request.customerId ? { customerId: request.customerId } : {}),
      number: `${prefix}${String(counter).padStart(6, '0')}`,
      lines: totals.lines,
      tenders,
      subtotalMinor: totals.subtotalMinor,
      discountMinor: totals.discountMinor,
      vatMinor: totals.vatMinor,
      totalMinor: totals.totalMinor,
      createdAt,
    };
    const movements: StockMovement[] = totals.lines.map((line) => ({
      id: uuidv7(), tenantId: till.tenantId, boutiqueId: till.boutiqueId, productId: line.productId,
      quantityMilli: -line.quantityMilli, kind: 'sale', refId: sale.id, deviceId: till.deviceId, createdAt,
    }));
    const uses = tenders.filter((t) => t.paymentId).map((t) => ({ paymentId: t.paymentId!, saleId: sale.id, usedAt: createdAt }));
    try {
      insertAtomically([
        { collection: db.collections.sales!, documents: [sale] },
        { collection: db.collections.stock_movements!, documents: movements },
        ...(uses.length ? [{ collection: usesCollection, documents: uses }] : []),
      ]);
    } catch (error) {
      if (error instanceof AtomicWriteError && error.collection === PAYMENT_USES_COLLECTION) throw new PosError('PAYMENT_ALREADY_USED');
      throw error;
    }
    lastCounter = counter;
    return sale;
  }

  return {
    checkout(cashier: Cashier, request: CheckoutRequest): Promise<Sale> {
      const run = queue.then(() => checkout(cashier, request));
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
