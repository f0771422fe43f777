import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { createTestDatabaseConfig } from '../db/test-databases.js';
import { loadConfig } from './config.js';
import { DEMO_USERS, seedDemo } from './demo/seed.js';
import { startApi, type RunningApi } from './server.js';

export type TestApi = RunningApi & {
  /** Stops the API and starts it again on the same port and database (a cloud restart). */
  restart(): Promise<void>;
  demoTenantId: string;
  call(method: string, path: string, options?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  login(email: string, password: string, tenant?: string): Promise<{ accessToken: string; refreshToken: string; user: any }>;
  /** A second API instance on the same PostgreSQL database and Redis (not possible on PGlite). */
  startPeer(): Promise<RunningApi & { call: TestApi['call'] }>;
  close(): Promise<void>;
};

/**
 * A real API process on an ephemeral port over a fresh database: PostgreSQL when
 * TEST_DATABASE_URL is set, an in-memory PGlite otherwise. The demo tenant is seeded.
 */
export async function startTestApi(env: Record<string, string> = {}, options: { persistent?: boolean; logger?: Logger } = {}): Promise<TestApi> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const database = await createTestDatabaseConfig();
  // A restart needs the embedded database on disk; PostgreSQL keeps it anyway.
  const embeddedDir = options.persistent && !database.url ? mkdtempSync(join(tmpdir(), 'afrigest-cloud-')) : ':memory:';
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATA_DIR: embeddedDir,
    SEED_DEMO_ON_EMPTY: 'false',
    // PostgreSQL as in production: the owner migrates, the API runs as the least-privilege login.
    ...(database.url && database.ownerUrl
      ? { MASTER_DATABASE_URL: database.url, TENANT_DATABASE_URL: database.url, MASTER_OWNER_DATABASE_URL: database.ownerUrl, TENANT_OWNER_DATABASE_URL: database.ownerUrl }
      : {}),
    // Test files run side by side on one Redis: each API keeps its login limits apart.
    ...(process.env.TEST_REDIS_URL ? { REDIS_URL: process.env.TEST_REDIS_URL, REDIS_KEY_PREFIX: `test-${randomUUID()}:` } : {}),
    ...env,
  });
  let api = await startApi(config, { logger });
  const { tenantId } = await seedDemo(api.services.databases);
  const callOn = (baseUrl: () => string): TestApi['call'] => async (method, path, options = {}) => {
    const response = await fetch(`${baseUrl()}${path}`, {
      method: method.toUpperCase(),
      headers: {
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(options.token ? { authorization: options.token.startsWith('Device ') ? options.token : `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      body: options.body === undefined ? null : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // Non-JSON answers (zip, metrics) stay text.
    }
    return { status: response.status, body, headers: response.headers };
  };
  const call = callOn(() => api.url);
  const peers: RunningApi[] = [];
  const port = Number(new URL(api.url).port);
  const handle: TestApi = {
    ...api,
    demoTenantId: tenantId,
    async restart() {
      await api.stop();
      api = await startApi({ ...config, port }, { logger });
      handle.services = api.services;
      handle.server = api.server;
    },
    call,
    async login(email, password, tenant = 'demo') {
      const res = await call('post', '/api/auth/login', { body: { tenant, email, password } });
      if (res.status !== 200) throw new Error(`login ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async startPeer() {
      if (!database.url) throw new Error('a second API instance needs TEST_DATABASE_URL (PGlite is one process’s database)');
      const peer = await startApi({ ...config, port: 0 }, { logger: pino({ level: 'silent' }) });
      peers.push(peer);
      return { ...peer, call: callOn(() => peer.url) };
    },
    async close() {
      for (const peer of peers) await peer.stop();
      await api.stop();
      await database.drop();
      if (embeddedDir !== ':memory:') rmSync(embeddedDir, { recursive: true, force: true });
    },
  };
  return handle;
}

export { DEMO_USERS };

/** Reads until `done` holds or the time is up, and returns the last value read (the test asserts on it). */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}
