import { createPgDatabase, createPgliteDatabase, type Database, type Queryable } from './database.js';
import { migrate } from './migrate.js';
import { APP_ROLE } from './migrations/tenant.js';

export type DatabaseConfig = {
  masterUrl?: string | undefined;
  tenantUrl?: string | undefined;
  /** Embedded PGlite directory used when neither URL is set; null keeps it in memory. */
  embeddedDir: string | null;
};

/**
 * The master database (platform registry) and the tenant databases (business data). By default
 * every tenant lives in one tenant database; the registry's `database_url` moves one elsewhere.
 */
export type Databases = {
  readonly master: Database;
  readonly tenantDefault: Database;
  readonly embedded: boolean;
  /** The database holding a tenant's data (opened and migrated on first use). */
  forTenant(tenantId: string): Promise<Database>;
  /**
   * Runs `fn` in a transaction on the tenant's database as the API role with the tenant set:
   * row-level security then hides every other tenant's rows, whatever the query says.
   */
  withTenant<T>(tenantId: string, fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

export async function scopeToTenant(tx: Queryable, tenantId: string): Promise<void> {
  await tx.query(`SELECT set_config('role', $1, true), set_config('app.tenant_id', $2, true)`, [APP_ROLE, tenantId]);
}

export async function openDatabases(config: DatabaseConfig, options: { migrate: boolean }): Promise<Databases> {
  const masterUrl = config.masterUrl || config.tenantUrl;
  const tenantUrl = config.tenantUrl || config.masterUrl;
  let master: Database;
  let tenantDefault: Database;
  if (masterUrl && tenantUrl) {
    master = createPgDatabase(masterUrl);
    tenantDefault = tenantUrl === masterUrl ? master : createPgDatabase(tenantUrl);
  } else {
    master = await createPgliteDatabase(config.embeddedDir);
    tenantDefault = master;
  }
  if (options.migrate) {
    await migrate(master, 'master');
    await migrate(tenantDefault, 'tenant');
  }

  const dedicated = new Map<string, Promise<Database>>();
  const urlOf = new Map<string, string | null>();

  async function forTenant(tenantId: string): Promise<Database> {
    let url = urlOf.get(tenantId);
    if (url === undefined) {
      const { rows } = await master.query<{ database_url: string | null }>('SELECT database_url FROM tenants WHERE id = $1', [tenantId]);
      url = rows[0]?.database_url ?? null;
      urlOf.set(tenantId, url);
    }
    if (!url) return tenantDefault;
    let db = dedicated.get(url);
    if (!db) {
      const opened = createPgDatabase(url);
      db = (options.migrate ? migrate(opened, 'tenant') : Promise.resolve([])).then(() => opened);
      dedicated.set(url, db);
    }
    return db;
  }

  return {
    master,
    tenantDefault,
    embedded: master.kind === 'pglite',
    forTenant,
    async withTenant(tenantId, fn) {
      const db = await forTenant(tenantId);
      return db.transaction(async (tx) => {
        await scopeToTenant(tx, tenantId);
        return fn(tx);
      });
    },
    async close() {
      for (const db of dedicated.values()) await (await db).close();
      if (tenantDefault !== master) await tenantDefault.close();
      await master.close();
    },
  };
}
