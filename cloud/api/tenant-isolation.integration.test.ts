/**
 * Two companies on one API whose tenant requests share a single database connection: whatever
 * one company's request leaves behind (a failed write, a rollback, an error), the next request,
 * of either company, sees its own rows and no other. On PostgreSQL the API runs as the
 * least-privilege runtime login, as in production.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeSimulator, type StripeSimulator } from '../payments/simulators/stripe-simulator.js';
import { apiRoutes } from './app.js';
import { isTenantRoute } from './http/route.js';
import { DEMO_USERS, startTestApi, type TestApi } from './test-support.js';

const UNKNOWN_ID = '01a20000-0000-7000-8000-000000000000';

type Company = { tenantId: string; code: string; pdg: string; till: string; boutiqueId: string; markers: string[] };

let api: TestApi;
let stripe: StripeSimulator;
const a = {} as Company;
const b = {} as Company;
let aPaymentId: string;

/** The tenant routes that list or read a company's data with nothing but the tenant in the path. */
const readRoutes = apiRoutes.filter(
  (route) => isTenantRoute(route) && route.method === 'get' && !/:(?!tenantId)\w+/.test(route.path) && (!route.query || route.query.safeParse({}).success),
);

async function enrolTill(company: Company): Promise<string> {
  const code = await api.call('post', `/api/tenants/${company.tenantId}/devices/enrolment-codes`, { token: company.pdg, body: { boutiqueId: company.boutiqueId, deviceName: 'Caisse 1' } });
  expect(code.status).toBe(201);
  const enrolled = await api.call('post', '/api/devices/enrol', { body: { tenant: company.code, code: code.body.code } });
  expect(enrolled.status).toBe(201);
  return `Device ${enrolled.body.credential}`;
}

/** Writes by company B that fail part way, each leaving its connection after a rollback. */
async function failedWritesOfB(): Promise<void> {
  const unknownUser = await api.call('patch', `/api/tenants/${b.tenantId}/users/${UNKNOWN_ID}`, { token: b.pdg, body: { name: 'Personne' } });
  expect(unknownUser.status).toBe(404);
  const unknownProduct = await api.call('post', `/api/tenants/${b.tenantId}/ecommerce/orders`, {
    headers: { 'idempotency-key': randomUUID() },
    body: { customer: { name: 'Client B', phone: '622 00 00 09' }, lines: [{ productId: UNKNOWN_ID, quantity: 1 }], provider: 'stripe', returnUrl: 'https://shop.example/merci' },
  });
  expect(unknownProduct.status).toBe(422);
  const takenCode = await api.call('post', `/api/tenants/${b.tenantId}/boutiques`, { token: b.pdg, body: { code: 'BKY', name: 'Encore Bambeto' } });
  expect(takenCode.status).toBe(409);
}

/** Every tenant read route as `reader`: its own data only, not one marker of `other`. */
async function expectOnlyOwnRows(reader: Company, other: Company): Promise<string[]> {
  const table: string[] = [];
  for (const route of readRoutes) {
    const res = await api.call('get', route.path.replace(':tenantId', reader.tenantId), { token: reader.pdg });
    table.push(`${route.path} ${reader.code}: ${res.status}`);
    expect(res.status, `${reader.code} ${route.path}`).toBe(200);
    const text = JSON.stringify(res.body);
    for (const marker of other.markers) expect(text, `${reader.code} ${route.path} shows ${other.code}'s ${marker}`).not.toContain(marker);
  }
  return table;
}

