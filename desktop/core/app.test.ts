import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCore, type Core } from './app.js';
import { saveEnrolment } from './app/enrolment.js';
import { openTillDatabase, tillDirectory } from './app/till-db.js';
import { createOpenCart } from './pos/open-cart.js';
import { testEnrolment, testProduct, testUser } from './test-support/core-fixture.js';

/** A stand-in for the cloud's POS payments and enrolment routes: answers what the till asks. */
function fakeCloud() {
  const payments = new Map<string, { status: string; asked: number; amountMinor: number; finalStatus: string }>();
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.url === '/api/pos/payments' && req.method === 'POST') {
        if (req.headers.authorization !== 'Device tenant-1.dev-1.secret-credential') return send(401, { error: { code: 'DEVICE_CREDENTIAL_INVALID', message: '' } });
        if (!req.headers['idempotency-key']) return send(400, { error: { code: 'IDEMPOTENCY_KEY_REQUIRED', message: '' } });
        const body = JSON.parse(raw) as { method: string; amountMinor: number; phone?: string };
        if (body.method === 'mtn_momo' && !body.phone) return send(400, { error: { code: 'VALIDATION_FAILED', message: '', details: [{ path: 'body.phone', message: 'numéro requis pour MTN MoMo' }] } });
        const paymentId = `pay-${payments.size + 1}`;
        // A phone ending in 0 declines; the others pay after one status question.
        payments.set(paymentId, { status: 'pending', asked: 0, amountMinor: body.amountMinor, finalStatus: body.phone?.endsWith('0') ? 'failed' : 'succeeded' });
        return send(201, { paymentId, status: 'pending', amountMinor: body.amountMinor, currency: 'GNF', redirectUrl: null, expiresAt: '2026-11-25T09:00:00Z' });
      }
      const match = /^\/api\/pos\/payments\/([\w-]+)(\?.*)?$/.exec(req.url ?? '');
      if (match && req.method === 'GET') {
        const payment = payments.get(match[1]!);
        if (!payment) return send(404, { error: { code: 'PAYMENT_NOT_FOUND', message: '' } });
        payment.asked++;
        if (payment.asked >= 1) payment.status = payment.finalStatus;
        return send(200, { paymentId: match[1], status: payment.status, amountMinor: payment.amountMinor, currency: 'GNF', redirectUrl: null });
      }
      if (req.url === '/api/devices/enrol' && req.method === 'POST') {
        const body = JSON.parse(raw) as { tenant: string; code: string };
        if (body.code !== 'ABCD-EFGH-1234') return send(400, { error: { code: 'ENROLMENT_CODE_INVALID', message: 'Code invalide' } });
        return send(201, {
          deviceId: 'dev-2', deviceCode: 'C02', credential: 'tenant-1.dev-2.other-secret', boutique: { id: 'b1', code: 'KAL', name: 'Boutique Kaloum' },
          tenant: { id: 'tenant-1', code: body.tenant, name: 'Demo SARL', currency: 'GNF', timeZone: 'Africa/Conakry' },
        });
      }
      send(404, { error: { code: 'ROUTE_NOT_FOUND', message: '' } });
    });
  });
  return new Promise<{ url: string; close: () => Promise<void> }>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); }),
    })),
  );
}

