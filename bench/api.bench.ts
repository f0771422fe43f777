/**
 * `npm run bench:api`: an authenticated tenant GET (token check, tenant check, a transaction under
 * row-level security, a query) against a bare Express hello-world, both loaded the same way in
 * the same run. Uses PostgreSQL at BENCH_DATABASE_URL (default: the local server) in a fresh
 * database, or the embedded database with BENCH_DATABASE_URL=embedded.
 */
import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createDeploymentDatabase } from '../cloud/db/test-databases.js';
import { freePort, load, printComparison, startProcess, stopProcess } from './support/load.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const target = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function prepareDatabase(): Promise<{ env: Record<string, string>; label: string; drop: () => Promise<void> }> {
  if (target === 'embedded') return { env: { DATA_DIR: ':memory:' }, label: 'embedded PGlite', drop: async () => undefined };
  // As production runs: the owner migrates, the API logs in as the least-privilege runtime role.
  const scratch = await createDeploymentDatabase(target, 'afrigest_bench');
  return {
    env: { MASTER_DATABASE_URL: scratch.url, TENANT_DATABASE_URL: scratch.url, MASTER_OWNER_DATABASE_URL: scratch.ownerUrl, TENANT_OWNER_DATABASE_URL: scratch.ownerUrl },
    label: `PostgreSQL (${new URL(scratch.url).host})`,
    drop: scratch.drop,
  };
}

const database = await prepareDatabase();
console.log(`bench:api — ${SECONDS}s per run, ${CONNECTIONS} connections, database: ${database.label}`);

// Both servers run as built JavaScript under plain node, the way systemd runs the API.
console.log('· building (tsc -b)…');
execSync('npx tsc -b', { stdio: 'inherit' });

// Both servers stay up and are loaded in turn, round after round: the machine is shared, so the
// ratio reported is the median of the rounds' ratios, each round's two loads back to back.
const helloPort = await freePort();
console.log('· starting the baseline (bare Express hello-world)…');
const hello = await startProcess(['dist/.tests/bench/support/hello-server.js', String(helloPort)], {}, `http://127.0.0.1:${helloPort}/hello`);
const apiPort = await freePort();
console.log('· starting the AfriGest API (migrations, demo seed)…');
const api = await startProcess(
  ['dist/cloud/api/main.js'],
  { ...database.env, NODE_ENV: 'production', PORT: String(apiPort), LOG_LEVEL: 'info', SEED_DEMO_ON_EMPTY: 'true', JWT_ACCESS_SECRET: randomBytes(32).toString('hex'), JWT_REFRESH_SECRET: randomBytes(32).toString('hex') },
  `http://127.0.0.1:${apiPort}/readyz`,
);
try {
  const session = await (
    await fetch(`http://127.0.0.1:${apiPort}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: 'demo', email: 'pdg@demo.local', password: 'Demo123!' }),
    })
  ).json();
  const url = `http://127.0.0.1:${apiPort}/api/tenants/${session.user.tenantId}/boutiques`;
  const check = await fetch(url, { headers: { authorization: `Bearer ${session.accessToken}` } });
  if (check.status !== 200) throw new Error(`the tenant GET answered ${check.status}`);
  const ratios: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    console.log(`· round ${round}/${ROUNDS}: the baseline, then GET /api/tenants/:tenantId/boutiques as pdg…`);
    const baseline = await load({ url: `http://127.0.0.1:${helloPort}/hello`, seconds: SECONDS, connections: CONNECTIONS });
    const result = await load({ url, headers: { authorization: `Bearer ${session.accessToken}` }, seconds: SECONDS, connections: CONNECTIONS });
    printComparison(`Round ${round} (same machine, back to back):`, [
      { name: 'baseline: Express hello-world', result: baseline },
      { name: 'AfriGest tenant GET (auth + RLS)', result },
    ], baseline);
    ratios.push(result.requestsPerSecond / baseline.requestsPerSecond);
  }
  const ratio = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)]!;
  console.log(`\nratio ${ratio.toFixed(2)} of the baseline's throughput, median of ${ROUNDS} rounds (${ratios.map((r) => r.toFixed(2)).join(', ')}; goal: at least 0.50) — ${ratio >= 0.5 ? 'goal met' : 'goal NOT met'}`);
} finally {
  await stopProcess(api);
  await stopProcess(hello);
  await database.drop();
}
