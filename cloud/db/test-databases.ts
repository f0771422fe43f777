import { randomBytes } from 'node:crypto';
import pg from 'pg';
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
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/**
 * A fresh, empty database for one test suite: a new database on the real server when
 * TEST_DATABASE_URL is set (dropped afterwards), otherwise an in-memory PGlite.
 */
export async function createTestDatabaseConfig(): Promise<{ config: DatabaseConfig; url: string | null; drop(): Promise<void> }> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) return { config: { embeddedDir: null }, url: null, drop: async () => undefined };
  const scratch = await createScratchDatabase(serverUrl, 'afrigest_test');
  return { config: { masterUrl: scratch.url, tenantUrl: scratch.url, embeddedDir: null }, url: scratch.url, drop: scratch.drop };
}
