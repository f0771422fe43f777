import type { RxCollection, RxDatabase } from 'rxdb';
import { productAtBoutique, type Product } from '../../../shared/schema/index.js';
import { searchForm } from '../../../shared/text.js';

/**
 * Barcode lookup and search-as-you-type over the till's copy of the catalogue. Every product it
 * answers is priced for this till's boutique (its own price where the company set one), as the
 * screen shows it and as checkout charges it.
 */
export function createCatalog(db: RxDatabase, boutiqueId: string) {
  const products = () => db.collections.products! as RxCollection<Product>;
  const here = (product: Product) => productAtBoutique(product, boutiqueId);

  // The main barcode has its SQLite index; the others (a carton's code, an older label) cannot:
  // RxDB indexes no array. They are kept in memory, from the products that have any, built on
  // the first code the index misses and then kept by the collection's changes (a pull brings a
  // new code to the counter without a restart).
  let otherCodes: Promise<Map<string, string>> | null = null;
  function otherBarcodes(): Promise<Map<string, string>> {
    if (otherCodes) return otherCodes;
    const codes = new Map<string, string>();
    const changed = new Set<string>();
    const forget = (id: string) => {
      for (const [code, holder] of codes) if (holder === id) codes.delete(code);
    };
    const remember = (product: Product) => {
      for (const code of product.barcodes?.slice(1) ?? []) codes.set(code, product.id);
    };
    // Watching starts before the read: a change during it is applied after, never lost.
    products().$.subscribe((event) => {
      changed.add(event.documentId);
      forget(event.documentId);
      if (event.operation !== 'DELETE') remember(event.documentData as Product);
    });
    otherCodes = products()
      .find()
      .exec()
      .then((docs) => {
        for (const doc of docs) {
          const product = doc.toJSON() as Product;
          if (!changed.has(product.id)) remember(product);
        }
        return codes;
      });
    return otherCodes;
  }

  return {
    async findByBarcode(barcode: string): Promise<Product | null> {
      const code = barcode.trim();
      const main = await products().findOne({ selector: { barcode: code, active: true } }).exec();
      if (main) return here(main.toJSON() as Product);
      const holder = (await otherBarcodes()).get(code);
      if (!holder) return null;
      const product = (await products().findOne(holder).exec())?.toJSON() as Product | undefined;
      return product?.active && product.barcodes.includes(code) ? here(product) : null;
    },
    /** Names starting with what was typed, accents and case ignored: a range on the search index. */
    async search(text: string, limit = 20): Promise<Product[]> {
      const prefix = searchForm(text);
      if (!prefix) return [];
      const docs = await products()
        .find({ selector: { searchName: { $gte: prefix, $lt: `${prefix}\uffff` } }, sort: [{ searchName: 'asc' }], limit: limit * 2 })
        .exec();
      return docs.map((d) => d.toJSON() as Product).filter((p) => p.active).slice(0, limit).map(here);
    },
    /** The active products of a category, by name. */
    async byCategory(categoryId: string, limit = 200): Promise<Product[]> {
      const docs = await products().find({ selector: { categoryId, active: true }, limit }).exec();
      return docs.map((d) => here(d.toJSON() as Product)).sort((a, b) => a.searchName.localeCompare(b.searchName));
    },
  };
}
