/**
 * The embedded database is one process's: a second process (a command line tool while
 * `npm start` runs) is refused at once, with what to do, and nothing is lost.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPgliteDatabase } from './database.js';
import { EmbeddedDatabaseBusyError } from './embedded-lock.js';
import { openDatabases } from './tenancy.js';

const dirs: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'afrigest-lock-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

// The embedded database only: the PostgreSQL pass of the suite has nothing of it to test.
describe.skipIf(process.env.TEST_DATABASE_URL)('embedded database directory', () => {
  it('refuses a second process at once with what to do, and the first one loses nothing', async () => {
    const dataDir = scratch();
    const databases = await openDatabases({ embeddedDir: dataDir }, { migrate: true });
    await databases.master.query(`INSERT INTO tenants (id, code, name) VALUES ('t-1', 'premiere', 'Première SARL')`);
    const started = Date.now();
    const provision = spawnSync('npx', ['tsx', 'cloud/api/cli/provision.ts', '--code', 'seconde', '--name', 'Seconde SARL'], {
      env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(provision.status, provision.stderr).toBe(75);
    expect(provision.stderr).toMatch(/déjà ouverte par le processus \d+/);
    expect(provision.stderr).toMatch(/Arrêtez ce processus/);
    expect(provision.stdout).not.toMatch(/seconde/);
    expect(Date.now() - started).toBeLessThan(30_000);
    const { rows } = await databases.master.query<{ code: string }>('SELECT code FROM tenants ORDER BY code');
    expect(rows.map((r) => r.code)).toEqual(['premiere']);
    await databases.close();

    // Once the first process has closed it, the directory opens again, its data whole.
    const reopened = await openDatabases({ embeddedDir: dataDir }, { migrate: true });
    expect((await reopened.master.query<{ code: string }>('SELECT code FROM tenants')).rows.map((r) => r.code)).toEqual(['premiere']);
    await reopened.close();
  });

  it('refuses a second opening within the same process too', async () => {
    const dataDir = scratch();
    const first = await createPgliteDatabase(dataDir);
    await expect(createPgliteDatabase(dataDir)).rejects.toBeInstanceOf(EmbeddedDatabaseBusyError);
    await first.close();
  });

  it('takes over the lock of a process that died without closing', async () => {
    const dataDir = scratch();
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    writeFileSync(join(dataDir, 'afrigest.lock'), dead.stdout.trim());
    const db = await createPgliteDatabase(dataDir);
    expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await db.close();
  });
});
