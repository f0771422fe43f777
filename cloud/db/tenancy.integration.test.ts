import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pendingMigrations } from './migrate.js';
import { openDatabases, type Databases } from './tenancy.js';
import { createTestDatabaseConfig } from './test-databases.js';

describe(`tenant databases (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let databases: Databases;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const test = await createTestDatabaseConfig();
    drop = test.drop;
    // One connection for all tenant work: what a use leaves on it, the next use gets.
    databases = await openDatabases({ ...test.config, poolSize: 1 }, { migrate: true });
    for (const id of ['t-a', 't-b']) {
      await databases.master.query(`INSERT INTO tenants (id, code, name) VALUES ($1, $2, $3)`, [id, id, id]);
      await databases.withTenant(id, (tx) =>
        tx.query(`INSERT INTO boutiques (tenant_id, id, code, name) VALUES ($1, 'b1', 'B1', $2)`, [id, `Boutique ${id}`]),
      );
    }
  });
  afterAll(async () => {
    await databases?.close();
    await drop?.();
  });

  it('applies every migration once', async () => {
    expect(await pendingMigrations(databases.master, 'master')).toEqual([]);
    expect(await pendingMigrations(databases.tenantDefault, 'tenant')).toEqual([]);
  });

  it('row-level security alone hides other tenants, even with no WHERE clause', async () => {
    const rows = await databases.withTenant('t-a', async (tx) => (await tx.query<{ tenant_id: string }>('SELECT tenant_id FROM boutiques')).rows);
    expect(rows.map((r) => r.tenant_id)).toEqual(['t-a']);
    const none = await databases.withTenant('t-a', async (tx) => (await tx.query(`SELECT * FROM boutiques WHERE tenant_id = 't-b'`)).rows);
    expect(none).toEqual([]);
  });

  it('refuses to write a row for another tenant', async () => {
    await expect(
      databases.withTenant('t-a', (tx) => tx.query(`INSERT INTO boutiques (tenant_id, id, code, name) VALUES ('t-b', 'x', 'X1', 'x')`)),
    ).rejects.toThrow(/row-level security/);
    const updated = await databases.withTenant('t-a', (tx) => tx.query(`UPDATE boutiques SET name = 'pris' WHERE tenant_id = 't-b'`));
    expect(updated.rowCount).toBe(0);
  });

  it('scopes each use of a pooled connection to its own tenant, reads and transactions alike', async () => {
    for (let i = 0; i < 6; i++) {
      const tenant = i % 2 === 0 ? 't-a' : 't-b';
      const rows = await databases.withTenant(tenant, async (q) => (await q.query<{ tenant_id: string }>('SELECT tenant_id FROM boutiques')).rows, { readOnly: i % 3 === 0 });
      expect(rows.map((r) => r.tenant_id)).toEqual([tenant]);
    }
  });

  it('runs tenant work as the API role, never as the owner', async () => {
    const role = await databases.withTenant('t-a', async (q) => (await q.query<{ r: string }>('SELECT current_user AS r')).rows[0]?.r, { readOnly: true });
    expect(role).toBe('afrigest_app');
  });

  it('leaves neither tenant nor role behind after a rolled back transaction', async () => {
    for (let i = 0; i < 3; i++) {
      await databases.withTenant('t-a', async (q) => (await q.query('SELECT 1')).rows, { readOnly: true });
      // A write of t-b that fails after its settings were applied: its transaction rolls back.
      await expect(
        databases.withTenant('t-b', async (tx) => {
          await tx.query(`UPDATE boutiques SET name = name WHERE tenant_id = 't-b'`);
          throw new Error('échec métier');
        }),
      ).rejects.toThrow('échec métier');
      await expect(databases.withTenant('t-b', (tx) => tx.query(`INSERT INTO boutiques (tenant_id, id, code, name) VALUES ('t-b', 'b1', 'B1', 'doublon')`))).rejects.toThrow();
      for (const tenant of ['t-b', 't-a']) {
        const seen = await databases.withTenant(tenant, async (q) => (await q.query<{ tenant_id: string; who: string }>('SELECT tenant_id, current_user AS who FROM boutiques')).rows, { readOnly: true });
        expect(seen).toEqual([{ tenant_id: tenant, who: 'afrigest_app' }]);
      }
    }
  });

  it.runIf(process.env.TEST_DATABASE_URL)('shows no tenant rows to the runtime login when no tenant is set', async () => {
    const { rows } = await databases.tenantDefault.query<{ who: string; superuser: boolean; bypass: boolean }>(
      `SELECT current_user AS who, rolsuper AS superuser, rolbypassrls AS bypass FROM pg_roles WHERE rolname = current_user`,
    );
    expect(rows).toEqual([{ who: 'afrigest_api', superuser: false, bypass: false }]);
    expect((await databases.tenantDefault.query('SELECT * FROM boutiques')).rows).toEqual([]);
    await expect(databases.tenantDefault.query('CREATE TABLE intrus (id int)')).rejects.toThrow(/permission denied/);
  });
});
