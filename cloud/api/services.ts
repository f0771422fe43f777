import type { Request } from 'express';
import { Redis } from 'ioredis';
import pino, { type Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Queryable } from '../db/database.js';
import { createPaymentMetrics } from '../payments/metrics.js';
import { createPaymentProviders } from '../payments/providers.js';
import { createPayments, type Payments } from '../payments/service.js';
import { openDatabases, type Databases } from '../db/tenancy.js';
import { startRevocations, type Revocations } from './auth/revocations.js';
import { accessTokens, type AccessTokens } from './auth/tokens.js';
import { createChangeFeed, type ChangeFeed } from './sync/change-feed.js';
import { databaseConfigOf, type Config } from './config.js';
import { applyOrderPayment } from './ecommerce/service.js';
import { forbidden, notFound } from './http/errors.js';
import { createMetrics, type Metrics } from './http/metrics.js';
import type { Principal } from './http/principal.js';

export type Tenant = { id: string; code: string; name: string; currency: string; locale: string; timeZone: string; status: 'active' | 'suspended' };

export type AuditEntry = {
  tenantId: string | null;
  principal: Principal | null;
  action: string;
  target: string | null;
  details?: unknown;
  req: Request;
};

export type Services = {
  config: Config;
  logger: Logger;
  databases: Databases;
  metrics: Metrics;
  tokens: AccessTokens;
  /** Sessions ended before their access tokens expire: refused on every instance within a second. */
  revocations: Revocations;
  redis: Redis | null;
  /** Committed writes per tenant, for the tills' live sync streams. */
  changes: ChangeFeed;
  /** Payment records, provider callbacks and their events (cloud/payments). */
  payments: Payments;
  /** The address the server listens on, set once it does (callback URLs when PUBLIC_URL is unset). */
  listeningUrl: string;
  limiters: { loginIp: RateLimiterAbstract; loginAccount: RateLimiterAbstract };
  tenants: {
    byCode(code: string): Promise<Tenant | null>;
    byId(id: string): Promise<Tenant | null>;
    forget(id: string): void;
    /** 404 for an unknown tenant, 403 for another tenant's principal or a suspended tenant. */
    assertAccess(tenantId: string, principal: Principal | null): Promise<Tenant>;
  };
  audit: {
    tenant(tx: Queryable, entry: AuditEntry & { tenantId: string }): Promise<void>;
    platform(entry: AuditEntry): Promise<void>;
  };
  close(): Promise<void>;
};

type TenantRow = { id: string; code: string; name: string; currency: string; locale: string; time_zone: string; status: Tenant['status'] };

const toTenant = (row: TenantRow): Tenant => ({
  id: row.id, code: row.code, name: row.name, currency: row.currency, locale: row.locale, timeZone: row.time_zone, status: row.status,
});

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  // Asynchronous writes: a request never waits for stdout (journald may be slow). main.ts flushes on exit.
  const destination = pino.destination({ dest: 1, sync: false });
  return pino({
    level: config.logLevel,
    base: { service: 'afrigest-api' },
    // Secrets never reach the logs: request logs carry no headers or bodies (see app.ts), and these
    // keys are blanked wherever a log call passes them. Exact paths: wildcards cost on every line.
    redact: {
      paths: ['password', 'currentPassword', 'newPassword', 'refreshToken', 'accessToken', 'credential', 'authorization', 'headers.authorization', 'req.headers.authorization'],
      censor: '[secret]',
    },
  }, destination);
}

function actorOf(principal: Principal | null): { id: string | null; role: string | null } {
  if (!principal) return { id: null, role: null };
  return principal.kind === 'user' ? { id: principal.userId, role: principal.role } : { id: principal.deviceId, role: 'device' };
}

