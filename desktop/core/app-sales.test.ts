import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BridgeResult } from '../bridge/wire.js';
import type { Sale, StockMovement } from '../../shared/schema/index.js';
import { startCore, type Core } from './app.js';
import { saveEnrolment } from './app/enrolment.js';
import { openTillDatabase, tillDirectory } from './app/till-db.js';
import { bridgeOutput, testEnrolment, testProduct, testUser } from './test-support/core-fixture.js';

const CLOUD = 'http://cloud.test';
const enrolment = testEnrolment(CLOUD, { address: 'Avenue de la République, Kaloum' });

// The cloud is down: these calls all run offline.
const offline = async (): Promise<Response> => {
  throw new TypeError('fetch failed');
};

const output = <T = Record<string, unknown>>(result: BridgeResult): T => {
  if (!result.ok) throw new Error(`call refused: ${JSON.stringify(result.error)}`);
  return result.output as T;
};
// Intl separates French thousands with a narrow no-break space.
const plain = (text: string) => text.replace(/[\u202f\u00a0]/g, ' ');

type Document = { fileName: string; html?: string; pdfBase64?: string };
type Returnable = { sale: Sale; lines: Array<{ productId: string; soldMilli: number; returnedMilli: number; returnableMilli: number; unitRefundMinor?: number }> };
type ReturnOut = { id: string; totalMinor: number; lines: Array<{ productId: string; quantityMilli: number; refundMinor: number }>; refunds: Array<{ method: string; amountMinor: number }> };

