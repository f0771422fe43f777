/**
 * Online orders through the real API and the Stripe simulator: stock held and never oversold,
 * a paid order taking its stock exactly once, the steps of preparation, and cancellation with a
 * refund and the stock given back exactly once.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SIMULATOR_CREDENTIALS } from '../../payments/simulators/credentials.js';
import { signStripePayload, startStripeSimulator, type StripeSimulator } from '../../payments/simulators/stripe-simulator.js';
import { DEMO_USERS, startTestApi, until, type TestApi } from '../test-support.js';
import { createOrder } from './service.js';

type ShopProduct = { id: string; name: string; priceMinor: number; available: number };

let api: TestApi;
let stripe: StripeSimulator;
let tenantId: string;
let pdg: string;
let dg: string;
let employee: string;
let otherPdg: string;
let otherTenantId: string;
let kaloum: string;
let ratoma: string;
let products: ShopProduct[];
let nextProduct = 0;

/** A product no other test has ordered yet: each test counts its own stock. */
const freshProduct = () => products[nextProduct++]!;

const shop = async () => (await api.call('get', '/api/storefront/demo?limit=200')).body.products as ShopProduct[];
const available = async (productId: string) => (await shop()).find((p) => p.id === productId)!.available;

function order(lines: Array<{ productId: string; quantity: number }>, key = randomUUID()) {
  return api.call('post', `/api/tenants/${tenantId}/ecommerce/orders`, {
    headers: { 'idempotency-key': key },
    body: { customer: { name: 'Mariama Sylla', phone: '622 11 22 33' }, lines, provider: 'stripe', returnUrl: 'https://shop.example/commande/{orderId}' },
  });
}

const track = async (orderId: string) => (await api.call('get', `/api/tenants/${tenantId}/ecommerce/orders/${orderId}`)).body.order as { paymentStatus: string; fulfilmentStatus: string };

async function payOnStripePage(payment: { redirectUrl: string; clientSecret: string }) {
  const intentId = new URL(payment.redirectUrl).pathname.split('/').pop()!;
  const form = new URLSearchParams({ client_secret: payment.clientSecret, return_url: 'https://shop.example/merci', outcome: 'succeed' });
  const submitted = await fetch(`${stripe.baseUrl}/checkout/${intentId}`, { method: 'POST', body: form, redirect: 'manual' });
  expect(submitted.status).toBe(303);
  return intentId;
}

async function paidOrder(productId: string, quantity: number) {
  const created = await order([{ productId, quantity }]);
  expect(created.status).toBe(201);
  const intentId = await payOnStripePage(created.body.payment);
  await stripe.idle();
  expect((await until(() => track(created.body.order.orderId), (o) => o.paymentStatus === 'paid')).paymentStatus).toBe('paid');
  return { orderId: created.body.order.orderId as string, paymentId: created.body.payment.paymentId as string, intentId };
}

async function stockLevel(boutiqueId: string, productId: string): Promise<number> {
  const { rows } = await api.services.databases.withTenant(tenantId, (tx) =>
    tx.query<{ q: string }>(`SELECT quantity_milli AS q FROM stock_levels WHERE tenant_id = $1 AND boutique_id = $2 AND product_id = $3`, [tenantId, boutiqueId, productId]),
  );
  return Number(rows[0]?.q ?? 0);
}

async function movementsOf(orderId: string) {
  const { rows } = await api.services.databases.withTenant(tenantId, (tx) =>
    tx.query<{ id: string; boutique_id: string; kind: string; quantity: number }>(
      `SELECT id, boutique_id, doc->>'kind' AS kind, (doc->>'quantityMilli')::int AS quantity FROM stock_movements WHERE tenant_id = $1 AND doc->>'refId' = $2 ORDER BY id`,
      [tenantId, orderId],
    ),
  );
  return rows;
}

const step = (orderId: string, status: string, token = pdg) => api.call('post', `/api/tenants/${tenantId}/ecommerce/orders/${orderId}/fulfilment`, { token, body: { status } });
const cancel = (orderId: string, token = pdg) => api.call('post', `/api/tenants/${tenantId}/ecommerce/orders/${orderId}/cancel`, { token, body: { reason: 'Client injoignable' } });

