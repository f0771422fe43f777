import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { RUNTIME_LOGIN_ROLE, runtimeRoleSql } from './roles.js';
import type { DatabaseConfig } from './tenancy.js';

/** A new, empty database on a PostgreSQL server, for a test suite or a benchmark; `drop` removes it. */
export async function createScratchDatabase(serverUrl: string, prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
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
  await run(`CREATE DATABASE ${name}`);
  await run(runtimeRoleSql());
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
  const scratch = await createScratchDatabase(serverUrl, 'afrigest_test');
  // As in production: the schema's owner migrates, the API runs as the least-privilege login.
  const url = runtimeUrl(scratch.url);
  return {
    config: { masterUrl: url, tenantUrl: url, masterOwnerUrl: scratch.url, tenantOwnerUrl: scratch.url, embeddedDir: null },
    url,
    ownerUrl: scratch.url,
    drop: scratch.drop,
  };
}

/** The same database, reached as the API's runtime login (the server trusts local logins in tests). */
function runtimeUrl(ownerUrl: string): string {
  const url = new URL(ownerUrl);
  url.username = RUNTIME_LOGIN_ROLE;
  url.password = '';
  return url.toString();
}
