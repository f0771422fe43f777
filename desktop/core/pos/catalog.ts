import type { RxDatabase } from 'rxdb';
import type { Product } from '../../../shared/schema/index.js';
import { searchForm } from '../../../shared/text.js';

/** Barcode lookup and search-as-you-type over the till's copy of the catalogue. */
export function createCatalog(db: RxDatabase) {
  const products = () => db.collections.products!;
  return {
    async findByBarcode(barcode: string): Promise<Product | null> {
      const doc = await products().findOne({ selector: { barcode: barcode.trim(), active: true } }).exec();
      return (doc?.toJSON() as Product | undefined) ?? null;
    },
    /** Names starting with what was typed, accents and case ignored: a range on the search index. */
    async search(text: string, limit = 20): Promise<Product[]> {
      const prefix = searchForm(text);
      if (!prefix) return [];
      const docs = await products()
        .find({ selector: { searchName: { $gte: prefix, $lt: `${prefix}\uffff` } }, sort: [{ searchName: 'asc' }], limit: limit * 2 })
        .exec();
      return docs.map((d) => d.toJSON() as Product).filter((p) => p.active).slice(0, limit);
    },
  };
}