beforeAll(async () => {
  stripe = await startStripeSimulator();
  api = await startTestApi({ STRIPE_API_BASE_URL: stripe.baseUrl, PAYMENT_JOBS: 'false' });
  tenantId = api.demoTenantId;
  stripe.setWebhookUrl(`${api.url}/api/tenants/${tenantId}/ecommerce/webhooks/stripe`);
  pdg = (await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password)).accessToken;
  dg = (await api.login(DEMO_USERS.dg.email, DEMO_USERS.dg.password)).accessToken;
  employee = (await api.login(DEMO_USERS.employee.email, DEMO_USERS.employee.password)).accessToken;
  const admin = (await api.login(DEMO_USERS.admin.email, DEMO_USERS.admin.password)).accessToken;
  const other = await api.call('post', '/api/admin/tenants', {
    token: admin,
    body: { code: 'autre', name: 'Autre SARL', owner: { email: 'pdg@autre.gn', name: 'Awa Bah', password: 'AutrePass2026' } },
  });
  expect(other.status).toBe(201);
  otherTenantId = other.body.tenantId;
  otherPdg = (await api.login('pdg@autre.gn', 'AutrePass2026', 'autre')).accessToken;
  const boutiques = (await api.call('get', `/api/tenants/${tenantId}/boutiques`, { token: pdg })).body.boutiques as Array<{ id: string; code: string }>;
  kaloum = boutiques.find((b) => b.code === 'KAL')!.id;
  ratoma = boutiques.find((b) => b.code === 'RAT')!.id;
  products = await shop();
});

afterAll(async () => {
  await api?.close();
  await stripe?.close();
});

beforeEach(() => stripe.reset());

