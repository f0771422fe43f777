import { createPgDatabase, createPgliteDatabase, type Database, type Queryable } from './database.js';
import { migrate } from './migrate.js';
import { APP_ROLE } from './migrations/tenant.js';

export type DatabaseConfig = {
  /** The API's runtime login: not superuser, owns nothing, no BYPASSRLS (see cloud/deploy/). */
  masterUrl?: string | undefined;
  tenantUrl?: string | undefined;
  /** The schema owner's login, for migrations only; without it migrations use the runtime URLs. */
  masterOwnerUrl?: string | undefined;
  tenantOwnerUrl?: string | undefined;
  /** Connections per pool serving tenant requests (default 10). */
  poolSize?: number | undefined;
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
  withTenant<T>(tenantId: string, fn: (tx: Queryable) => Promise<T>, options?: { readOnly?: boolean; singleStatement?: boolean }): Promise<T>;
  close(): Promise<void>;
};

/** The session a tenant's queries run in: the API role (row-level security on) and the tenant. */
export function tenantSession(tenantId: string) {
  return { role: APP_ROLE, 'app.tenant_id': tenantId } as const;
}

/**
 * Applies pending migrations as the schema owner: the runtime login may not create or alter
 * anything. Without owner URLs (the embedded database, a developer's server) the runtime
 * connections migrate.
 */
export async function migrateAsOwner(config: DatabaseConfig, master: Database, tenantDefault: Database): Promise<{ master: string[]; tenant: string[] }> {
  const masterOwnerUrl = config.masterOwnerUrl || config.tenantOwnerUrl;
  const tenantOwnerUrl = config.tenantOwnerUrl || config.masterOwnerUrl;
  const masterOwner = masterOwnerUrl ? createPgDatabase(masterOwnerUrl, { max: 1 }) : master;
  const tenantOwner = tenantOwnerUrl ? (tenantOwnerUrl === masterOwnerUrl ? masterOwner : createPgDatabase(tenantOwnerUrl, { max: 1 })) : tenantDefault;
  try {
    return { master: await migrate(masterOwner, 'master'), tenant: await migrate(tenantOwner, 'tenant') };
  } finally {
    if (masterOwner !== master) await masterOwner.close();
    if (tenantOwner !== tenantDefault && tenantOwner !== masterOwner) await tenantOwner.close();
  }
}

export async function openDatabases(config: DatabaseConfig, options: { migrate: boolean }): Promise<Databases> {
  const masterUrl = config.masterUrl || config.tenantUrl;
  const tenantUrl = config.tenantUrl || config.masterUrl;
  let master: Database;
  let tenantDefault: Database;
  if (masterUrl && tenantUrl) {
    master = createPgDatabase(masterUrl, { max: 5 });
    tenantDefault = createPgDatabase(tenantUrl, { max: 3 });
  } else {
    master = await createPgliteDatabase(config.embeddedDir);
    tenantDefault = master;
  }
  if (options.migrate) await migrateAsOwner(config, master, tenantDefault);

  const dedicated = new Map<string, Promise<Database>>();
  // Connections that serve tenant requests live in the API role for good (row-level security
  // always on), so they get pools of their own, apart from the owner's pools used for migrations.
  const sessionPools = new Map<Database, Database>();
  const sessionPoolFor = (owner: Database, url: string | undefined): Database => {
    if (owner.kind === 'pglite' || !url) return owner;
    let pool = sessionPools.get(owner);
    if (!pool) sessionPools.set(owner, (pool = createPgDatabase(url, { max: config.poolSize ?? 10 })));
    return pool;
  };
  const urlOfDatabase = new Map<Database, string | undefined>([[tenantDefault, tenantUrl]]);
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
      const opened = createPgDatabase(url, { max: 3 });
      urlOfDatabase.set(opened, url);
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
    async withTenant(tenantId, fn, options) {
      const owner = await forTenant(tenantId);
      const db = sessionPoolFor(owner, urlOfDatabase.get(owner));
      // A read, or a single statement (atomic on its own), needs no transaction: one round trip
      // when the connection already serves this tenant.
      return db.withSettings(tenantSession(tenantId), fn, { transaction: !(options?.readOnly || options?.singleStatement) });
    },
    async close() {
      for (const pool of sessionPools.values()) await pool.close();
      for (const db of dedicated.values()) await (await db).close();
      if (tenantDefault !== master) await tenantDefault.close();
      await master.close();
    },
  };
}
