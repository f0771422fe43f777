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
  const database = await createDeploymentDatabase(serverUrl, 'afrigest_test');
  return {
    config: { masterUrl: database.url, tenantUrl: database.url, masterOwnerUrl: database.ownerUrl, tenantOwnerUrl: database.ownerUrl, embeddedDir: null },
    ...database,
  };
}

/**
 * A new database set up as in production: owned by the non-superuser schema owner, which
 * migrates it, and used by the API through the least-privilege runtime login. For the test
 * suites and the benchmarks, which measure what production runs.
 */
export async function createDeploymentDatabase(serverUrl: string, prefix: string): Promise<{ url: string; ownerUrl: string; drop(): Promise<void> }> {
  const scratch = await createScratchDatabase(serverUrl, prefix, { owner: OWNER_LOGIN_ROLE });
  return { url: asLogin(scratch.url, RUNTIME_LOGIN_ROLE), ownerUrl: asLogin(scratch.url, OWNER_LOGIN_ROLE), drop: scratch.drop };
}

/** The same database under another login (the test server trusts local logins). */
function asLogin(databaseUrl: string, login: string): string {
  const url = new URL(databaseUrl);
  url.username = login;
  url.password = '';
  return url.toString();
}
