import { createRxDatabase } from 'rxdb';
import { afterEach, describe, expect, it } from 'vitest';
import { TILL_COLLECTIONS } from '../../../shared/schema/index.js';
import { productSchema, type Product } from '../../../shared/schema/products.js';
import { getRxStorageSQLite } from '../db/index.js';
import { createCatalog } from './catalog.js';
import { createCheckout } from './checkout.js';
import { createOpenCart } from './open-cart.js';
import { openTestTill, testProduct, testTill, type TestTill } from './test-support/till.js';

describe('the till’s catalogue: every barcode of a product, and its boutique’s price', () => {
  let till: TestTill | null = null;
  afterEach(async () => {
    await till?.close();
    till = null;
  });

  it('finds a product by its second barcode and sells it at this boutique’s own price', async () => {
    till = await openTestTill('catalog');
    const riz = testProduct('riz', 'Riz parfumé 25 kg', 260_000, {
      barcode: '2240000000011', barcodes: ['2240000000011', '2900000000017'],
      // This till's boutique (testTill: 'b') sells it dearer; another boutique cheaper.
      boutiquePrices: [{ boutiqueId: 'other', priceMinor: 250_000 }, { boutiqueId: testTill.boutiqueId, priceMinor: 275_000 }],
    });
    const eau = testProduct('eau', 'Eau minérale 1,5 L', 6_000);
    await till.db.collections.products!.bulkInsert([riz, eau]);
    const catalog = createCatalog(till.db, testTill.boutiqueId);

    const byCarton = await catalog.findByBarcode(' 2900000000017 ');
    expect(byCarton).toMatchObject({ id: 'riz', barcode: '2240000000011', priceMinor: 275_000 });
    expect(await catalog.findByBarcode('2240000000011')).toMatchObject({ id: 'riz', priceMinor: 275_000 });
    expect(await catalog.findByBarcode(eau.barcode)).toMatchObject({ id: 'eau', priceMinor: 6_000 });
    expect((await catalog.search('riz'))[0]).toMatchObject({ id: 'riz', priceMinor: 275_000 });
    expect(await catalog.findByBarcode('2900000000024')).toBeNull();

    // Checkout prices it again from the catalogue, at the same boutique price.
    const sale = await createCheckout(till.db, testTill).checkout({ id: 'u1', role: 'employee' }, {
      lines: [{ productId: byCarton!.id, quantityMilli: 2_000 }, { productId: 'eau', quantityMilli: 1_000 }],
      tenders: [{ method: 'cash', amountMinor: 560_000 }],
    });
    expect(sale.lines.map((l) => [l.productId, l.unitPriceMinor, l.totalMinor])).toEqual([['riz', 275_000, 550_000], ['eau', 6_000, 6_000]]);
    expect(sale.totalMinor).toBe(556_000);
    // A basket kept across a restart comes back at the same price.
    const kept = createOpenCart(till.db, testTill.boutiqueId);
    await kept.save({ lines: [{ productId: 'riz', quantityMilli: 1_000 }] });
    expect((await kept.get()).lines.map((l) => [l.product.id, l.product.priceMinor])).toEqual([['riz', 275_000]]);

    // A code added by a later pull is found at once; one taken off, and an archived product, are not.
    await till.db.collections.products!.upsert({ ...riz, barcodes: ['2240000000011', '2900000000024'], updatedAt: '2026-11-26T00:00:00Z' });
    expect(await catalog.findByBarcode('2900000000024')).toMatchObject({ id: 'riz' });
    expect(await catalog.findByBarcode('2900000000017')).toBeNull();
    await till.db.collections.products!.upsert({ ...eau, barcodes: [eau.barcode, '2900000000031'], active: false, updatedAt: '2026-11-26T00:00:00Z' });
    expect(await catalog.findByBarcode('2900000000031')).toBeNull();
  });

  it('migrates the products a till stored before SKUs, barcodes lists, thresholds and boutique prices', async () => {
    till = await openTestTill('catalog-migration');
    const directory = till.directory;
    await till.db.remove();
    // The products collection as version 0 created it, with a product of that time.
    const v0 = await createRxDatabase({ name: 'till', storage: getRxStorageSQLite({ directory }), multiInstance: false });
    const { sku: _s, barcodes: _b, lowStockMilli: _l, boutiquePrices: _p, ...properties } = productSchema.properties;
    await v0.addCollections({
      products: {
        schema: {
          ...productSchema, version: 0, properties,
          required: (productSchema.required as string[]).filter((field) => field in properties),
        } as never,
      },
    });
    const { sku: _sku, barcodes: _codes, lowStockMilli: _low, boutiquePrices: _prices, ...old } = testProduct('sucre', 'Sucre 1 kg', 11_000);
    await v0.collections.products!.insert(old);
    await v0.close();

    // The same file opened by this version: RxDB runs the migration strategy of version 1.
    const db = await createRxDatabase({ name: 'till', storage: getRxStorageSQLite({ directory }), multiInstance: false });
    till.db = db;
    await db.addCollections({ products: TILL_COLLECTIONS.products } as never);
    const migrated = (await db.collections.products!.findOne('sucre').exec())!.toJSON() as Product;
    expect(migrated).toMatchObject({ sku: old.barcode, barcodes: [old.barcode], lowStockMilli: 0, boutiquePrices: [], priceMinor: 11_000 });
    expect(await createCatalog(db, testTill.boutiqueId).findByBarcode(old.barcode)).toMatchObject({ id: 'sucre', priceMinor: 11_000 });
  });
});
