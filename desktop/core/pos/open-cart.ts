import type { RxDatabase, RxJsonSchema } from 'rxdb';
import { cartProblem, CartLimitError, type CartLineInput } from '../../../shared/cart.js';
import type { Discount } from '../../../shared/money.js';
import { productAtBoutique, type Product, type Sale } from '../../../shared/schema/index.js';
import { localCollection } from '../db/local-collection.js';
import { PosError } from './errors.js';

/**
 * The cart in progress at the counter, kept by core rather than by the page: a reload of the
 * window, a crash of the renderer or of the whole till gives the customer's basket back as it
 * was. One per till (the counter's basket, whoever is signed in), in the till's own database and
 * never replicated (a local collection, like the PINs).
 */
export const OPEN_CART_COLLECTION = 'local_open_cart';
const COUNTER = 'counter';

export type OpenCartLine = { productId: string; quantityMilli: number; discount?: Discount };
export type OpenCartCustomer = { id: string; name: string; phone: string };
export type OpenCartInput = { lines: OpenCartLine[]; cartDiscount?: Discount | undefined; customer?: OpenCartCustomer | undefined };
export type OpenCartView = {
  lines: Array<{ product: Product; quantityMilli: number; discount?: Discount }>;
  cartDiscount?: Discount;
  customer?: OpenCartCustomer;
  updatedAt: string | null;
};

type OpenCartDocument = { id: string; cart: OpenCartInput; updatedAt: string };

const schema: RxJsonSchema<OpenCartDocument> = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: { id: { type: 'string', maxLength: 16 }, cart: { type: 'object' }, updatedAt: { type: 'string', maxLength: 40 } },
  required: ['id', 'cart', 'updatedAt'],
};

/** The refusal of a cart outside shared/cart's bounds, with the cashier's words. */
function refusal(error: CartLimitError): PosError {
  return new PosError(error.code, error.params);
}

export function createOpenCart(db: RxDatabase, boutiqueId: string, clock: () => Date = () => new Date()) {
  const collection = () => localCollection(db, OPEN_CART_COLLECTION, schema);
  // Saves apply in the order they were asked: a slower lookup must not let an older cart win.
  let queue: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work);
    queue = run.catch(() => undefined);
    return run;
  };

  async function products(ids: string[]): Promise<Map<string, Product>> {
    const found = await db.collections.products!.findByIds([...new Set(ids)]).exec();
    const byId = new Map<string, Product>();
    // Priced as this boutique sells them, as the catalogue and checkout price them.
    for (const [id, doc] of found) byId.set(id, productAtBoutique(doc.toJSON() as Product, boutiqueId));
    return byId;
  }

  /** Refused as checkout would refuse it: unknown products, quantities or totals outside the bounds. */
  async function save(cart: OpenCartInput): Promise<{ updatedAt: string }> {
    return inTurn(async () => {
      const byId = await products(cart.lines.map((l) => l.productId));
      const priced: CartLineInput[] = cart.lines.map((line) => {
        const product = byId.get(line.productId);
        if (!product || !product.active) throw new PosError('PRODUCT_NOT_FOUND', { ref: line.productId });
        return { product, quantityMilli: line.quantityMilli };
      });
      const problem = cartProblem(priced);
      if (problem) throw refusal(new CartLimitError(problem));
      const updatedAt = clock().toISOString();
      const kept: OpenCartInput = {
        lines: cart.lines.map((l) => ({ productId: l.productId, quantityMilli: l.quantityMilli, ...(l.discount ? { discount: l.discount } : {}) })),
        ...(cart.cartDiscount ? { cartDiscount: cart.cartDiscount } : {}),
        ...(cart.customer ? { customer: { id: cart.customer.id, name: cart.customer.name, phone: cart.customer.phone } } : {}),
      };
      await (await collection()).upsert({ id: COUNTER, cart: kept, updatedAt });
      return { updatedAt };
    });
  }

  /**
   * The kept cart with today's products. A product gone from the catalogue (or deactivated) since
   * leaves the cart, and so does a line that no longer fits the bounds (its price rose since), so
   * what comes back can always be priced on screen.
   */
  async function get(): Promise<OpenCartView> {
    return inTurn(async () => {
      const kept = await (await collection()).findOne(COUNTER).exec();
      const doc = kept?.toJSON() as OpenCartDocument | undefined;
      if (!doc) return { lines: [], updatedAt: null };
      // The sale is written before the cart is cleared, in two writes: a till that stopped
      // between them would offer a paid basket again. A sale made since the cart was kept, with
      // its very lines, is that basket: it is not shown again.
      if (await soldSince(doc)) {
        await kept!.remove();
        return { lines: [], updatedAt: null };
      }
      const byId = await products(doc.cart.lines.map((l) => l.productId));
      const lines: OpenCartView['lines'] = [];
      for (const line of doc.cart.lines) {
        const product = byId.get(line.productId);
        if (!product || !product.active) continue;
        const next = [...lines, { product, quantityMilli: line.quantityMilli, ...(line.discount ? { discount: line.discount } : {}) }];
        if (cartProblem(next)) continue;
        lines.push(next.at(-1)!);
      }
      return {
        lines,
        ...(doc.cart.cartDiscount ? { cartDiscount: doc.cart.cartDiscount } : {}),
        ...(doc.cart.customer ? { customer: doc.cart.customer } : {}),
        updatedAt: doc.updatedAt,
      };
    });
  }

  async function soldSince(doc: OpenCartDocument): Promise<boolean> {
    const newest = await db.collections.sales!.findOne({ selector: { createdAt: { $gte: doc.updatedAt } }, sort: [{ createdAt: 'desc' }] }).exec();
    if (!newest) return false;
    const key = (lines: Array<{ productId: string; quantityMilli: number }>) => lines.map((l) => `${l.productId}:${l.quantityMilli}`).sort().join(',');
    return key((newest.toJSON() as Sale).lines) === key(doc.cart.lines);
  }

  /** After a sale: the basket is paid, a reload must not show it again. */
  async function clear(): Promise<void> {
    return inTurn(async () => {
      const doc = await (await collection()).findOne(COUNTER).exec();
      await doc?.remove();
    });
  }

  return { save, get, clear };
}
