import { getChangedDocumentsSince, type RxCollection, type RxDatabase, type RxStorageDefaultCheckpoint } from 'rxdb';
import { v7 as uuidv7 } from 'uuid';
import { can } from '../../../shared/rbac.js';
import type { Product, StockMovement } from '../../../shared/schema/index.js';
import { searchForm } from '../../../shared/text.js';
import type { Cashier, TillIdentity } from './checkout.js';
import { PosError } from './errors.js';

/**
 * Neither the product nor the settings schema has a low-stock threshold yet, so every product
 * uses this one: 5 units (5 kg, 5 l for goods sold by weight or volume). Synced settings that carry
 * a `lowStockThresholdMilli` (an optional field the cloud may add) take precedence.
 */
export const DEFAULT_LOW_STOCK_MILLI = 5_000;

/** The flat fields are those of the bridge's stock item; `product` is there for whoever needs more. */
export type StockItem = {
  productId: string;
  name: string;
  barcode: string;
  unit: Product['unit'];
  onHandMilli: number;
  lowStockThresholdMilli: number;
  low: boolean;
  product: Product;
};

export type StockListRequest = { search?: string; lowOnly?: boolean; limit: number };
export type StockAdjustment = { productId: string; deltaMilli: number; reason: string };

const REASON_MAX = 300;
const PAGE = 5_000;
const PRODUCT_BATCH = 500;

/**
 * Stock on hand in this boutique: the sum of its stock movements (ARCHITECTURE §4), never a
 * stored counter. A list of products is answered through the movements' productId index, one
 * range per product; the low-stock list needs every product's total, kept in memory and brought
 * up to date from the collection's change feed (movements are facts: each is read once).
 */
export function createStock(db: RxDatabase, till: TillIdentity, clock: () => Date = () => new Date()) {
  const movements = () => db.collections.stock_movements! as RxCollection<StockMovement>;
  const products = () => db.collections.products! as RxCollection<Product>;

  async function sumOf(productId: string): Promise<number> {
    const collection = movements();
    // RxDB's own plan (the productId index range), run straight on the storage: raw rows, no
    // RxDocuments or query cache for what is only summed.
    const { documents } = await collection.storageInstance.query(collection.find({ selector: { productId } }).getPreparedQuery());
    let total = 0;
    for (const m of documents) if (m.boutiqueId === till.boutiqueId && !m._deleted) total += m.quantityMilli;
    return total;
  }

  async function onHand(productIds: string[]): Promise<Map<string, number>> {
    const ids = [...new Set(productIds)];
    const sums = await Promise.all(ids.map(sumOf));
    return new Map(ids.map((id, i) => [id, sums[i]!]));
  }

  // Every product's total here, for the low-stock list only; the figures shown come from onHand.
  const totals = new Map<string, number>();
  let checkpoint: RxStorageDefaultCheckpoint | undefined;
  let catchingUp: Promise<void> | null = null;
  async function catchUp(): Promise<Map<string, number>> {
    catchingUp ??= (async () => {
      for (;;) {
        const page = await getChangedDocumentsSince(movements().storageInstance, PAGE, checkpoint);
        for (const m of page.documents) {
          if (m._deleted || m.boutiqueId !== till.boutiqueId) continue;
          totals.set(m.productId, (totals.get(m.productId) ?? 0) + m.quantityMilli);
        }
        checkpoint = page.checkpoint as RxStorageDefaultCheckpoint;
        if (page.documents.length < PAGE) break;
      }
    })().finally(() => {
      catchingUp = null;
    });
    await catchingUp;
    return totals;
  }

  async function threshold(): Promise<number> {
    const settings = (await db.collections.settings?.findOne().exec())?.toJSON() as { lowStockThresholdMilli?: unknown } | undefined;
    const value = settings?.lowStockThresholdMilli;
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : DEFAULT_LOW_STOCK_MILLI;
  }

  async function items(list: Product[], limit: number): Promise<StockItem[]> {
    const [sums, lowAt] = await Promise.all([onHand(list.map((p) => p.id)), threshold()]);
    return list.slice(0, limit).map((product) => {
      const onHandMilli = sums.get(product.id) ?? 0;
      return {
        productId: product.id, name: product.name, barcode: product.barcode, unit: product.unit,
        onHandMilli, lowStockThresholdMilli: lowAt, low: onHandMilli <= lowAt, product,
      };
    });
  }

  return {
    onHand,

    /**
     * Products by name (search: names starting with the text, accents and case ignored), with
     * their stock here. `lowOnly`: products this boutique stocks (it has movements of them) at or
     * below the threshold, the emptiest first; products never received here are not "running low".
     */
    async list({ search, lowOnly = false, limit }: StockListRequest): Promise<StockItem[]> {
      const prefix = search ? searchForm(search) : '';
      const max = Math.max(1, Math.min(limit, 1_000));
      if (!lowOnly) {
        const selector = prefix ? { searchName: { $gte: prefix, $lt: `${prefix}\uffff` }, active: true } : { active: true };
        const docs = await products().find({ selector, sort: [{ searchName: 'asc' }], limit: max }).exec();
        return items(docs.map((d) => d.toJSON() as Product), max);
      }
      const [all, lowAt] = await Promise.all([catchUp(), threshold()]);
      const candidates = [...all].filter(([, total]) => total <= lowAt).sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
      // Products are read a batch at a time, the emptiest first, until the page is full.
      const low: Product[] = [];
      for (let from = 0; from < candidates.length && low.length < max; from += PRODUCT_BATCH) {
        const batch = candidates.slice(from, from + PRODUCT_BATCH).map(([id]) => id);
        const found = await products().findByIds(batch).exec();
        for (const id of batch) {
          const product = found.get(id)?.toJSON() as Product | undefined;
          if (product?.active && product.searchName.startsWith(prefix) && low.length < max) low.push(product);
        }
      }
      return (await items(low, max)).filter((item) => item.low);
    },

    /** A correction after a count or a loss: managers only, with the reason on the movement. */
    async adjust(user: Cashier, adjustment: StockAdjustment): Promise<StockItem> {
      if (!can(user.role, 'stock', 'write')) throw new PosError('FORBIDDEN');
      const reason = adjustment.reason.trim();
      if (!reason) throw new PosError('STOCK_ADJUST_REASON_REQUIRED');
      if (reason.length > REASON_MAX) throw new PosError('REASON_TOO_LONG', { max: REASON_MAX });
      if (!Number.isSafeInteger(adjustment.deltaMilli) || adjustment.deltaMilli === 0) throw new PosError('QUANTITY_INVALID');
      // Inactive products too: writing off what is left of a discontinued line is an adjustment.
      const product = (await products().findOne(adjustment.productId).exec())?.toJSON() as Product | undefined;
      if (!product) throw new PosError('PRODUCT_NOT_FOUND', { ref: adjustment.productId });
      const movement: StockMovement = {
        id: uuidv7(), tenantId: till.tenantId, boutiqueId: till.boutiqueId, productId: product.id, quantityMilli: adjustment.deltaMilli,
        kind: 'adjustment', reason, refId: null, deviceId: till.deviceId, createdAt: clock().toISOString(),
      };
      await movements().insert(movement);
      return (await items([product], 1))[0]!;
    },
  };
}
