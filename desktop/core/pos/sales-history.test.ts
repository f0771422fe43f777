import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCheckout } from './checkout.js';
import { createSalesHistory } from './sales-history.js';
import { openTestTill, steppingClock, testProduct, testTill as till, type TestTill } from './test-support/till.js';

const DAY = 86_400_000;

describe('sales history', () => {
  let t: TestTill;
  beforeEach(async () => {
    t = await openTestTill('sales-history');
    await t.db.collections.products!.bulkInsert([testProduct('eau', 'Eau minérale 1,5 L', 6_000)]);
  });
  afterEach(() => t.close());

  it('pages newest first across days, months and years, one cashier’s or the boutique’s', async () => {
    // Eight sales over two years: hours, days, weeks and a year apart.
    const gaps = [0, 3_600_000, 2 * DAY, 10 * DAY, 40 * DAY, 200 * DAY, 400 * DAY, 60_000];
    const { clock, advance } = steppingClock(Date.UTC(2025, 0, 10, 9, 0, 0));
    const checkout = createCheckout(t.db, till, clock);
    for (const [i, gap] of gaps.entries()) {
      advance(gap);
      await checkout.checkout({ id: i % 3 === 0 ? 'u2' : 'u1', role: 'employee' }, { lines: [{ productId: 'eau', quantityMilli: 1000 }], tenders: [{ method: 'cash', amountMinor: 6_000 }] });
    }
    // Another boutique's sale in the same database is never shown here.
    await createCheckout(t.db, { ...till, boutiqueId: 'other', boutiqueCode: 'RAT' }, clock).checkout({ id: 'u1', role: 'employee' }, {
      lines: [{ productId: 'eau', quantityMilli: 1000 }], tenders: [{ method: 'cash', amountMinor: 6_000 }],
    });
    const history = createSalesHistory(t.db, till);
    const numbers = (sales: Array<{ number: string }>) => sales.map((s) => Number(s.number.slice(-6)));

    const pages: number[][] = [];
    let before: string | undefined;
    for (;;) {
      const page = await history.recent({ limit: 3, ...(before ? { before } : {}) });
      if (!page.length) break;
      pages.push(numbers(page));
      before = page.at(-1)!.createdAt;
    }
    expect(pages).toEqual([[8, 7, 6], [5, 4, 3], [2, 1]]);
    expect(numbers(await history.recent({ limit: 100 }))).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    expect(numbers(await history.recent({ limit: 100, cashierId: 'u2' }))).toEqual([7, 4, 1]);
    expect(numbers(await history.recent({ limit: 2, cashierId: 'u1' }))).toEqual([8, 6]);
    expect(await history.recent({ limit: 5, cashierId: 'nobody' })).toEqual([]);
    // Dates stored as ISO strings in UTC compare in time order.
    const all = await history.recent({ limit: 100 });
    expect(all.map((s) => s.createdAt)).toEqual(all.map((s) => s.createdAt).sort().reverse());
  });

  it('finds a sale by its printed number or its id, in this boutique only', async () => {
    const { clock } = steppingClock();
    const sale = await createCheckout(t.db, till, clock).checkout({ id: 'u1', role: 'employee' }, { lines: [{ productId: 'eau', quantityMilli: 1000 }], tenders: [{ method: 'cash', amountMinor: 6_000 }] });
    const elsewhere = await createCheckout(t.db, { ...till, boutiqueId: 'other', boutiqueCode: 'RAT' }, clock).checkout({ id: 'u1', role: 'employee' }, {
      lines: [{ productId: 'eau', quantityMilli: 1000 }], tenders: [{ method: 'cash', amountMinor: 6_000 }],
    });
    const history = createSalesHistory(t.db, till);
    expect(await history.byNumber(`  ${sale.number}\n`)).toEqual(sale);
    expect(await history.byNumber('KAL-C01-000002')).toBeNull();
    expect(await history.byNumber(elsewhere.number)).toBeNull();
    expect(await history.byId(sale.id)).toEqual(sale);
    expect(await history.byId(elsewhere.id)).toBeNull();
    expect(await history.byId('inconnue')).toBeNull();
  });
});
