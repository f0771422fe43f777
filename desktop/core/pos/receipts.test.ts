import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatMoney } from '../../../shared/money.js';
import { createCashSessions } from './cash-sessions.js';
import { createCheckout } from './checkout.js';
import { buildReceipt, buildReturnReceipt, buildZReportDocument, createSalesHistory, renderHtml, renderPdf, type ShopInfo } from './receipts.js';
import { createReturns } from './returns.js';
import { openTestTill, steppingClock, testProduct, testTill as till, type TestTill } from './test-support/till.js';

const shop: ShopInfo = {
  name: 'AfriGest Kaloum', address: 'Avenue de la République, Kaloum, Conakry', taxId: '1234567-KAL', phone: '+224 620 00 00 01',
  timeZone: 'Africa/Conakry', footer: 'Les articles soldés ne sont ni repris ni échangés.',
};
const cashier = { id: 'u1', role: 'employee' as const };
// Intl separates thousands with a narrow no-break space in French.
const plain = (text: string) => text.replace(/[\u202f\u00a0]/g, ' ');

describe('receipts', () => {
  let t: TestTill;
  beforeEach(async () => {
    t = await openTestTill('receipts');
    await t.db.collections.products!.bulkInsert([
      testProduct('riz', 'Riz parfumé 5 kg', 55_000), testProduct('eau', 'Eau minérale 1,5 L', 6_000),
      testProduct('sucre', 'Sucre <b>en poudre</b> & co', 9_500, { vatRateBp: 0 }), testProduct('viande', 'Viande de bœuf', 60_000, { unit: 'kg' }),
    ]);
  });
  afterEach(() => t.close());

  // 10:00 UTC is 10:00 in Conakry.
  async function sell(clock = () => new Date('2026-11-25T10:00:00Z')) {
    return createCheckout(t.db, till, clock).checkout({ id: 'u1', role: 'dg' }, {
      lines: [{ productId: 'riz', quantityMilli: 2000, discount: { kind: 'percent', rate: 1000 } }, { productId: 'sucre', quantityMilli: 1000 }, { productId: 'viande', quantityMilli: 1500 }],
      cartDiscount: { kind: 'amount', amount: 500 },
      tenders: [{ method: 'mtn_momo', amountMinor: 100_000, paymentId: 'p1' }, { method: 'cash', amountMinor: 200_000 }],
    });
  }

  it('builds a sale ticket in French with GNF without decimals, VAT by rate and the change', async () => {
    const sale = await sell();
    const r = buildReceipt(sale, shop, 'Ibrahima Sow', 'fr');
    expect(r).toMatchObject({
      kind: 'sale', title: 'Ticket de caisse', number: 'KAL-C01-000001', date: '25/11/2026 10:00', cashier: 'Ibrahima Sow', fileStem: 'ticket-KAL-C01-000001',
      shop: { name: 'AfriGest Kaloum', taxId: '1234567-KAL', phone: '+224 620 00 00 01' }, footer: shop.footer,
    });
    expect(plain(r.lines[0]!.unitPrice)).toBe('55 000 GNF');
    expect(r.lines.map((l) => [l.quantity, plain(l.gross), l.discount && plain(l.discount), plain(l.total)])).toEqual([
      ['2', '110 000 GNF', plain(r.lines[0]!.discount!), plain(r.lines[0]!.total)],
      ['1', '9 500 GNF', expect.any(String), expect.any(String)],
      ['1,5', '90 000 GNF', expect.any(String), expect.any(String)],
    ]);
    expect(plain(r.subtotal)).toBe('209 500 GNF');
    expect(plain(r.discount!)).toBe('-11 500 GNF');
    expect(plain(r.total)).toBe('198 000 GNF');
    expect(r.vat.map((v) => plain(v.rate))).toEqual(['0 %', '18 %']);
    expect(r.tenders.map((x) => [x.label, plain(x.amount)])).toEqual([['MTN Mobile Money', '100 000 GNF'], ['Espèces', '200 000 GNF']]);
    expect(plain(r.change!)).toBe('102 000 GNF');
    expect(/\d[.,]\d{2} GNF/.test(JSON.stringify(r))).toBe(false);

    const en = buildReceipt(sale, { ...shop, timeZone: 'Africa/Lagos', footer: '' }, 'Ibrahima Sow', 'en');
    expect(en).toMatchObject({ title: 'Sales receipt', date: '25/11/2026, 11:00', footer: 'Thank you for your visit!' });
    expect(plain(en.total)).toBe('GNF 198,000');
    expect(en.tenders[1]!.label).toBe('Cash');
  });

  it('renders escaped HTML and an 80 mm PDF for tickets, return slips and Z reports', async () => {
    const clock = steppingClock(Date.UTC(2026, 10, 25, 7, 0, 0)).clock;
    const cash = createCashSessions(t.db, till, clock);
    const session = await cash.open({ id: 'dg1', role: 'dg' }, 100_000);
    const sale = await sell(clock);
    const ret = await createReturns(t.db, till, clock).returnSale(cashier, { saleId: sale.id, lines: [{ productId: 'sucre', quantityMilli: 1000 }], refundMethod: 'cash', reason: 'Sac déchiré <script>' });
    const slip = buildReturnReceipt(ret, sale, shop, 'Ibrahima Sow', 'fr');
    expect(slip).toMatchObject({ kind: 'return', title: 'Reçu de retour', reference: 'KAL-C01-000001', reason: 'Sac déchiré <script>', change: null });
    expect(slip.number.startsWith('KAL-C01-000001-R')).toBe(true);
    expect(slip.lines[0]!.name).toBe('Sucre <b>en poudre</b> & co');
    expect(plain(slip.total)).toBe(plain(buildReceipt(sale, shop, '', 'fr').lines[1]!.total));

    const ticketHtml = renderHtml(buildReceipt(sale, shop, 'Ibrahima Sow', 'fr'));
    expect(ticketHtml.startsWith('<div class="afg-doc afg-sale" lang="fr"><style>')).toBe(true);
    expect(ticketHtml).toContain('Sucre &lt;b&gt;en poudre&lt;/b&gt; &amp; co');
    expect(ticketHtml).not.toContain('<b>');
    expect(plain(ticketHtml)).toContain('198 000 GNF');
    expect(ticketHtml).toContain('NIF : 1234567-KAL');
    const slipHtml = renderHtml(slip);
    expect(slipHtml).toContain('Sac déchiré &lt;script&gt;');
    expect(slipHtml).not.toContain('<script');

    await cash.close({ id: 'dg1', role: 'dg' }, { cash: 100_000 });
    const z = buildZReportDocument(await cash.zReport(session.sessionId), shop, 'fr');
    expect(z).toMatchObject({ kind: 'z-report', title: 'Rapport Z – clôture de caisse', till: 'KAL-C01', salesCount: 1, returnsCount: 1 });
    expect(z.methods.map((m) => m.label)).toEqual(['Espèces', 'MTN Mobile Money']);
    // Float + 98 000 cash kept − the sugar refunded (its line total after its share of the cart discount).
    const expected = 100_000 + 98_000 - ret.totalMinor;
    expect(ret.totalMinor).toBe(sale.lines[1]!.totalMinor);
    expect(plain(z.methods[0]!.expected)).toBe(plain(formatMoney(expected, 'GNF')));
    expect(plain(z.difference!)).toBe(plain(formatMoney(100_000 - expected, 'GNF')));
    const zHtml = renderHtml(z);
    expect(plain(zHtml)).toContain('Écart');

    for (const doc of [buildReceipt(sale, shop, 'Ibrahima Sow', 'fr'), slip, z, buildReceipt(sale, shop, 'Ibrahima Sow', 'en')]) {
      const pdf = await renderPdf(doc);
      const text = pdf.toString('latin1');
      expect(text.startsWith('%PDF-')).toBe(true);
      expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
      expect(text.match(/\/Type \/Page\b/g)).toHaveLength(1);
      const box = /\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/.exec(text)!;
      expect(Number(box[1])).toBeCloseTo(226.77, 1);
      expect(Number(box[2])).toBeGreaterThan(200);
    }
    // A longer ticket is a longer strip of paper.
    const long = { ...sale, lines: Array.from({ length: 30 }, () => sale.lines[0]!) };
    const height = async (doc: Parameters<typeof renderPdf>[0]) => Number(/\/MediaBox \[0 0 [\d.]+ ([\d.]+)\]/.exec((await renderPdf(doc)).toString('latin1'))![1]);
    expect(await height(buildReceipt(long, shop, 'x', 'fr'))).toBeGreaterThan((await height(buildReceipt(sale, shop, 'x', 'fr'))) + 300);
  });

  it('finds past sales of this boutique for reprint, newest first, by page and by number', async () => {
    const { clock, advance } = steppingClock();
    const checkout = createCheckout(t.db, till, clock);
    for (let i = 0; i < 5; i++) {
      await checkout.checkout(i % 2 ? { id: 'u2', role: 'employee' } : cashier, { lines: [{ productId: 'eau', quantityMilli: 1000 }], tenders: [{ method: 'cash', amountMinor: 6_000 }] });
      advance(3 * 86_400_000);
    }
    await createCheckout(t.db, { ...till, boutiqueId: 'other', boutiqueCode: 'RAT' }, clock).checkout(cashier, { lines: [{ productId: 'eau', quantityMilli: 1000 }], tenders: [{ method: 'cash', amountMinor: 6_000 }] });
    const history = createSalesHistory(t.db, till);
    const first = await history.recent({ limit: 2 });
    expect(first.map((s) => s.number)).toEqual(['KAL-C01-000005', 'KAL-C01-000004']);
    const next = await history.recent({ limit: 10, before: first.at(-1)!.createdAt });
    expect(next.map((s) => s.number)).toEqual(['KAL-C01-000003', 'KAL-C01-000002', 'KAL-C01-000001']);
    expect((await history.recent({ limit: 10, cashierId: 'u2' })).map((s) => s.number)).toEqual(['KAL-C01-000004', 'KAL-C01-000002']);
    expect((await history.byNumber(' KAL-C01-000003 '))?.id).toBe(next[0]!.id);
    expect(await history.byNumber('RAT-C01-000001')).toBeNull();
    expect((await history.byId(next[0]!.id))?.number).toBe('KAL-C01-000003');
  });
});
