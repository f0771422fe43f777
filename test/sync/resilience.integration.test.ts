import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, startTestApi, type TestApi } from '../../cloud/api/test-support.js';
import { startFlakyProxy } from '../support/flaky-proxy.js';
import { openTill, sellOffline, syncTill } from './support/till.js';

type Till = { credential: string; deviceId: string; boutiqueId: string };

describe('sync after days offline, on a bad network, through crashes', () => {
  let api: TestApi;
  let pdg: string;
  let boutiqueId: string;
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'afrigest-till-'));
    dirs.push(dir);
    return dir;
  };

  async function enrol(name: string): Promise<Till> {
    const code = await api.call('post', `/api/tenants/${api.demoTenantId}/devices/enrolment-codes`, { token: pdg, body: { boutiqueId, deviceName: name } });
    const enrolled = await api.call('post', '/api/devices/enrol', { body: { tenant: 'demo', code: code.body.code } });
    return { credential: enrolled.body.credential, deviceId: enrolled.body.deviceId, boutiqueId };
  }
  /** Sales and movements of a till in the cloud, and how many distinct ids among them. */
  async function cloudCounts(deviceId: string) {
    return api.services.databases.withTenant(api.demoTenantId, async (tx) => {
      const sales = (await tx.query<{ n: number; d: number }>(`SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM sales WHERE doc->>'deviceId' = $1`, [deviceId])).rows[0]!;
      const moves = (await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM stock_movements WHERE doc->>'deviceId' = $1`, [deviceId])).rows[0]!;
      return { sales: sales.n, distinct: sales.d, movements: moves.n };
    });
  }

  beforeAll(async () => {
    api = await startTestApi({}, { persistent: true });
    pdg = (await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password)).accessToken;
    boutiqueId = (await api.call('get', `/api/tenants/${api.demoTenantId}/boutiques`, { token: pdg })).body.boutiques[0].id;
  });
  afterAll(async () => {
    await api?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('syncs a week offline (2,000 sales) exactly once', async () => {
    const till = await enrol('Caisse semaine');
    const db = await openTill(tempDir());
    await sellOffline(db, { tenantId: api.demoTenantId, ...till }, 'week', 2_000);
    const sync = syncTill(db, api.url, till.credential);
    await sync.awaitInSync();
    await sync.stop();
    await db.close();
    expect(await cloudCounts(till.deviceId)).toEqual({ sales: 2_000, distinct: 2_000, movements: 2_000 });
  });

  it('syncs exactly once through a link that cuts connections mid-push and mid-pull', async () => {
    const till = await enrol('Caisse réseau instable');
    const proxy = await startFlakyProxy(Number(new URL(api.url).port), { dropRate: 0.35, seed: 42 });
    const db = await openTill(tempDir());
    await sellOffline(db, { tenantId: api.demoTenantId, ...till }, 'flaky', 600);
    const sync = syncTill(db, proxy.url, till.credential);
    await sync.awaitInSync();
    // awaitInSync can return between two failed attempts: wait until the cloud has them all.
    for (let i = 0; i < 200 && (await cloudCounts(till.deviceId)).sales < 600; i++) await new Promise((r) => setTimeout(r, 100));
    await sync.stop();
    await db.close();
    await proxy.close();
    expect(proxy.drops()).toBeGreaterThan(0);
    expect(await cloudCounts(till.deviceId)).toEqual({ sales: 600, distinct: 600, movements: 600 });
    const reopened = await openTill(dirs.at(-1)!);
    expect(await reopened.collections.products!.count().exec()).toBe(243);
    await reopened.close();
  });

  it('syncs exactly once when the till is killed mid-sync and started again', async () => {
    const till = await enrol('Caisse coupée');
    const directory = tempDir();
    const args = [join(import.meta.dirname, 'support/till-process.ts'), directory, api.url, till.credential, api.demoTenantId, till.boutiqueId, till.deviceId, '6000'];
    const run = () => spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });

    const first = run();
    // Killed as soon as the cloud has taken its first push request, with more on the way.
    await new Promise<void>((resolve) => first.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('pushing') && resolve()));
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const partial = (await cloudCounts(till.deviceId)).sales;
    expect(partial).toBeLessThan(6000);

    const second = run();
    await new Promise<void>((resolve, reject) => {
      second.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('synced') && resolve());
      second.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`till exited ${code}`))));
    });
    await new Promise((r) => second.once('exit', r));
    expect(await cloudCounts(till.deviceId)).toEqual({ sales: 6000, distinct: 6000, movements: 6000 });
  });

  it('syncs exactly once when the cloud restarts mid-sync', async () => {
    const till = await enrol('Caisse redémarrage');
    const db = await openTill(tempDir());
    await sellOffline(db, { tenantId: api.demoTenantId, ...till }, 'restart', 1_500);
    const sync = syncTill(db, api.url, till.credential);
    for (let i = 0; i < 400 && (await cloudCounts(till.deviceId)).sales === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await api.restart();
    for (let i = 0; i < 300 && (await cloudCounts(till.deviceId)).movements < 1_500; i++) await new Promise((r) => setTimeout(r, 100));
    await sync.awaitInSync();
    await sync.stop();
    await db.close();
    expect(await cloudCounts(till.deviceId)).toEqual({ sales: 1_500, distinct: 1_500, movements: 1_500 });
  });
});