beforeAll(async () => {
  stripe = await startStripeSimulator();
  // One connection for every tenant request: whatever a request leaves on it, the next one gets.
  api = await startTestApi({ STRIPE_API_BASE_URL: stripe.baseUrl, PAYMENT_JOBS: 'false', DATABASE_POOL_SIZE: '1' });
  const admin = (await api.login(DEMO_USERS.admin.email, DEMO_USERS.admin.password)).accessToken;

  Object.assign(a, { tenantId: api.demoTenantId, code: 'demo', pdg: (await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password)).accessToken });
  a.boutiqueId = (await api.call('get', `/api/tenants/${a.tenantId}/boutiques`, { token: a.pdg })).body.boutiques[0].id;
  a.till = await enrolTill(a);
  const product = (await api.call('get', '/api/storefront/demo?limit=1')).body.products[0];
  const order = await api.call('post', `/api/tenants/${a.tenantId}/ecommerce/orders`, {
    headers: { 'idempotency-key': randomUUID() },
    body: { customer: { name: 'Aïssatou Barry', phone: '622 00 00 01' }, lines: [{ productId: product.id, quantity: 1 }], provider: 'stripe', returnUrl: 'https://shop.example/merci' },
  });
  expect(order.status).toBe(201);
  aPaymentId = order.body.payment.paymentId;
  const aUsers = (await api.call('get', `/api/tenants/${a.tenantId}/users`, { token: a.pdg })).body.users as Array<{ id: string }>;
  a.markers = [a.tenantId, a.boutiqueId, order.body.order.id, aPaymentId, 'Aïssatou Barry', ...aUsers.map((u) => u.id)];

  const created = await api.call('post', '/api/admin/tenants', {
    token: admin,
    body: { code: 'autre', name: 'Autre SARL', owner: { email: 'pdg@autre.gn', name: 'Awa Bah', password: 'AutrePass2026' } },
  });
  expect(created.status).toBe(201);
  Object.assign(b, { tenantId: created.body.tenantId, code: 'autre', pdg: (await api.login('pdg@autre.gn', 'AutrePass2026', 'autre')).accessToken });
  const boutique = await api.call('post', `/api/tenants/${b.tenantId}/boutiques`, { token: b.pdg, body: { code: 'BKY', name: 'Bambeto' } });
  expect(boutique.status).toBe(201);
  b.boutiqueId = boutique.body.id;
  b.till = await enrolTill(b);
  const bUsers = (await api.call('get', `/api/tenants/${b.tenantId}/users`, { token: b.pdg })).body.users as Array<{ id: string }>;
  b.markers = [b.tenantId, b.boutiqueId, 'Awa Bah', ...bUsers.map((u) => u.id)];
});

afterAll(async () => {
  await api?.close();
  await stripe?.close();
});

describe(`tenant context on one shared connection (${process.env.TEST_DATABASE_URL ? 'PostgreSQL, runtime login' : 'PGlite'})`, () => {
  it('runs the route × tenant isolation table again after each kind of failed write', async () => {
    expect(readRoutes.length).toBeGreaterThan(5);
    for (let round = 0; round < 3; round++) {
      await failedWritesOfB();
      await expectOnlyOwnRows(b, a);
      await failedWritesOfB();
      await expectOnlyOwnRows(a, b);
    }
  });

  it('keeps a company’s own rows and writes working right after its failed write', async () => {
    await failedWritesOfB();
    const users = await api.call('get', `/api/tenants/${b.tenantId}/users`, { token: b.pdg });
    expect(users.body.users.map((u: { email: string }) => u.email)).toEqual(['pdg@autre.gn']);
    await failedWritesOfB();
    const boutique = await api.call('post', `/api/tenants/${b.tenantId}/boutiques`, { token: b.pdg, body: { code: `B${Date.now() % 1000}`, name: 'Kaloum' } });
    expect(boutique.status).toBe(201);
    await failedWritesOfB();
    const me = await api.call('get', '/api/devices/me', { token: b.till });
    expect(me.status).toBe(200);
    await failedWritesOfB();
    expect((await api.call('get', '/api/devices/me', { token: a.till })).status).toBe(200);
  });

  it('never lets a company refund another company’s payment, even right after its own failed write', async () => {
    for (let i = 0; i < 3; i++) {
      await failedWritesOfB();
      const refund = await api.call('post', `/api/tenants/${b.tenantId}/payments/${aPaymentId}/refund`, {
        token: b.pdg, headers: { 'idempotency-key': randomUUID() }, body: { reason: 'essai' },
      });
      expect(refund.status, JSON.stringify(refund.body)).toBe(404);
    }
    const payments = await api.call('get', `/api/tenants/${a.tenantId}/payments`, { token: a.pdg });
    expect(payments.body.payments.find((p: { paymentId: string }) => p.paymentId === aPaymentId).status).not.toBe('refunded');
  });
});