describe('online orders', () => {
  it('serves from the first boutique until the company chooses another, which only a pdg may do', async () => {
    const settings = await api.call('get', `/api/tenants/${tenantId}/ecommerce/settings`, { token: dg });
    expect(settings.status).toBe(200);
    expect(settings.body).toMatchObject({ fulfilmentBoutiqueId: kaloum, chosen: false });
    const product = products[0]!;
    expect(product.available).toBe((await stockLevel(kaloum, product.id)) / 1000);

    expect((await api.call('put', `/api/tenants/${tenantId}/ecommerce/settings`, { token: dg, body: { fulfilmentBoutiqueId: ratoma } })).status).toBe(403);
    const unknown = await api.call('put', `/api/tenants/${tenantId}/ecommerce/settings`, { token: pdg, body: { fulfilmentBoutiqueId: 'nope' } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe('BOUTIQUE_NOT_FOUND');
    const chosen = await api.call('put', `/api/tenants/${tenantId}/ecommerce/settings`, { token: pdg, body: { fulfilmentBoutiqueId: ratoma } });
    expect(chosen.body).toMatchObject({ fulfilmentBoutiqueId: ratoma, chosen: true, holdMinutes: 30 });
    expect(await available(product.id)).toBe((await stockLevel(ratoma, product.id)) / 1000);
    const { rows } = await api.services.databases.withTenant(tenantId, (tx) =>
      tx.query<{ actor_role: string }>(`SELECT actor_role FROM audit_log WHERE tenant_id = $1 AND action = 'ecommerce.settings'`, [tenantId]),
    );
    expect(rows.map((r) => r.actor_role)).toEqual(['pdg']);
    await api.call('put', `/api/tenants/${tenantId}/ecommerce/settings`, { token: pdg, body: { fulfilmentBoutiqueId: kaloum } });
  });

  it('refuses to oversell with a 409 in French, and an unpaid order holds what it took', async () => {
    const product = freshProduct();
    const before = await available(product.id);
    const tooMany = await order([{ productId: product.id, quantity: before + 1 }]);
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.error.code).toBe('ORDER_STOCK_INSUFFICIENT');
    expect(tooMany.body.error.message).toBe(`Stock insuffisant pour « ${product.name} » : il en reste ${before}. Réduisez la quantité.`);
    // Two lines of the same product count together.
    const split = await order([{ productId: product.id, quantity: before }, { productId: product.id, quantity: 1 }]);
    expect(split.status).toBe(409);

    const held = await order([{ productId: product.id, quantity: 2 }]);
    expect(held.status).toBe(201);
    expect(held.body.order.fulfilmentStatus).toBe('new');
    expect(await available(product.id)).toBe(before - 2);
    expect((await order([{ productId: product.id, quantity: before - 1 }])).status).toBe(409);
    // A hold that has run out gives the quantity back to the shop.
    await api.services.databases.withTenant(tenantId, (tx) => tx.query(`UPDATE orders SET hold_until = now() - interval '1 minute' WHERE id = $1`, [held.body.order.orderId]));
    expect(await available(product.id)).toBe(before);
  });

  it('lets only one of the customers racing for the last item have it', async () => {
    const product = freshProduct();
    const before = await available(product.id);
    expect((await order([{ productId: product.id, quantity: before - 1 }])).status).toBe(201);
    expect(await available(product.id)).toBe(1);
    const racers = await Promise.all(Array.from({ length: 6 }, () => order([{ productId: product.id, quantity: 1 }])));
    expect(racers.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    expect(await available(product.id)).toBe(0);

    // The narrowest race: the first order's transaction is still open, its hold not yet visible,
    // when the second checks the stock. The row lock makes the second wait, then see the hold.
    const last = freshProduct();
    const free = await available(last.id);
    expect((await order([{ productId: last.id, quantity: free - 1 }])).status).toBe(201);
    const tenant = { id: tenantId, currency: 'GNF' };
    const request = { customer: { name: 'Client lent', phone: '622000000' }, lines: [{ productId: last.id, quantity: 1 }], provider: 'stripe' as const };
    let firstHasChecked!: () => void;
    const checked = new Promise<void>((resolve) => (firstHasChecked = resolve));
    const slow = api.services.databases.withTenant(tenantId, async (tx) => {
      const created = await createOrder(tx, tenant, randomUUID(), request);
      firstHasChecked();
      await new Promise((resolve) => setTimeout(resolve, 400));
      return created;
    });
    await checked;
    const second = api.services.databases.withTenant(tenantId, (tx) => createOrder(tx, tenant, randomUUID(), request));
    const outcomes = await Promise.allSettled([slow, second]);
    expect(outcomes[0].status).toBe('fulfilled');
    expect(outcomes[1]).toMatchObject({ status: 'rejected', reason: { code: 'ORDER_STOCK_INSUFFICIENT', status: 409 } });
  });

  it('takes a paid order’s stock once, however often the payment is reported, and the boutique’s tills get the movements', async () => {
    const product = freshProduct();
    const stockBefore = await stockLevel(kaloum, product.id);
    const { orderId, paymentId, intentId } = await paidOrder(product.id, 3);
    expect(await stockLevel(kaloum, product.id)).toBe(stockBefore - 3000);
    expect(await movementsOf(orderId)).toEqual([{ id: `${orderId}-sale-0`, boutique_id: kaloum, kind: 'sale', quantity: -3000 }]);
    expect(await available(product.id)).toBe((stockBefore - 3000) / 1000);

    // The stored event replayed, a second signed callback of the same success, and reconciliation.
    const { rows } = await api.services.databases.withTenant(tenantId, (tx) => tx.query<{ id: string }>(`SELECT id FROM payment_events WHERE payment_id::text = $1`, [paymentId]));
    for (const { id } of rows) await api.services.payments.replay(tenantId, id);
    const event = {
      id: `evt_${randomUUID()}`, object: 'event', type: 'payment_intent.succeeded', created: Math.floor(Date.now() / 1000),
      data: { object: { id: intentId, object: 'payment_intent', amount: product.priceMinor * 3, amount_received: product.priceMinor * 3, currency: 'gnf', status: 'succeeded', metadata: { paymentId } } },
    };
    const body = JSON.stringify(event);
    for (let i = 0; i < 2; i++) {
      const sent = await api.call('post', `/api/tenants/${tenantId}/ecommerce/webhooks/stripe`, {
        headers: { 'content-type': 'application/json', 'stripe-signature': signStripePayload(body, SIMULATOR_CREDENTIALS.stripe.webhookSecret) },
        body,
      });
      expect(sent.status).toBe(200);
    }
    await api.services.payments.processDue(tenantId);
    await api.services.payments.settle(tenantId, paymentId, { action: 'succeeded', amountCheck: 'match' }, null);
    expect(await stockLevel(kaloum, product.id)).toBe(stockBefore - 3000);
    expect(await movementsOf(orderId)).toHaveLength(1);

    // The movements reach the fulfilment boutique's tills through the sync pull.
    const code = await api.call('post', `/api/tenants/${tenantId}/devices/enrolment-codes`, { token: pdg, body: { boutiqueId: kaloum, deviceName: 'Caisse commandes' } });
    const till = await api.call('post', '/api/devices/enrol', { body: { tenant: 'demo', code: code.body.code } });
    const pulled: Array<{ id: string }> = [];
    for (let seq = 0; ;) {
      const page = await api.call('get', `/api/sync/stock_movements/pull?seq=${seq}&limit=100`, { token: `Device ${till.body.credential}` });
      expect(page.status).toBe(200);
      if (page.body.documents.length === 0) break;
      pulled.push(...page.body.documents);
      seq = page.body.checkpoint.seq;
    }
    expect(pulled.filter((d) => d.id === `${orderId}-sale-0`)).toHaveLength(1);
  });

  it('moves a paid order through preparation, refusing the steps that are not next', async () => {
    const product = freshProduct();
    const unpaid = await order([{ productId: product.id, quantity: 1 }]);
    const notPaid = await step(unpaid.body.order.orderId, 'preparing');
    expect(notPaid.status).toBe(409);
    expect(notPaid.body.error).toMatchObject({ code: 'ORDER_NOT_PAID', message: 'Cette commande n’est pas payée : elle ne peut pas être préparée.' });

    const { orderId } = await paidOrder(product.id, 1);
    const skipped = await step(orderId, 'ready');
    expect(skipped.status).toBe(409);
    expect(skipped.body.error).toMatchObject({ code: 'ORDER_TRANSITION_NOT_ALLOWED', details: { from: 'new', to: 'ready' } });
    expect((await step(orderId, 'preparing', employee)).status).toBe(403);
    expect((await step(orderId, 'preparing')).body.order.fulfilmentStatus).toBe('preparing');
    expect((await track(orderId)).fulfilmentStatus).toBe('preparing');
    expect((await step(orderId, 'ready', dg)).body.order.fulfilmentStatus).toBe('ready');
    expect((await step(orderId, 'picked_up')).body.order.fulfilmentStatus).toBe('picked_up');
    const after = await step(orderId, 'delivered');
    expect(after.status).toBe(409);
    expect(after.body.error.code).toBe('ORDER_TRANSITION_NOT_ALLOWED');
    const lateCancel = await cancel(orderId);
    expect(lateCancel.status).toBe(409);
    expect(lateCancel.body.error.code).toBe('ORDER_TRANSITION_NOT_ALLOWED');

    const { rows } = await api.services.databases.withTenant(tenantId, (tx) =>
      tx.query<{ actor_role: string; to: string }>(
        `SELECT actor_role, details->>'to' AS to FROM audit_log WHERE tenant_id = $1 AND target = $2 AND action = 'ecommerce.orders.fulfilment' ORDER BY id`,
        [tenantId, orderId],
      ),
    );
    expect(rows).toEqual([{ actor_role: 'pdg', to: 'preparing' }, { actor_role: 'dg', to: 'ready' }, { actor_role: 'pdg', to: 'picked_up' }]);
    const listed = await api.call('get', `/api/tenants/${tenantId}/ecommerce/orders?status=picked_up`, { token: employee });
    expect(listed.body.orders.map((o: { orderId: string }) => o.orderId)).toEqual([orderId]);
  });

  it('refunds a cancelled paid order once and gives its stock back once, even when two cancels race', async () => {
    const product = freshProduct();
    const stockBefore = await stockLevel(kaloum, product.id);
    const { orderId, paymentId } = await paidOrder(product.id, 2);
    expect((await step(orderId, 'preparing')).status).toBe(200);
    expect((await cancel(orderId, employee)).status).toBe(403);

    const [first, second] = await Promise.all([cancel(orderId), cancel(orderId, dg)]);
    expect([first.status, second.status]).toContain(200);
    for (const answer of [first, second]) if (answer.status !== 200) expect(answer.body.error.code).toBe('ORDER_TRANSITION_NOT_ALLOWED');
    await stripe.idle();
    await api.services.payments.processDue(tenantId);
    expect(await track(orderId)).toMatchObject({ fulfilmentStatus: 'cancelled', paymentStatus: 'refunded' });
    expect(await stockLevel(kaloum, product.id)).toBe(stockBefore);
    expect((await movementsOf(orderId)).map((m) => [m.kind, m.quantity])).toEqual([['return', 2000], ['sale', -2000]]);
    const { rows } = await api.services.databases.withTenant(tenantId, (tx) =>
      tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM payment_events WHERE payment_id::text = $1 AND event->>'action' = 'refunded' AND state = 'applied'`, [paymentId]),
    );
    expect(rows[0]!.n).toBe(1);
    const again = await cancel(orderId);
    expect(again.status).toBe(409);
    expect(await stockLevel(kaloum, product.id)).toBe(stockBefore);

    // An unpaid order is cancelled without a refund, and its hold ends at once.
    const held = await order([{ productId: product.id, quantity: 1 }]);
    const freeBefore = await available(product.id);
    expect((await cancel(held.body.order.orderId, dg)).body).toMatchObject({ refunded: false, order: { fulfilmentStatus: 'cancelled' } });
    expect(await available(product.id)).toBe(freeBefore + 1);
  });

  it('keeps each company’s orders and each dg’s boutiques to themselves', async () => {
    const product = freshProduct();
    const created = await order([{ productId: product.id, quantity: 1 }]);
    const orderId = created.body.order.orderId as string;
    const foreign = await api.call('get', `/api/tenants/${tenantId}/ecommerce/orders/${orderId}/details`, { token: otherPdg });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('TENANT_MISMATCH');
    for (const call of [
      api.call('get', `/api/tenants/${otherTenantId}/ecommerce/orders/${orderId}/details`, { token: otherPdg }),
      api.call('post', `/api/tenants/${otherTenantId}/ecommerce/orders/${orderId}/cancel`, { token: otherPdg, body: { reason: 'Pas à nous' } }),
      api.call('get', `/api/tenants/${otherTenantId}/ecommerce/orders/${orderId}`),
    ]) {
      const answer = await call;
      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('ORDER_NOT_FOUND');
    }
    expect((await api.call('get', `/api/tenants/${otherTenantId}/ecommerce/orders`, { token: otherPdg })).body.orders).toEqual([]);

    // Served by Ratoma, which the demo dg does not run: out of their reach and their list.
    await api.call('put', `/api/tenants/${tenantId}/ecommerce/settings`, { token: pdg, body: { fulfilmentBoutiqueId: ratoma } });
    const atRatoma = await order([{ productId: product.id, quantity: 1 }]);
    await api.call('put', `/api/tenants/${tenantId}/ecommerce/settings`, { token: pdg, body: { fulfilmentBoutiqueId: kaloum } });
    const ratomaId = atRatoma.body.order.orderId as string;
    const refused = await api.call('get', `/api/tenants/${tenantId}/ecommerce/orders/${ratomaId}/details`, { token: dg });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('ORDER_OUT_OF_SCOPE');
    expect((await cancel(ratomaId, dg)).status).toBe(403);
    const dgList = (await api.call('get', `/api/tenants/${tenantId}/ecommerce/orders?limit=200`, { token: dg })).body.orders.map((o: { orderId: string }) => o.orderId);
    expect(dgList).toContain(orderId);
    expect(dgList).not.toContain(ratomaId);
    const detail = await api.call('get', `/api/tenants/${tenantId}/ecommerce/orders/${ratomaId}/details`, { token: pdg });
    expect(detail.body.order).toMatchObject({ boutiqueId: ratoma, boutiqueName: 'AfriGest Ratoma', payment: { provider: 'stripe', status: 'pending' } });
    const search = await api.call('get', `/api/tenants/${tenantId}/ecommerce/orders?q=${encodeURIComponent(detail.body.order.number)}`, { token: pdg });
    expect(search.body.orders.map((o: { orderId: string }) => o.orderId)).toEqual([ratomaId]);
    const byPhone = await api.call('get', `/api/tenants/${tenantId}/ecommerce/orders?q=622112233&limit=200`, { token: pdg });
    expect(byPhone.body.orders.length).toBeGreaterThan(1);
  });
});