describe('core: bridge calls', () => {
  let directory: string;
  let core: Core;
  let cloud: Awaited<ReturnType<typeof fakeCloud>>;
  const logs: string[] = [];

  async function seed(cloudUrl: string) {
    saveEnrolment(directory, testEnrolment(cloudUrl));
    const db = await openTillDatabase(tillDirectory(directory, 'dev-1'));
    await db.collections.users!.bulkInsert([
      testUser('u-emp', 'employe@demo.local', 'Ibrahima Sow', 'employee'),
      testUser('u-dg', 'dg@demo.local', 'Aïssatou Diallo', 'dg'),
      testUser('u-other', 'ailleurs@demo.local', 'Autre', 'employee', ['b2']),
    ]);
    await db.collections.products!.bulkInsert([testProduct('riz', 'Riz parfumé 5 kg', '2240000000077', 55_000), testProduct('eau', 'Eau minérale Coyah 1,5 L', '2240000000084', 6_000)]);
    await db.close();
  }

  const start = (cloudUrl: string) =>
    startCore({ dataDirectory: directory, cloudUrl, strictOutputs: true, log: (e) => logs.push(JSON.stringify(e)), sync: { live: false, retryTime: 60_000, pollInterval: 60_000 }, mobileMoneyPollMs: 20 });

  const counts = async () => ({
    sales: await core.database()!.collections.sales!.count().exec(),
    movements: await core.database()!.collections.stock_movements!.count().exec(),
  });

  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), 'afrigest-core-'));
    cloud = await fakeCloud();
    logs.length = 0;
  });
  afterEach(async () => {
    await core?.close();
    await cloud.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('refuses bad input and calls above the role in the error format, and writes nothing', async () => {
    await seed(cloud.url);
    core = await start(cloud.url);
    const before = await counts();
    const cart = { lines: [{ productId: 'riz', quantityMilli: 1000 }], tenders: [{ method: 'cash', amountMinor: 55_000 }] };

    expect(await core.call('checkout.complete', cart)).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: 'Connexion requise.' } });
    expect(await core.call('auth.signIn', { email: 'employe@demo.local', password: 'Demo123!' })).toMatchObject({ ok: true, output: { id: 'u-emp', role: 'employee' } });

    const bad = await core.call('checkout.complete', { lines: [{ productId: 'riz', quantityMilli: -5 }], tenders: [{ method: 'cash', amountMinor: 55_000 }], extra: true });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.any(String) } });
    const details = (bad as { error: { details: Array<{ path: string }> } }).error.details.map((d) => d.path);
    expect(details).toEqual(expect.arrayContaining(['input.lines.0.quantityMilli', 'input']));

    // An employee may not adjust stock nor open the drawer, whatever the input.
    expect(await core.call('stock.adjust', { productId: 'riz', deltaMilli: 5000, reason: 'inventaire' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: 'Vous n’avez pas le droit de faire cela.' } });
    expect(await core.call('cash.open', { floatMinor: 100_000 })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await core.call('cash.zReport', { sessionId: 'x' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // Above the cashier's discount cap: the service refuses, in the user's language, with its parameter.
    await core.call('app.setLocale', { locale: 'en' });
    expect(await core.call('checkout.complete', { ...cart, cartDiscount: { kind: 'percent', rate: 1500 } })).toEqual({
      ok: false, error: { code: 'DISCOUNT_ABOVE_CAP', message: 'Discount too high: at most 10 % for your role.', details: { cap: 10 } },
    });
    expect(await core.call('__proto__', {})).toMatchObject({ ok: false, error: { code: 'BRIDGE_METHOD_UNKNOWN' } });
    expect(await core.call('checkout.complete', 'not an object')).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });

    expect(await counts()).toEqual(before);
    for (const line of logs) expect(line).not.toContain('secret-credential');
  });

  it('signs in, then sells through the bridge: the sale and its movements are written', async () => {
    await seed(cloud.url);
    core = await start(cloud.url);
    const sessions: unknown[] = [];
    core.on('session.changed', (payload) => sessions.push(payload.user?.id ?? null));
    expect(await core.call('auth.signIn', { email: 'ailleurs@demo.local', password: 'Demo123!' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await core.call('auth.signIn', { email: 'employe@demo.local', password: 'faux' })).toMatchObject({ ok: false, error: { code: 'INVALID_CREDENTIALS' } });
    await core.call('auth.signIn', { email: 'employe@demo.local', password: 'Demo123!' });
    expect(core.state()).toMatchObject({ enrolled: true, user: { id: 'u-emp' }, till: { boutique: { code: 'KAL' }, deviceCode: 'C01' } });

    const found = await core.call('catalog.byBarcode', { barcode: '2240000000084' });
    expect(found).toMatchObject({ ok: true, output: { id: 'eau', priceMinor: 6_000 } });
    expect(await core.call('catalog.search', { text: 'RIZ' })).toMatchObject({ ok: true, output: [{ id: 'riz' }] });

    const before = await counts();
    const result = await core.call('checkout.complete', {
      lines: [{ productId: 'riz', quantityMilli: 1000 }, { productId: 'eau', quantityMilli: 2000 }],
      cartDiscount: { kind: 'percent', rate: 500 },
      tenders: [{ method: 'cash', amountMinor: 70_000 }],
    });
    expect(result).toMatchObject({ ok: true, output: { number: 'KAL-C01-000001', cashierId: 'u-emp', totalMinor: 63_650, tenders: [{ method: 'cash', amountMinor: 70_000, changeMinor: 6_350 }] } });
    expect(await counts()).toEqual({ sales: before.sales + 1, movements: before.movements + 2 });

    expect(await core.call('auth.signOut', {})).toEqual({ ok: true, output: { ok: true } });
    expect(sessions).toEqual(['u-emp', null]);
    expect(await core.call('catalog.search', { text: 'riz' })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  it('takes mobile money through the cloud, follows it to success, and refuses it offline or unconfirmed', async () => {
    await seed(cloud.url);
    core = await start(cloud.url);
    await core.call('auth.signIn', { email: 'employe@demo.local', password: 'Demo123!' });
    const events: Array<{ paymentId: string; status: string }> = [];
    core.on('payment.status', (status) => events.push({ paymentId: status.paymentId, status: status.status }));

    const started = await core.call('payments.mobileStart', { method: 'mtn_momo', amountMinor: 20_000, phone: '+224 620 00 00 01' });
    expect(started).toMatchObject({ ok: true, output: { paymentId: 'pay-1', status: 'pending', method: 'mtn_momo', amountMinor: 20_000 } });
    await expect.poll(() => events.at(-1)).toEqual({ paymentId: 'pay-1', status: 'succeeded' });

    const sale = (tenders: unknown[]) => core.call('checkout.complete', { lines: [{ productId: 'riz', quantityMilli: 1000 }], tenders });
    // Not the amount the payment was for, or no payment at all: refused before anything is written.
    expect(await sale([{ method: 'mtn_momo', amountMinor: 55_000, paymentId: 'pay-1' }])).toMatchObject({ ok: false, error: { code: 'PAYMENT_NOT_SUCCEEDED' } });
    expect(await sale([{ method: 'orange_money', amountMinor: 55_000 }])).toMatchObject({ ok: false, error: { code: 'PAYMENT_NOT_SUCCEEDED' } });
    const split = await sale([{ method: 'mtn_momo', amountMinor: 20_000, paymentId: 'pay-1' }, { method: 'cash', amountMinor: 35_000 }]);
    expect(split).toMatchObject({ ok: true, output: { tenders: [{ method: 'mtn_momo', paymentId: 'pay-1' }, { method: 'cash' }] } });
    // One payment pays one sale.
    expect(await sale([{ method: 'mtn_momo', amountMinor: 20_000, paymentId: 'pay-1' }, { method: 'cash', amountMinor: 35_000 }])).toMatchObject({ ok: false, error: { code: 'PAYMENT_ALREADY_USED', message: 'Ce paiement mobile a déjà servi pour une autre vente.' } });

    await core.call('payments.mobileStart', { method: 'orange_money', amountMinor: 55_000, phone: '620000000' });
    await expect.poll(() => events.at(-1)).toEqual({ paymentId: 'pay-2', status: 'failed' });
    expect(await sale([{ method: 'orange_money', amountMinor: 55_000, paymentId: 'pay-2' }])).toMatchObject({ ok: false, error: { code: 'PAYMENT_NOT_SUCCEEDED' } });
    expect(await core.database()!.collections.sales!.count().exec()).toBe(1);

    // The cloud's refusals come through with their field list; an unknown payment is said so.
    expect(await core.call('payments.mobileStart', { method: 'mtn_momo', amountMinor: 1_000 })).toMatchObject({
      ok: false, error: { code: 'VALIDATION_FAILED', details: [{ path: 'body.phone' }] },
    });
    expect(await core.call('payments.mobileStatus', { paymentId: 'pay-99' })).toMatchObject({ ok: false, error: { code: 'PAYMENT_NOT_FOUND' } });

    // The cloud gone: the cashier is told to take cash.
    await cloud.close();
    expect(await core.call('payments.mobileStart', { method: 'orange_money', amountMinor: 1_000 })).toEqual({
      ok: false, error: { code: 'MOBILE_MONEY_OFFLINE', message: 'Paiement mobile indisponible hors connexion : encaissez en espèces.' },
    });
  });

  it('keeps the counter’s cart in core: read back with today’s products after a restart, refused beyond the cart bounds, emptied by the sale', async () => {
    await seed(cloud.url);
    core = await start(cloud.url);
    expect(await core.call('cart.get', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    await core.call('auth.signIn', { email: 'employe@demo.local', password: 'Demo123!' });
    expect(await core.call('cart.get', {})).toEqual({ ok: true, output: { lines: [], updatedAt: null } });

    const basket = {
      lines: [{ productId: 'riz', quantityMilli: 2000, discount: { kind: 'percent', rate: 500 } }, { productId: 'eau', quantityMilli: 3000 }],
      cartDiscount: { kind: 'amount', amount: 1_000 },
      customer: { id: 'c1', name: 'Mariama Bah', phone: '224622112233' },
    };
    expect(await core.call('cart.save', basket)).toMatchObject({ ok: true, output: { updatedAt: expect.any(String) } });

    // 999999999999 typed as a quantity: refused by the contract, the kept cart does not move.
    const absurd = await core.call('cart.save', { lines: [{ productId: 'riz', quantityMilli: 999_999_999_999_000 }] });
    expect(absurd).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', details: [{ path: 'input.lines.0.quantityMilli' }] } });
    // Half a sack of rice sold by the piece, or a product the till does not sell: core's cart rules.
    expect(await core.call('cart.save', { lines: [{ productId: 'riz', quantityMilli: 1_500 }] })).toEqual({
      ok: false, error: { code: 'QUANTITY_NOT_WHOLE', message: '« Riz parfumé 5 kg » se vend à la pièce : saisissez un nombre entier.', details: { name: 'Riz parfumé 5 kg' } },
    });
    expect(await core.call('cart.save', { lines: [{ productId: 'inconnu', quantityMilli: 1_000 }] })).toMatchObject({ ok: false, error: { code: 'PRODUCT_NOT_FOUND' } });

    // The till restarts (a crash, a power cut): the basket comes back, with the catalogue's price of today.
    await core.close();
    const db = await openTillDatabase(tillDirectory(directory, 'dev-1'));
    await (await db.collections.products!.findOne('eau').exec())!.incrementalPatch({ priceMinor: 6_500 });
    await db.close();
    core = await start(cloud.url);
    await core.call('auth.signIn', { email: 'employe@demo.local', password: 'Demo123!' });
    const back = await core.call('cart.get', {});
    expect(back).toMatchObject({
      ok: true,
      output: {
        lines: [
          { product: { id: 'riz', name: 'Riz parfumé 5 kg', unit: 'piece', priceMinor: 55_000 }, quantityMilli: 2000, discount: { kind: 'percent', rate: 500 } },
          { product: { id: 'eau', priceMinor: 6_500 }, quantityMilli: 3000 },
        ],
        cartDiscount: { kind: 'amount', amount: 1_000 },
        customer: { id: 'c1', name: 'Mariama Bah', phone: '224622112233' },
        updatedAt: expect.any(String),
      },
    });

    const sale = await core.call('checkout.complete', { lines: basket.lines, cartDiscount: basket.cartDiscount, tenders: [{ method: 'cash', amountMinor: 200_000 }] });
    expect(sale).toMatchObject({ ok: true });
    expect(await core.call('cart.get', {})).toEqual({ ok: true, output: { lines: [], updatedAt: null } });

    // The till stops between writing a sale and clearing its cart: the paid basket is not offered again.
    expect(await core.call('cart.save', { lines: [{ productId: 'eau', quantityMilli: 1000 }] })).toMatchObject({ ok: true });
    expect(await core.call('checkout.complete', { lines: [{ productId: 'eau', quantityMilli: 1000 }], tenders: [{ method: 'cash', amountMinor: 10_000 }] })).toMatchObject({ ok: true });
    await core.close();
    const reopened = await openTillDatabase(tillDirectory(directory, 'dev-1'));
    // As kept before the sale and never cleared.
    await createOpenCart(reopened, 'b1', () => new Date(Date.now() - 60_000)).save({ lines: [{ productId: 'eau', quantityMilli: 1000 }] });
    await reopened.close();
    core = await start(cloud.url);
    await core.call('auth.signIn', { email: 'employe@demo.local', password: 'Demo123!' });
    expect(await core.call('cart.get', {})).toEqual({ ok: true, output: { lines: [], updatedAt: null } });
  });

  it('refuses at checkout the carts the shared rules refuse (fractions of a piece, a line or a total past the ceiling), and writes nothing', async () => {
    await seed(cloud.url);
    const db = await openTillDatabase(tillDirectory(directory, 'dev-1'));
    await db.collections.products!.bulkInsert([
      { ...testProduct('sucre', 'Sucre en poudre au kilo', '2240000000091', 12_000), unit: 'kg' },
      testProduct('groupe', 'Groupe électrogène industriel', '2240000000107', 600_000_000_000),
    ]);
    await db.close();
    core = await start(cloud.url);
    await core.call('auth.signIn', { email: 'employe@demo.local', password: 'Demo123!' });
    const before = await counts();
    const sell = (lines: Array<{ productId: string; quantityMilli: number }>) => core.call('checkout.complete', { lines, tenders: [{ method: 'cash', amountMinor: 1_000_000_000_000 }] });

    expect(await sell([{ productId: 'riz', quantityMilli: 2_500 }])).toMatchObject({ ok: false, error: { code: 'QUANTITY_NOT_WHOLE' } });
    expect(await sell([{ productId: 'riz', quantityMilli: 999_999_999_999_000 }])).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await sell([{ productId: 'riz', quantityMilli: 9_999_001 }])).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await sell([{ productId: 'groupe', quantityMilli: 2_000 }])).toEqual({
      ok: false, error: { code: 'CART_TOTAL_TOO_LARGE', message: 'Montant de la vente trop élevé : vérifiez les quantités et les prix.' },
    });
    expect(await counts()).toEqual(before);
    // Weighed goods go to the gram, and the largest line allowed sells.
    expect(await core.call('checkout.complete', { lines: [{ productId: 'sucre', quantityMilli: 250 }], tenders: [{ method: 'cash', amountMinor: 3_000 }] })).toMatchObject({ ok: true, output: { totalMinor: 3_000 } });
    expect(await sell([{ productId: 'riz', quantityMilli: 9_999_000 }])).toMatchObject({ ok: true, output: { totalMinor: 549_945_000 } });
  });

  it('refuses hostile text and deep payloads in every call with VALIDATION_FAILED, never a crash, and stores none of it', async () => {
    await seed(cloud.url);
    core = await start(cloud.url);
    await core.call('auth.signIn', { email: 'dg@demo.local', password: 'Demo123!' });
    let deep: unknown = 'x';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const refused = [
      await core.call('customers.create', { name: 'Awa\u0000Bah', phone: '622112233' }),
      await core.call('customers.create', { name: 'Awa \ud83d', phone: '622112233' }),
      await core.call('catalog.search', { text: '\udfff' }),
      await core.call('stock.adjust', { productId: 'riz', deltaMilli: 1000, reason: 'inventaire\u0000' }),
      await core.call('cart.save', { lines: [{ productId: 'riz', quantityMilli: 1000 }], customer: { id: 'c1', name: 'x\ud800', phone: '1' } }),
      await core.call('cart.save', deep),
      await core.call('app.setLocale', { locale: 'fr', nested: deep }),
      await core.call('auth.signIn', { email: 'dg@demo.local', password: 'Demo123!\u0000' }),
    ];
    for (const result of refused) expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', message: 'Données invalides : vérifiez les champs signalés.', details: [{ path: expect.any(String), message: expect.any(String) }] } });
    expect(await core.call('customers.search', { query: 'Awa' })).toEqual({ ok: true, output: [] });
    expect(core.state().user).toMatchObject({ id: 'u-dg' });
    expect(logs.filter((line) => line.includes('bridge call failed'))).toEqual([]);
  });

  it('enrols a new till with the one-time code, keeps the credential private, and remembers it after a restart', async () => {
    core = await start(cloud.url);
    expect(core.state()).toEqual({ enrolled: false, till: null, user: null, locale: 'fr' });
    expect(await core.call('sync.status', {})).toMatchObject({ ok: true, output: { state: 'not-enrolled' } });
    expect(await core.call('auth.signIn', { email: 'employe@demo.local', password: 'Demo123!' })).toMatchObject({ ok: false, error: { code: 'NOT_ENROLLED' } });
    expect(await core.call('device.enrol', { tenant: 'demo', code: 'WRONG-CODE-0000' })).toMatchObject({ ok: false, error: { code: 'ENROLMENT_CODE_INVALID' } });

    const enrolled = await core.call('device.enrol', { tenant: 'demo', code: 'ABCD-EFGH-1234' });
    expect(enrolled).toMatchObject({ ok: true, output: { enrolled: true, till: { deviceId: 'dev-2', deviceCode: 'C02', boutique: { name: 'Boutique Kaloum' } } } });
    expect(await core.call('device.enrol', { tenant: 'demo', code: 'ABCD-EFGH-1234' })).toMatchObject({ ok: false, error: { code: 'ALREADY_ENROLLED' } });
    expect(statSync(join(directory, 'enrolment.json')).mode & 0o777).toBe(0o600);
    expect(JSON.stringify(enrolled)).not.toContain('other-secret');

    await core.close();
    core = await start(cloud.url);
    expect(core.state()).toMatchObject({ enrolled: true, till: { deviceId: 'dev-2' } });
    for (const line of logs) expect(line).not.toContain('other-secret');
  });
});
