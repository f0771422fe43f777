import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { deploymentRolesSql, OWNER_LOGIN_ROLE, RUNTIME_LOGIN_ROLE } from './roles.js';
import type { DatabaseConfig } from './tenancy.js';

/** A new, empty database on a PostgreSQL server, for a test suite or a benchmark; `drop` removes it. */
export async function createScratchDatabase(serverUrl: string, prefix: string, options: { owner?: string } = {}): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  if (options.owner) await run(deploymentRolesSql());
  await run(`CREATE DATABASE ${name}${options.owner ? ` OWNER ${options.owner}` : ''}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/**
 * A fresh, empty database for one test suite: a new database on the real server when
 * TEST_DATABASE_URL is set (dropped afterwards), otherwise an in-memory PGlite.
 */
export async function createTestDatabaseConfig(): Promise<{ config: DatabaseConfig; url: string | null; ownerUrl: string | null; drop(): Promise<void> }> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) return { config: { embeddedDir: null }, url: null, ownerUrl: null, drop: async () => undefined };
  // As in production: the schema's owner (not superuser) migrates, the API runs as the
  // least-privilege runtime login.
  const scratch = await createScratchDatabase(serverUrl, 'afrigest_test', { owner: OWNER_LOGIN_ROLE });
  const url = asLogin(scratch.url, RUNTIME_LOGIN_ROLE);
  const ownerUrl = asLogin(scratch.url, OWNER_LOGIN_ROLE);
  return {
    config: { masterUrl: url, tenantUrl: url, masterOwnerUrl: ownerUrl, tenantOwnerUrl: ownerUrl, embeddedDir: null },
    url,
    ownerUrl,
    drop: scratch.drop,
  };
}

/** The same database under another login (the test server trusts local logins). */
function asLogin(databaseUrl: string, login: string): string {
  const url = new URL(databaseUrl);
  url.username = login;
  url.password = '';
  return url.toString();
}
