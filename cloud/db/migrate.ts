import { Umzug, type UmzugStorage } from 'umzug';
import type { Database, Queryable } from './database.js';
import { masterMigrations } from './migrations/master.js';
import { tenantMigrations } from './migrations/tenant.js';

export type Migration = { name: string; up: (db: Queryable) => Promise<void> };

export type MigrationSet = 'master' | 'tenant';

const SETS: Record<MigrationSet, { table: string; migrations: Migration[] }> = {
  master: { table: 'master_migrations', migrations: masterMigrations },
  tenant: { table: 'tenant_migrations', migrations: tenantMigrations },
};

/** Umzug's bookkeeping kept in a table of the database it migrates (one per set: both may share a database). */
function tableStorage(db: Queryable, table: string): UmzugStorage {
  const ensure = () =>
    db.query(`CREATE TABLE IF NOT EXISTS ${table} (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  return {
    async logMigration({ name }) {
      await ensure();
      await db.query(`INSERT INTO ${table} (name) VALUES ($1)`, [name]);
    },
    async unlogMigration({ name }) {
      await ensure();
      await db.query(`DELETE FROM ${table} WHERE name = $1`, [name]);
    },
    async executed() {
      // Read without creating: the API's runtime login, which asks for /readyz, may create nothing.
      const { rows: found } = await db.query<{ present: boolean }>(`SELECT to_regclass('${table}') IS NOT NULL AS present`);
      if (!found[0]?.present) return [];
      const { rows } = await db.query<{ name: string }>(`SELECT name FROM ${table} ORDER BY name`);
      return rows.map((row) => row.name);
    },
  };
}

function umzugOn(db: Queryable, set: MigrationSet) {
  const { table, migrations } = SETS[set];
  return new Umzug({
    migrations: migrations.map((m) => ({ name: m.name, up: () => m.up(db) })),
    storage: tableStorage(db, table),
    logger: undefined,
  });
}

/**
 * Applies the pending migrations of a set, all in one transaction (PostgreSQL DDL is transactional:
 * a failed step leaves the schema as it was). The advisory lock makes several API instances that
 * start together take turns instead of racing on the same DDL.
 */
export async function migrate(db: Database, set: MigrationSet): Promise<string[]> {
  const lockKey = set === 'master' ? 7_301_001 : 7_301_002;
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [lockKey]);
    const applied = await umzugOn(tx, set).up();
    return applied.map((m) => m.name);
  });
}

export async function pendingMigrations(db: Database, set: MigrationSet): Promise<string[]> {
  const pending = await umzugOn(db, set).pending();
  return pending.map((m) => m.name);
}
