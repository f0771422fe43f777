import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRxDatabase, type RxDatabase } from 'rxdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TILL_COLLECTIONS } from '../../../shared/schema/index.js';
import { searchForm } from '../../../shared/text.js';
import { getRxStorageSQLite } from '../db/index.js';
import { createCatalog } from './catalog.js';
import { createCheckout, type TillIdentity } from './checkout.js';
import { PosError } from './errors.js';

const till: TillIdentity = { tenantId: 't', boutiqueId: 'b', boutiqueCode: 'KAL', deviceId: 'd1', deviceCode: 'C01', currency: 'GNF' };

describe('checkout', () => {
  let directory: string;
  let db: RxDatabase;
  const product = (id: string, name: string, barcode: string, priceMinor: number, active = true) => ({
    id, tenantId: 't', sku: `SKU-${id}`, barcode, barcodes: [barcode], name, searchName: searchForm(name), categoryId: 'c', priceMinor, vatRateBp: 1800, unit: 'piece',
    lowStockMilli: 0, boutiquePrices: [], active, updatedAt: '2026-11-25T00:00:00Z',
  });
  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), 'afrigest-checkout-'));
    db = await createRxDatabase({ name: 'till', storage: getRxStorageSQLite({ directory }), multiInstance: false });
    await db.addCollections(TILL_COLLECTIONS as never);
    await db.collections.products!.bulkInsert([
      product('riz', 'Riz parfumé 5 kg', '2240000000077', 55_000),
      product('eau', 'Eau minérale Coyah 1,5 L', '2240000000084', 6_000),
      product('cafe', 'Café Touba 200 g', '2240000000091', 48_000),
      product('old', 'Ancien produit', '2240000000107', 1_000, false),
    ]);
  });
  afterEach(async () => {
    await db.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('finds products by barcode and by the start of their name, accents ignored', async () => {
    const catalog = createCatalog(db, 'b');
    expect((await catalog.findByBarcode('2240000000084'))?.id).toBe('eau');
    expect(await catalog.findByBarcode('2240000000107')).toBeNull();
    expect((await catalog.search('CAFE')).map((p) => p.id)).toEqual(['cafe']);
    expect((await catalog.search('e')).map((p) => p.id)).toEqual(['eau']);
  });

  it('writes the sale and its stock movements with consecutive numbers, and gives cash change', async () => {
    const { checkout } = createCheckout(db, till);
    const sale = await checkout({ id: 'u1', role: 'employee' }, {
      lines: [{ productId: 'riz', quantityMilli: 2000 }, { productId: 'eau', quantityMilli: 1000 }],
      tenders: [{ method: 'mtn_momo', amountMinor: 16_000, paymentId: 'pay-1' }, { method: 'cash', amountMinor: 100_000 }],
    });
    expect(sale).toMatchObject({ number: 'KAL-C01-000001', totalMinor: 116_000, subtotalMinor: 116_000, discountMinor: 0 });
    // Paid exactly: no change line.
    expect(sale.tenders[1]).toEqual({ method: 'cash', amountMinor: 100_000 });
    expect(await db.collections.stock_movements!.count({ selector: { refId: sale.id } }).exec()).toBe(2);
    const second = await checkout({ id: 'u1', role: 'employee' }, { lines: [{ productId: 'cafe', quantityMilli: 1000 }], tenders: [{ method: 'cash', amountMinor: 50_000 }] });
    expect(second.number).toBe('KAL-C01-000002');
    expect(second.tenders[0]!.changeMinor).toBe(2_000);
    // A new checkout service (the app restarted) continues the numbering.
    const third = await createCheckout(db, till).checkout({ id: 'u1', role: 'employee' }, { lines: [{ productId: 'eau', quantityMilli: 1000 }], tenders: [{ method: 'cash', amountMinor: 6_000 }] });
    expect(third.number).toBe('KAL-C01-000003');
  });

  it('lets a mobile payment pay for one sale only, even when two checkouts race and after a restart', async () => {
    const { checkout } = createCheckout(db, till);
    const cashier = { id: 'u1', role: 'employee' as const };
    const paidBy = (paymentId: string) => ({ lines: [{ productId: 'eau', quantityMilli: 1000 }], tenders: [{ method: 'orange_money' as const, amountMinor: 6_000, paymentId }] });
    const [first, second] = await Promise.allSettled([checkout(cashier, paidBy('pay-7')), checkout(cashier, paidBy('pay-7'))]);
    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'rejected', reason: expect.objectContaining({ code: 'PAYMENT_ALREADY_USED' }) });
    // Nothing of the refused sale was written: one sale, one movement.
    expect(await db.collections.sales!.count().exec()).toBe(1);
    expect(await db.collections.stock_movements!.count().exec()).toBe(1);
    // A new checkout service (the app restarted) still knows the payment is spent.
    await expect(createCheckout(db, till).checkout(cashier, paidBy('pay-7'))).rejects.toMatchObject({ code: 'PAYMENT_ALREADY_USED' });
    expect((await createCheckout(db, till).checkout(cashier, paidBy('pay-8'))).number).toBe('KAL-C01-000002');
  });

  it('refuses what the cashier cannot do, and writes nothing', async () => {
    const { checkout } = createCheckout(db, till);
    const refuse = async (request: Parameters<typeof checkout>[1], code: string, role: 'employee' | 'dg' = 'employee') => {
      const error = await checkout({ id: 'u1', role }, request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PosError);
      expect((error as PosError).code).toBe(code);
    };
    await refuse({ lines: [], tenders: [] }, 'CART_EMPTY');
    await refuse({ lines: [{ productId: 'old', quantityMilli: 1000 }], tenders: [{ method: 'cash', amountMinor: 1000 }] }, 'PRODUCT_NOT_FOUND');
    await refuse({ lines: [{ productId: 'riz', quantityMilli: 0 }], tenders: [{ method: 'cash', amountMinor: 1000 }] }, 'QUANTITY_INVALID');
    // The service decides even without the bridge's schema in front: 999999999999 typed, half a sack.
    await refuse({ lines: [{ productId: 'riz', quantityMilli: 999_999_999_999_000 }], tenders: [{ method: 'cash', amountMinor: 1000 }] }, 'QUANTITY_TOO_LARGE');
    await refuse({ lines: [{ productId: 'riz', quantityMilli: 1_500 }], tenders: [{ method: 'cash', amountMinor: 100_000 }] }, 'QUANTITY_NOT_WHOLE');
    await refuse({ lines: Array.from({ length: 501 }, () => ({ productId: 'eau', quantityMilli: 1000 })), tenders: [{ method: 'cash', amountMinor: 1e12 }] }, 'CART_TOO_LARGE');
    await refuse({ lines: [{ productId: 'riz', quantityMilli: 1000 }], cartDiscount: { kind: 'percent', rate: 1500 }, tenders: [{ method: 'cash', amountMinor: 55_000 }] }, 'DISCOUNT_ABOVE_CAP');
    await refuse({ lines: [{ productId: 'riz', quantityMilli: 1000 }], tenders: [{ method: 'cash', amountMinor: 50_000 }] }, 'TENDER_INSUFFICIENT');
    await refuse({ lines: [{ productId: 'riz', quantityMilli: 1000 }], tenders: [{ method: 'orange_money', amountMinor: 60_000 }] }, 'TENDER_INVALID');
    expect(await db.collections.sales!.count().exec()).toBe(0);
    expect(await db.collections.stock_movements!.count().exec()).toBe(0);
    // The same 15 % discount is within a dg's cap.
    const sale = await checkout({ id: 'u2', role: 'dg' }, { lines: [{ productId: 'riz', quantityMilli: 1000 }], cartDiscount: { kind: 'percent', rate: 1500 }, tenders: [{ method: 'cash', amountMinor: 46_750 }] });
    expect(sale.totalMinor).toBe(46_750);
  });
});
