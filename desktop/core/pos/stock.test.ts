import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Product, StockMovement } from '../../../shared/schema/index.js';
import { insertAtomically } from '../db/atomic-write.js';
import { createCheckout } from './checkout.js';
import { PosError } from './errors.js';
import { createStock, DEFAULT_LOW_STOCK_MILLI } from './stock.js';
import { openTestTill, steppingClock, testProduct, testTill as till, type TestTill } from './test-support/till.js';

const manager = { id: 'dg1', role: 'dg' as const };
let seq = 0;
const movement = (productId: string, quantityMilli: number, boutiqueId = 'b', kind: StockMovement['kind'] = 'receipt'): StockMovement => ({
  id: `m-${String(++seq).padStart(9, '0')}`, tenantId: 't', boutiqueId, productId, quantityMilli, kind, refId: null, deviceId: null, createdAt: '2026-11-20T08:00:00.000Z',
});

describe('stock', () => {
  let t: TestTill;
  beforeEach(async () => {
    t = await openTestTill('stock');
  });
  afterEach(() => t.close());

  it('sums this boutique’s movements, lists by name with the low ones flagged, and follows sales', async () => {
    await t.db.collections.products!.bulkInsert([
      testProduct('riz', 'Riz parfumé 5 kg', 55_000), testProduct('eau', 'Eau minérale 1,5 L', 6_000),
      testProduct('cafe', 'Café Touba 200 g', 48_000), testProduct('savon', 'Savon de Marseille', 10_000),
      testProduct('old', 'Ancien produit', 1_000, { active: false }),
    ]);
    insertAtomically([{ collection: t.db.collections.stock_movements!, documents: [
      movement('riz', 20_000), movement('riz', -3_000, 'b', 'sale'), movement('riz', 50_000, 'other-boutique'),
      movement('eau', 4_000), movement('cafe', 6_000), movement('cafe', -1_000, 'b', 'sale'),
    ] }]);
    const stock = createStock(t.db, till);
    expect(await stock.onHand(['riz', 'eau', 'savon', 'riz'])).toEqual(new Map([['riz', 17_000], ['eau', 4_000], ['savon', 0]]));

    const all = await stock.list({ limit: 10 });
    expect(all.map((i) => [i.productId, i.onHandMilli, i.low])).toEqual([['cafe', 5_000, true], ['eau', 4_000, true], ['riz', 17_000, false], ['savon', 0, true]]);
    expect(all[0]).toMatchObject({ name: 'Café Touba 200 g', unit: 'piece', lowStockThresholdMilli: DEFAULT_LOW_STOCK_MILLI, product: { priceMinor: 48_000 } });
    expect((await stock.list({ search: 'CAFE', limit: 10 })).map((i) => i.productId)).toEqual(['cafe']);
    // Low: stocked here and at or under 5 units, the emptiest first; savon was never received here.
    expect((await stock.list({ lowOnly: true, limit: 10 })).map((i) => [i.productId, i.onHandMilli])).toEqual([['eau', 4_000], ['cafe', 5_000]]);
    expect((await stock.list({ lowOnly: true, search: 'eau', limit: 10 })).map((i) => i.productId)).toEqual(['eau']);

    // A sale written since the last look is counted on the next one.
    await createCheckout(t.db, till, steppingClock().clock).checkout({ id: 'u1', role: 'employee' }, {
      lines: [{ productId: 'riz', quantityMilli: 12_000 }], tenders: [{ method: 'cash', amountMinor: 660_000 }],
    });
    expect((await stock.list({ lowOnly: true, limit: 10 })).map((i) => [i.productId, i.onHandMilli])).toEqual([['eau', 4_000], ['cafe', 5_000], ['riz', 5_000]]);
    expect((await stock.list({ lowOnly: true, limit: 1 })).map((i) => i.productId)).toEqual(['eau']);
  });

  it('lets a dg or pdg adjust with a reason, and nobody else', async () => {
    await t.db.collections.products!.bulkInsert([testProduct('riz', 'Riz parfumé 5 kg', 55_000)]);
    const stock = createStock(t.db, till, steppingClock().clock);
    const refuse = async (promise: Promise<unknown>, code: string) => {
      const error = await promise.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PosError);
      expect((error as PosError).code).toBe(code);
    };
    await refuse(stock.adjust({ id: 'u1', role: 'employee' }, { productId: 'riz', deltaMilli: 1000, reason: 'Inventaire' }), 'FORBIDDEN');
    await refuse(stock.adjust(manager, { productId: 'riz', deltaMilli: 1000, reason: ' ' }), 'STOCK_ADJUST_REASON_REQUIRED');
    await refuse(stock.adjust(manager, { productId: 'riz', deltaMilli: 0, reason: 'Inventaire' }), 'QUANTITY_INVALID');
    await refuse(stock.adjust(manager, { productId: 'riz', deltaMilli: 0.5, reason: 'Inventaire' }), 'QUANTITY_INVALID');
    await refuse(stock.adjust(manager, { productId: 'nope', deltaMilli: 1000, reason: 'Inventaire' }), 'PRODUCT_NOT_FOUND');
    expect(await t.db.collections.stock_movements!.count().exec()).toBe(0);

    expect(await stock.adjust(manager, { productId: 'riz', deltaMilli: 24_000, reason: 'Inventaire du 25/11' })).toMatchObject({ productId: 'riz', onHandMilli: 24_000, low: false });
    expect(await stock.adjust({ id: 'p1', role: 'pdg' }, { productId: 'riz', deltaMilli: -2_000, reason: 'Sacs abîmés' })).toMatchObject({ onHandMilli: 22_000 });
    const saved = (await t.db.collections.stock_movements!.find().exec()).map((d) => d.toJSON() as StockMovement);
    expect(saved.map((m) => [m.kind, m.quantityMilli, m.reason, m.boutiqueId, m.deviceId])).toEqual([
      ['adjustment', 24_000, 'Inventaire du 25/11', 'b', 'd1'], ['adjustment', -2_000, 'Sacs abîmés', 'b', 'd1'],
    ]);
  });

  it('stays fast with 100 000 products and 300 000 movements', async () => {
    const products: Product[] = [];
    for (let i = 0; i < 100_000; i++) products.push(testProduct(`p${String(i).padStart(6, '0')}`, `Article ${i}`, 1_000 + i));
    const moves: StockMovement[] = [];
    for (let i = 0; i < 300_000; i++) {
      const product = products[(i * 7919) % products.length]!;
      moves.push(movement(product.id, (((i * 37) % 9) - 2) * 1_000, i % 10 === 0 ? 'other-boutique' : 'b'));
    }
    insertAtomically([{ collection: t.db.collections.products!, documents: products }, { collection: t.db.collections.stock_movements!, documents: moves }]);
    const expected = new Map<string, number>();
    for (const m of moves) if (m.boutiqueId === 'b') expected.set(m.productId, (expected.get(m.productId) ?? 0) + m.quantityMilli);
    const stock = createStock(t.db, till);

    const wanted = products.slice(40_000, 40_050).map((p) => p.id);
    await stock.onHand(wanted.slice(0, 2)); // warm the statements
    let started = performance.now();
    const sums = await stock.onHand(wanted);
    const onHandMs = performance.now() - started;
    expect([...sums]).toEqual(wanted.map((id) => [id, expected.get(id) ?? 0]));

    started = performance.now();
    const page = await stock.list({ search: 'article 4', limit: 50 });
    const listMs = performance.now() - started;
    expect(page).toHaveLength(50);

    started = performance.now();
    const low = await stock.list({ lowOnly: true, limit: 100 });
    const firstLowMs = performance.now() - started;
    started = performance.now();
    await stock.list({ lowOnly: true, limit: 100 });
    const nextLowMs = performance.now() - started;
    expect(low).toHaveLength(100);
    expect(low.every((item, i) => item.onHandMilli === expected.get(item.productId) && item.low && (i === 0 || low[i - 1]!.onHandMilli <= item.onHandMilli))).toBe(true);
    console.info(`stock: onHand(50) ${onHandMs.toFixed(0)} ms, list(50) ${listMs.toFixed(0)} ms, low first ${firstLowMs.toFixed(0)} ms, then ${nextLowMs.toFixed(0)} ms`);
    // Generous bounds for a shared two-core machine: a full scan per product would be far slower.
    expect(onHandMs).toBeLessThan(500);
    expect(listMs).toBeLessThan(1_000);
    expect(nextLowMs).toBeLessThan(1_000);
  }, 180_000); // seeding 400 000 documents takes most of it
});
