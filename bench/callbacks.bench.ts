/**
 * `npm run bench:callbacks`: MTN MoMo callbacks (PUT, as MTN sends them) loaded against the API's
 * callback route, next to a bare Express route that parses the same JSON body, in the same run.
 * The callbacks rotate over pending payments: the first for each payment is stored and answered by
 * a status query to the simulator, the rest are the duplicates MTN sends — verified, found already
 * stored, acknowledged. PostgreSQL at BENCH_DATABASE_URL (default: the local server) in a fresh
 * database, or BENCH_DATABASE_URL=embedded.
 */
import { execSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createDeploymentDatabase } from '../cloud/db/test-databases.js';
import { startPaymentSimulators } from '../cloud/payments/simulators/index.js';
import { freePort, load, printComparison, startProcess, stopProcess } from './support/load.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const PAYMENTS = Number(process.env.BENCH_PAYMENTS ?? 200);
const target = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function prepareDatabase(): Promise<{ env: Record<string, string>; label: string; drop: () => Promise<void> }> {
  if (target === 'embedded') return { env: { DATA_DIR: ':memory:' }, label: 'embedded PGlite', drop: async () => undefined };
  // As production runs: the owner migrates, the API logs in as the least-privilege runtime role.
  const scratch = await createDeploymentDatabase(target, 'afrigest_bench');
  return { env: { MASTER_DATABASE_URL: scratch.url, TENANT_DATABASE_URL: scratch.url, MASTER_OWNER_DATABASE_URL: scratch.ownerUrl, TENANT_OWNER_DATABASE_URL: scratch.ownerUrl }, label: `PostgreSQL (${new URL(scratch.url).host})`, drop: scratch.drop };
}

const database = await prepareDatabase();
console.log(`bench:callbacks — ${SECONDS}s per run, ${CONNECTIONS} connections, ${PAYMENTS} pending MTN payments, database: ${database.label}`);
console.log('· building (tsc -b)…');
execSync('npx tsc -b', { stdio: 'inherit' });

const body = (paymentId: string) => JSON.stringify({ financialTransactionId: `ft-${paymentId.slice(0, 8)}`, externalId: paymentId, amount: '1000', currency: 'GNF', payer: { partyIdType: 'MSISDN', partyId: '224622000000' }, status: 'SUCCESSFUL' });

const helloPort = await freePort();
console.log('· baseline: a bare Express route parsing the JSON body…');
const hello = await startProcess(['dist/.tests/bench/support/hello-server.js', String(helloPort)], {}, `http://127.0.0.1:${helloPort}/hello`);
const baseline = await load({ url: `http://127.0.0.1:${helloPort}/callback`, method: 'POST', headers: { 'content-type': 'application/json' }, body: body(randomUUID()), seconds: SECONDS, connections: CONNECTIONS });
await stopProcess(hello);

const sims = await startPaymentSimulators({ port: 0 });
// The simulator's own callbacks would compete with the load: the bench sends them itself.
sims.mtnMomo.setSwitches({ callbacks: { mode: 'never' } });
const apiPort = await freePort();
console.log('· starting the AfriGest API (migrations, demo seed, MTN simulator)…');
const api = await startProcess(
  ['dist/cloud/api/main.js'],
  {
    ...database.env, NODE_ENV: 'production', PORT: String(apiPort), LOG_LEVEL: 'warn', SEED_DEMO_ON_EMPTY: 'true',
    JWT_ACCESS_SECRET: randomBytes(32).toString('hex'), JWT_REFRESH_SECRET: randomBytes(32).toString('hex'),
    MTN_MOMO_BASE_URL: sims.urls.mtnMomo, STRIPE_API_BASE_URL: sims.urls.stripe, PAYPAL_API_BASE_URL: sims.urls.paypal, ORANGE_MOMO_BASE_URL: sims.urls.orangeMoney,
  },
  `http://127.0.0.1:${apiPort}/readyz`,
);
try {
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const shop = await (await fetch(`${apiUrl}/api/storefront/demo?limit=1`)).json();
  console.log(`· creating ${PAYMENTS} pending MTN payments (storefront orders)…`);
  const paymentIds: string[] = [];
  for (let i = 0; i < PAYMENTS; i++) {
    const response = await fetch(`${apiUrl}/api/tenants/${shop.tenantId}/ecommerce/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({ customer: { name: 'Client Banc', phone: `62200${String(i).padStart(4, '0')}` }, lines: [{ productId: shop.products[0].id, quantity: 1 }], provider: 'mtn-momo' }),
    });
    const created = await response.json();
    if (response.status !== 201) throw new Error(`order ${i} answered ${response.status}: ${JSON.stringify(created)}`);
    paymentIds.push(created.payment.paymentId);
  }
  // The payers approve on their phones; MTN's own callbacks are off, the load sends them.
  for (const id of paymentIds) sims.mtnMomo.approve(id);
  const path = `/api/tenants/${shop.tenantId}/ecommerce/payments/mtn/callback`;
  console.log('· loading PUT …/ecommerce/payments/mtn/callback…');
  const result = await load({
    url: `${apiUrl}${path}`,
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    rotate: paymentIds.map((id) => ({ path: `${path}?paymentId=${id}`, body: body(id) })),
    seconds: SECONDS,
    connections: CONNECTIONS,
  });
  printComparison('Results (same machine, same run):', [
    { name: 'baseline: bare Express POST route', result: baseline },
    { name: 'MTN callback route (verify+store)', result },
  ], baseline);
  const ratio = result.requestsPerSecond / baseline.requestsPerSecond;
  console.log(`\nratio ${ratio.toFixed(2)} of the baseline's throughput; p99 ${result.p99.toFixed(1)} ms vs ${baseline.p99.toFixed(1)} ms`);
  // The work was real: every payment's first callback led to a status query and a settled payment.
  const session = await (await fetch(`${apiUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'demo', email: 'pdg@demo.local', password: 'Demo123!' }) })).json();
  await new Promise((r) => setTimeout(r, 2000));
  const settled = await (await fetch(`${apiUrl}/api/tenants/${shop.tenantId}/payments?status=succeeded&limit=200`, { headers: { authorization: `Bearer ${session.accessToken}` } })).json();
  console.log(`${settled.payments.length} of ${PAYMENTS} payments settled as succeeded by their callbacks' status queries`);
} finally {
  await stopProcess(api);
  await sims.close();
  await database.drop();
}
