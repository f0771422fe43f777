import type { RxDatabase } from 'rxdb';
import type { Sale } from '../../../shared/schema/index.js';
import type { TillIdentity } from './checkout.js';

export type RecentSalesRequest = { limit: number; before?: string; cashierId?: string };

const DAY = 86_400_000;
// Looked back through growing windows: the index is ascending, so a newest-first page reads one
// window of days, not a year of sales.
const WINDOWS = [DAY, 7 * DAY, 31 * DAY, 366 * DAY, Number.POSITIVE_INFINITY];

/**
 * This boutique's sales for the history screen and reprints (any till of the boutique: a
 * customer may come back to another counter).
 */
export function createSalesHistory(db: RxDatabase, till: TillIdentity) {
  const sales = () => db.collections.sales!;
  const mine = (sale: Sale | undefined) => (sale && sale.boutiqueId === till.boutiqueId ? sale : null);

  return {
    /**
     * Newest first, strictly before `before` (an ISO date: the createdAt of the last one shown),
     * only `cashierId`'s when given (an employee sees their own sales).
     */
    async recent({ limit, before, cashierId }: RecentSalesRequest): Promise<Sale[]> {
      const max = Math.max(1, Math.min(limit, 500));
      const end = before ?? '\uffff';
      const endTime = before ? Date.parse(before) : Date.now() + DAY;
      for (const window of WINDOWS) {
        const start = Number.isFinite(window) && Number.isFinite(endTime) ? new Date(Math.max(endTime - window, 0)).toISOString() : '';
        const selector = { createdAt: { $gte: start, $lt: end }, boutiqueId: till.boutiqueId, ...(cashierId ? { cashierId } : {}) };
        const docs = await sales().find({ selector, sort: [{ createdAt: 'desc' }], limit: max }).exec();
        if (docs.length >= max || !start) return docs.map((d) => d.toJSON() as Sale);
      }
      return [];
    },

    async byNumber(number: string): Promise<Sale | null> {
      const doc = await sales().findOne({ selector: { number: number.trim() } }).exec();
      return mine(doc?.toJSON() as Sale | undefined);
    },

    async byId(id: string): Promise<Sale | null> {
      const doc = await sales().findOne(id).exec();
      return mine(doc?.toJSON() as Sale | undefined);
    },
  };
}
