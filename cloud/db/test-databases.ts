import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DatabaseConfig } from './tenancy.js';

/**
 * A fresh, empty database for one test suite: a new database on the real server when
 * TEST_DATABASE_URL is set (dropped afterwards), otherwise an in-memory PGlite.
 */
export async function createTestDatabaseConfig(): Promise<{ config: DatabaseConfig; url: string | null; drop(): Promise<void> }> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) return { config: { embeddedDir: null }, url: null, drop: async () => undefined };
  const name = `afrigest_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    config: { masterUrl: url.toString(), tenantUrl: url.toString(), embeddedDir: null },
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