describe('core: sales history, receipts and returns through the bridge', () => {
  let directory: string;
  let core: Core;
  let now: number;
  // Each reading is a second after the last: sales written one after another keep their order.
  const clock = () => new Date((now += 1000));

  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), 'afrigest-core-sales-'));
    now = Date.UTC(2026, 10, 25, 9, 0, 0);
    saveEnrolment(directory, enrolment);
    const db = await openTillDatabase(tillDirectory(directory, 'dev-1'));
    await db.collections.users!.bulkInsert([
      testUser('u-emp', 'employe@demo.local', 'Ibrahima Sow', 'employee'),
      testUser('u-emp2', 'fanta@demo.local', 'Fanta Camara', 'employee'),
      testUser('u-dg', 'dg@demo.local', 'Aïssatou Diallo', 'dg'),
    ]);
    await db.collections.products!.bulkInsert([testProduct('riz', 'Riz parfumé 5 kg', '2240000000077', 55_000), testProduct('savon', 'Savon <Lux> & co', '2240000000084', 10_000)]);
    // The boutique as the cloud publishes it: its phone is on paper, not in the enrolment answer.
    await db.collections.boutiques!.insert({
      id: 'b1', tenantId: 'tenant-1', code: 'KAL', name: 'Boutique Kaloum', address: 'Avenue de la République, Kaloum', phone: '+224 620 00 00 01',
      taxId: '', timeZone: 'Africa/Conakry', currency: 'GNF', updatedAt: '2026-11-25T00:00:00Z',
    });
    await db.collections.settings!.insert({
      id: 'settings', tenantId: 'tenant-1', vatRateBp: 1800, currency: 'GNF', locale: 'fr', timeZone: 'Africa/Conakry', receiptFooter: 'Merci et à bientôt !',
      taxId: '1234567-KAL', updatedAt: '2026-11-25T00:00:00Z',
    } as never);
    await db.close();
    core = await startCore({
      dataDirectory: directory, cloudUrl: CLOUD, clock, fetch: offline as typeof fetch, strictOutputs: true, log: () => undefined,
      sync: { live: false, retryTime: 60_000, pollInterval: 60_000 },
    });
  });
  afterEach(async () => {
    await core?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const signIn = async (email: string) => bridgeOutput(await core.call('auth.signIn', { email, password: 'Demo123!' }));
  const sell = async (lines: Array<{ productId: string; quantityMilli: number; discount?: { kind: 'percent'; rate: number } }>, amountMinor: number) =>
    bridgeOutput<Sale>(await core.call('checkout.complete', { lines, tenders: [{ method: 'cash', amountMinor }] }));
  const onHand = async (productId: string) =>
    (await core.database()!.collections.stock_movements!.find({ selector: { productId } }).exec()).reduce((sum, d) => sum + (d.toJSON() as StockMovement).quantityMilli, 0);
  const counts = async () => {
    const db = core.database()!;
    return { returns: await db.collections.returns!.count().exec(), movements: await db.collections.stock_movements!.count().exec() };
  };

  it('shows an employee only their own sales; a manager sees the boutique’s, newest first, by page and by number', async () => {
    await signIn('employe@demo.local');
    const mine1 = await sell([{ productId: 'savon', quantityMilli: 1000 }], 10_000);
    const mine2 = await sell([{ productId: 'riz', quantityMilli: 1000 }], 55_000);
    await signIn('fanta@demo.local');
    const hers = await sell([{ productId: 'savon', quantityMilli: 2000 }], 20_000);

    expect(bridgeOutput<Sale[]>(await core.call('sales.recent', {})).map((s) => s.id)).toEqual([hers.id]);
    await signIn('employe@demo.local');
    expect(bridgeOutput<Sale[]>(await core.call('sales.recent', {})).map((s) => s.number)).toEqual([mine2.number, mine1.number]);
    expect(await core.call('sales.byNumber', { number: ` ${mine1.number} ` })).toEqual({ ok: true, output: mine1 });
    // Another cashier's sale does not exist for an employee: not listed, not found, not printed, not returned.
    expect(await core.call('sales.byNumber', { number: hers.number })).toEqual({ ok: true, output: null });
    expect(await core.call('receipts.sale', { saleId: hers.id })).toMatchObject({ ok: false, error: { code: 'SALE_NOT_FOUND', message: 'Vente introuvable dans cette boutique.' } });
    expect(await core.call('returns.returnable', { saleId: hers.id })).toMatchObject({ ok: false, error: { code: 'SALE_NOT_FOUND' } });
    const before = await counts();
    expect(await core.call('returns.create', { saleId: hers.id, lines: [{ productId: 'savon', quantityMilli: 1000 }], refundMethod: 'cash', reason: 'Défaut' })).toMatchObject({
      ok: false, error: { code: 'SALE_NOT_FOUND' },
    });
    expect(await counts()).toEqual(before);

    await signIn('dg@demo.local');
    const all = bridgeOutput<Sale[]>(await core.call('sales.recent', { limit: 2 }));
    expect(all.map((s) => s.number)).toEqual([hers.number, mine2.number]);
    expect(bridgeOutput<Sale[]>(await core.call('sales.recent', { limit: 2, before: all[1]!.createdAt })).map((s) => s.number)).toEqual([mine1.number]);
    expect(await core.call('sales.byNumber', { number: hers.number })).toEqual({ ok: true, output: hers });
    expect(await core.call('sales.byNumber', { number: 'KAL-C01-999999' })).toEqual({ ok: true, output: null });
  });

  it('refuses bad input with the error format and writes nothing', async () => {
    expect(await core.call('sales.recent', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    await signIn('employe@demo.local');
    const sale = await sell([{ productId: 'savon', quantityMilli: 2000 }], 20_000);
    const before = await counts();
    const refused = async (method: string, input: unknown, code: string) => {
      const result = await core.call(method, input);
      expect(result).toMatchObject({ ok: false, error: { code, message: expect.any(String) } });
      return result;
    };
    const invalid = await refused('sales.recent', { limit: 0 }, 'VALIDATION_FAILED');
    expect(invalid).toMatchObject({ error: { details: [{ path: 'input.limit' }] } });
    await refused('sales.recent', { limit: 10, cashierId: 'u-emp2' }, 'VALIDATION_FAILED');
    await refused('sales.byNumber', { number: '  ' }, 'VALIDATION_FAILED');
    await refused('receipts.sale', { saleId: sale.id, format: 'docx' }, 'VALIDATION_FAILED');
    await refused('receipts.return', { returnId: 'inconnu' }, 'RETURN_NOT_FOUND');
    const line = { productId: 'savon', quantityMilli: 1000 };
    await refused('returns.create', { saleId: sale.id, lines: [{ ...line, quantityMilli: 0 }], refundMethod: 'cash', reason: 'Défaut' }, 'VALIDATION_FAILED');
    await refused('returns.create', { saleId: sale.id, lines: [{ ...line, quantityMilli: 1.5 }], refundMethod: 'cash', reason: 'Défaut' }, 'VALIDATION_FAILED');
    await refused('returns.create', { saleId: sale.id, lines: [], refundMethod: 'cash', reason: 'Défaut' }, 'VALIDATION_FAILED');
    await refused('returns.create', { saleId: sale.id, lines: [line], refundMethod: 'cheque', reason: 'Défaut' }, 'VALIDATION_FAILED');
    await refused('returns.create', { saleId: sale.id, lines: [line], refundMethod: 'cash' }, 'VALIDATION_FAILED');
    await refused('returns.create', { saleId: sale.id, lines: [line], refundMethod: 'cash', reason: 'Défaut', refundMinor: 1 }, 'VALIDATION_FAILED');
    const noReason = await refused('returns.create', { saleId: sale.id, lines: [line], refundMethod: 'cash', reason: '   ' }, 'RETURN_REASON_REQUIRED');
    expect(noReason).toMatchObject({ error: { message: 'Indiquez le motif du retour.' } });
    await refused('returns.create', { saleId: sale.id, lines: [{ productId: 'riz', quantityMilli: 1000 }], refundMethod: 'cash', reason: 'Défaut' }, 'RETURN_PRODUCT_NOT_IN_SALE');
    await refused('returns.returnable', { saleId: 'inconnue' }, 'SALE_NOT_FOUND');
    // The Z report is a manager's.
    await refused('cash.zReportDocument', { sessionId: 'x' }, 'FORBIDDEN');
    expect(await counts()).toEqual(before);
  });

  it('refunds a partial then the full return to exactly the sale total and puts the stock back; never more than remains', async () => {
    await signIn('employe@demo.local');
    // 3 soaps at 10 % off and a sack of rice: a third of the soaps is not a whole franc.
    const sale = await sell([{ productId: 'savon', quantityMilli: 3000, discount: { kind: 'percent', rate: 1000 } }, { productId: 'riz', quantityMilli: 1000 }], 100_000);
    expect(sale.discountMinor).toBe(3_000);
    expect(await onHand('savon')).toBe(-3000);

    const first = bridgeOutput<Returnable>(await core.call('returns.returnable', { saleId: sale.id }));
    expect(first.sale.id).toBe(sale.id);
    expect(first.lines).toEqual([
      { productId: 'savon', name: 'Savon <Lux> & co', soldMilli: 3000, returnedMilli: 0, returnableMilli: 3000, unitRefundMinor: 9_000 },
      { productId: 'riz', name: 'Riz parfumé 5 kg', soldMilli: 1000, returnedMilli: 0, returnableMilli: 1000, unitRefundMinor: 55_000 },
    ]);
    const partial = bridgeOutput<ReturnOut>(await core.call('returns.create', { saleId: sale.id, lines: [{ productId: 'savon', quantityMilli: 1000 }], refundMethod: 'cash', reason: 'Emballage abîmé' }));
    expect(partial).toMatchObject({ totalMinor: 9_000, refunds: [{ method: 'cash', amountMinor: 9_000 }], lines: [{ productId: 'savon', quantityMilli: 1000, refundMinor: 9_000 }] });
    expect(await onHand('savon')).toBe(-2000);

    const after = bridgeOutput<Returnable>(await core.call('returns.returnable', { saleId: sale.id }));
    expect(after.lines.map((l) => [l.productId, l.returnedMilli, l.returnableMilli])).toEqual([['savon', 1000, 2000], ['riz', 0, 1000]]);
    const before = await counts();
    expect(await core.call('returns.create', { saleId: sale.id, lines: [{ productId: 'savon', quantityMilli: 2001 }], refundMethod: 'cash', reason: 'Trop' })).toMatchObject({
      ok: false, error: { code: 'RETURN_QUANTITY_EXCEEDED', message: expect.stringContaining('Savon <Lux> & co') },
    });
    expect(await counts()).toEqual(before);

    const rest = bridgeOutput<ReturnOut>(await core.call('returns.create', {
      saleId: sale.id, lines: [{ productId: 'savon', quantityMilli: 2000 }, { productId: 'riz', quantityMilli: 1000 }], refundMethod: 'orange_money', reason: 'Client a changé d’avis',
    }));
    expect(partial.totalMinor + rest.totalMinor).toBe(sale.totalMinor);
    expect(rest.refunds).toEqual([{ method: 'orange_money', amountMinor: sale.totalMinor - partial.totalMinor }]);
    expect([await onHand('savon'), await onHand('riz')]).toEqual([0, 0]);
    expect(bridgeOutput<Returnable>(await core.call('returns.returnable', { saleId: sale.id })).lines.every((l) => l.returnableMilli === 0)).toBe(true);
    expect(await core.call('returns.create', { saleId: sale.id, lines: [{ productId: 'riz', quantityMilli: 1 }], refundMethod: 'cash', reason: 'Encore' })).toMatchObject({
      ok: false, error: { code: 'RETURN_QUANTITY_EXCEEDED' },
    });
  });

  it('prints a sale ticket and a return slip as HTML and PDF, in French or English', async () => {
    await signIn('employe@demo.local');
    const sale = await sell([{ productId: 'riz', quantityMilli: 2000 }, { productId: 'savon', quantityMilli: 1000 }], 150_000);
    const ticket = bridgeOutput<Document>(await core.call('receipts.sale', { saleId: sale.id }));
    expect(ticket.fileName).toBe(`ticket-${sale.number}.html`);
    const html = plain(ticket.html!);
    for (const text of ['Demo SARL – Boutique Kaloum', 'Avenue de la République, Kaloum', 'Tél. +224 620 00 00 01', 'NIF : 1234567-KAL', sale.number, 'Ibrahima Sow', 'Ticket de caisse', 'Merci et à bientôt !']) {
      expect(html).toContain(text);
    }
    expect(html).toContain('120 000 GNF');
    expect(html).toContain('30 000 GNF');
    expect(html).toContain('Savon &lt;Lux&gt; &amp; co');
    expect(html).not.toContain('<Lux>');
    expect(html).toMatch(/@media print/);
    expect(html).not.toMatch(/\d[.,]\d{2} ?GNF/);
    // 09:00 UTC is 09:00 in Conakry.
    expect(html).toContain('25/11/2026 09:00');

    const en = plain(bridgeOutput<Document>(await core.call('receipts.sale', { saleId: sale.id, locale: 'en' })).html!);
    expect(en).toContain('Sales receipt');
    expect(en).toContain('GNF 120,000');

    const pdf = bridgeOutput<Document>(await core.call('receipts.sale', { saleId: sale.id, format: 'pdf' }));
    expect(pdf.fileName).toBe(`ticket-${sale.number}.pdf`);
    expect(pdf.html).toBeUndefined();
    expect(Buffer.from(pdf.pdfBase64!, 'base64').subarray(0, 5).toString('latin1')).toBe('%PDF-');

    const ret = bridgeOutput<ReturnOut>(await core.call('returns.create', { saleId: sale.id, lines: [{ productId: 'savon', quantityMilli: 1000 }], refundMethod: 'cash', reason: 'Mauvais parfum' }));
    const slip = plain(bridgeOutput<Document>(await core.call('receipts.return', { returnId: ret.id })).html!);
    for (const text of ['Reçu de retour', 'NIF : 1234567-KAL', sale.number, 'Mauvais parfum', '10 000 GNF']) expect(slip).toContain(text);
    const slipPdf = bridgeOutput<Document>(await core.call('receipts.return', { returnId: ret.id, format: 'pdf' }));
    expect(Buffer.from(slipPdf.pdfBase64!, 'base64').subarray(0, 4).toString('latin1')).toBe('%PDF');
    // Another employee reprints neither the sale nor the return.
    await signIn('fanta@demo.local');
    expect(await core.call('receipts.return', { returnId: ret.id })).toMatchObject({ ok: false, error: { code: 'RETURN_NOT_FOUND' } });
    await signIn('dg@demo.local');
    expect(bridgeOutput<Document>(await core.call('receipts.return', { returnId: ret.id })).html).toContain('Mauvais parfum');
  });

  it('prints the Z report of a closed session', async () => {
    await signIn('dg@demo.local');
    const session = bridgeOutput<{ sessionId: string }>(await core.call('cash.open', { floatMinor: 50_000 }));
    await sell([{ productId: 'riz', quantityMilli: 1000 }], 60_000);
    bridgeOutput(await core.call('cash.close', { counted: { cash: 105_000 } }));
    const doc = bridgeOutput<Document>(await core.call('cash.zReportDocument', { sessionId: session.sessionId }));
    expect(doc.fileName).toMatch(/^rapport-z-KAL-C01-2026-11-25\.html$/);
    const html = plain(doc.html!);
    for (const text of ['Rapport Z', 'NIF : 1234567-KAL', 'Aïssatou Diallo', '50 000 GNF', '55 000 GNF']) expect(html).toContain(text);
    expect(html).not.toMatch(/\d[.,]\d{2} ?GNF/);
    const pdf = bridgeOutput<Document>(await core.call('cash.zReportDocument', { sessionId: session.sessionId, format: 'pdf', locale: 'en' }));
    expect(Buffer.from(pdf.pdfBase64!, 'base64').subarray(0, 4).toString('latin1')).toBe('%PDF');
    expect(await core.call('cash.zReportDocument', { sessionId: 'inconnue' })).toMatchObject({ ok: false, error: { code: 'CASH_SESSION_NOT_FOUND' } });
  });
});