export async function createServices(config: Config, options: { logger?: Logger } = {}): Promise<Services> {
  const logger = options.logger ?? createLogger(config);
  const databases = await openDatabases(databaseConfigOf(config), { migrate: config.migrateOnStart });
  const redis = config.redisUrl ? new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2, keyPrefix: config.redisKeyPrefix }) : null;
  redis?.on('error', (err) => logger.warn({ err: { message: err.message } }, 'redis error'));

  // Per IP: a generous budget for a shop's shared connection. Per account: 5 failures lock 15 minutes.
  const limiterOptions = (keyPrefix: string, points: number, duration: number, blockDuration: number) => ({ keyPrefix, points, duration, blockDuration });
  const loginIpOptions = limiterOptions('login_ip', 50, 15 * 60, 15 * 60);
  const loginAccountOptions = limiterOptions('login_account', 5, 15 * 60, 15 * 60);
  const limiters = redis
    ? { loginIp: new RateLimiterRedis({ storeClient: redis, ...loginIpOptions }), loginAccount: new RateLimiterRedis({ storeClient: redis, ...loginAccountOptions }) }
    : { loginIp: new RateLimiterMemory(loginIpOptions), loginAccount: new RateLimiterMemory(loginAccountOptions) };

  const cache = new Map<string, { tenant: Tenant | null; until: number }>();
  const TENANT_CACHE_MS = 5_000;
  async function byId(id: string): Promise<Tenant | null> {
    const hit = cache.get(id);
    if (hit && hit.until > Date.now()) return hit.tenant;
    const { rows } = await databases.master.query<TenantRow>('SELECT * FROM tenants WHERE id = $1', [id]);
    const tenant = rows[0] ? toTenant(rows[0]) : null;
    cache.set(id, { tenant, until: Date.now() + TENANT_CACHE_MS });
    return tenant;
  }

  const revocations = await startRevocations(databases.master, config.accessTtlSeconds);
  const metrics = createMetrics(databases);
  const payments = createPayments({
    databases,
    providers: createPaymentProviders(config.payments),
    metrics: createPaymentMetrics(metrics.registry),
    logger,
    publicUrl: () => config.publicUrl ?? services.listeningUrl,
    pendingTtlMs: config.paymentJobs.pendingTtlMs,
    // A paid online order takes its stock in the transaction that marks it paid.
    onOrderPayment: applyOrderPayment,
  });

  const services: Services = {
    config,
    logger,
    databases,
    metrics,
    payments,
    listeningUrl: `http://${config.host}:${config.port}`,
    tokens: accessTokens(config, revocations.isRevoked),
    revocations,
    redis,
    changes: createChangeFeed(databases.tenantDefault),
    limiters,
    tenants: {
      async byCode(code) {
        const { rows } = await databases.master.query<TenantRow>('SELECT * FROM tenants WHERE code = $1', [code.toLowerCase()]);
        return rows[0] ? toTenant(rows[0]) : null;
      },
      byId,
      forget: (id) => void cache.delete(id),
      async assertAccess(tenantId, principal) {
        const platformStaff = principal?.kind === 'user' && principal.userKind === 'platform';
        if (principal && !platformStaff && principal.tenantId !== tenantId) throw forbidden('TENANT_MISMATCH');
        const tenant = await byId(tenantId);
        if (!tenant) throw notFound('TENANT_NOT_FOUND');
        if (tenant.status !== 'active' && !platformStaff) throw forbidden('TENANT_SUSPENDED');
        return tenant;
      },
    },
    audit: {
      async tenant(tx, entry) {
        const actor = actorOf(entry.principal);
        await tx.query(
          `INSERT INTO audit_log (tenant_id, actor_id, actor_role, action, target, ip, request_id, details)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [entry.tenantId, actor.id, actor.role, entry.action, entry.target, entry.req.ip ?? null, String(entry.req.id ?? ''), entry.details === undefined ? null : JSON.stringify(entry.details)],
        );
      },
      async platform(entry) {
        const actor = actorOf(entry.principal);
        await databases.master.query(
          `INSERT INTO platform_audit (actor_id, actor_role, tenant_id, action, target, ip, request_id, details)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [actor.id, actor.role, entry.tenantId, entry.action, entry.target, entry.req.ip ?? null, String(entry.req.id ?? ''), entry.details === undefined ? null : JSON.stringify(entry.details)],
        );
      },
    },
    async close() {
      await services.changes.close();
      await revocations.close();
      redis?.disconnect();
      await databases.close();
    },
  };
  return services;
}
