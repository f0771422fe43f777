import { z } from 'zod';
import type { DatabaseConfig } from '../db/tenancy.js';
import { loadPaymentConfig, PaymentConfigError, type PaymentConfig } from '../payments/config.js';

/** Development defaults: fine on a laptop, refused in production (see `assertProductionReady`). */
export const DEV_ACCESS_SECRET = 'dev-access-secret-change-me';
export const DEV_REFRESH_SECRET = 'dev-refresh-secret-change-me';

const booleanText = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const durationText = z.string().regex(/^\d+[smhd]$/, 'a duration such as 15m, 12h or 30d');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('127.0.0.1'),
  ALLOWED_ORIGINS: z.string().default('http://localhost:4000,http://127.0.0.1:4000,http://localhost:5173'),
  JWT_ACCESS_SECRET: z.string().optional(),
  JWT_REFRESH_SECRET: z.string().optional(),
  ACCESS_TTL: durationText.default('15m'),
  REFRESH_TTL: durationText.default('30d'),
  MASTER_DATABASE_URL: z.string().optional(),
  TENANT_DATABASE_URL: z.string().optional(),
  MASTER_OWNER_DATABASE_URL: z.string().optional(),
  TENANT_OWNER_DATABASE_URL: z.string().optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATA_DIR: z.string().default('./data/cloud'),
  WEB_ADMIN_DIR: z.string().optional(),
  REDIS_URL: z.string().optional(),
  REDIS_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9_.:-]{0,64}$/).default(''),
  MIGRATE_ON_START: booleanText.default(true),
  SEED_DEMO_ON_EMPTY: booleanText.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z.string().default('loopback'),
  PUBLIC_URL: z.url().optional(),
  PAYMENT_JOBS: booleanText.default(true),
  PAYMENT_APPLY_EVERY: durationText.default('5s'),
  PAYMENT_RECONCILE_EVERY: durationText.default('1m'),
  PAYMENT_STALE_AFTER: durationText.default('2m'),
  PAYMENT_PENDING_TTL: durationText.default('30m'),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  allowedOrigins: string[];
  accessSecret: string;
  refreshSecret: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  masterDatabaseUrl: string | undefined;
  tenantDatabaseUrl: string | undefined;
  /** The schema owner's logins, used by migrations only. */
  masterOwnerDatabaseUrl: string | undefined;
  tenantOwnerDatabaseUrl: string | undefined;
  /** Connections per pool serving tenant requests. */
  databasePoolSize: number;
  dataDir: string;
  /** The built web admin served at /app/ (`dist/web-admin` when unset). */
  webAdminDir: string | undefined;
  redisUrl: string | undefined;
  /** Put before every Redis key this API writes: several deployments can share one Redis. */
  redisKeyPrefix: string;
  migrateOnStart: boolean;
  seedDemoOnEmpty: boolean;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  trustProxy: string;
  /** Where providers reach this API for callbacks; the listening address when unset. */
  publicUrl: string | undefined;
  payments: PaymentConfig;
  paymentJobs: { enabled: boolean; applyEveryMs: number; reconcileEveryMs: number; staleAfterMs: number; pendingTtlMs: number };
};

export class ConfigError extends Error {}

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

export function durationSeconds(text: string): number {
  const unit = text.slice(-1) as keyof typeof UNIT_SECONDS;
  return Number(text.slice(0, -1)) * UNIT_SECONDS[unit];
}

/** Reads the environment once at start; a wrong value stops the start with the variable's name. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const config: Config = {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    allowedOrigins: e.ALLOWED_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean),
    accessSecret: e.JWT_ACCESS_SECRET || DEV_ACCESS_SECRET,
    refreshSecret: e.JWT_REFRESH_SECRET || DEV_REFRESH_SECRET,
    accessTtlSeconds: durationSeconds(e.ACCESS_TTL),
    refreshTtlSeconds: durationSeconds(e.REFRESH_TTL),
    masterDatabaseUrl: e.MASTER_DATABASE_URL || undefined,
    tenantDatabaseUrl: e.TENANT_DATABASE_URL || undefined,
    masterOwnerDatabaseUrl: e.MASTER_OWNER_DATABASE_URL || undefined,
    tenantOwnerDatabaseUrl: e.TENANT_OWNER_DATABASE_URL || undefined,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    dataDir: e.DATA_DIR,
    webAdminDir: e.WEB_ADMIN_DIR || undefined,
    redisUrl: e.REDIS_URL || undefined,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    migrateOnStart: e.MIGRATE_ON_START,
    seedDemoOnEmpty: e.SEED_DEMO_ON_EMPTY ?? e.NODE_ENV !== 'production',
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ''),
    payments: paymentConfig(env),
    paymentJobs: {
      enabled: e.PAYMENT_JOBS,
      applyEveryMs: durationSeconds(e.PAYMENT_APPLY_EVERY) * 1000,
      reconcileEveryMs: durationSeconds(e.PAYMENT_RECONCILE_EVERY) * 1000,
      staleAfterMs: durationSeconds(e.PAYMENT_STALE_AFTER) * 1000,
      pendingTtlMs: durationSeconds(e.PAYMENT_PENDING_TTL) * 1000,
    },
  };
  if (config.env === 'production') assertProductionReady(env, config);
  return config;
}

/** What `openDatabases` needs of the configuration (the API and every command line tool). */
export function databaseConfigOf(config: Config): DatabaseConfig {
  return {
    masterUrl: config.masterDatabaseUrl,
    tenantUrl: config.tenantDatabaseUrl,
    masterOwnerUrl: config.masterOwnerDatabaseUrl,
    tenantOwnerUrl: config.tenantOwnerDatabaseUrl,
    poolSize: config.databasePoolSize,
    embeddedDir: config.dataDir === ':memory:' ? null : config.dataDir,
  };
}

function paymentConfig(env: Record<string, string | undefined>): PaymentConfig {
  try {
    return loadPaymentConfig(env);
  } catch (error) {
    if (error instanceof PaymentConfigError) throw new ConfigError(`Invalid payment settings: ${error.message}`);
    throw error;
  }
}

/** In production a missing, default or short secret would let anyone forge sessions: refuse to start. */
function assertProductionReady(env: Record<string, string | undefined>, config: Config): void {
  const problems: string[] = [];
  const check = (name: string, value: string | undefined, devDefault: string) => {
    if (!value) problems.push(`${name} is not set`);
    else if (value === devDefault || /change-?me|secret|example/i.test(value)) problems.push(`${name} is a default or example value`);
    else if (value.length < 32) problems.push(`${name} is shorter than 32 characters`);
  };
  check('JWT_ACCESS_SECRET', env.JWT_ACCESS_SECRET, DEV_ACCESS_SECRET);
  check('JWT_REFRESH_SECRET', env.JWT_REFRESH_SECRET, DEV_REFRESH_SECRET);
  if (env.JWT_ACCESS_SECRET && env.JWT_ACCESS_SECRET === env.JWT_REFRESH_SECRET) problems.push('JWT_ACCESS_SECRET and JWT_REFRESH_SECRET must differ');
  if (config.allowedOrigins.some((o) => o === '*')) problems.push('ALLOWED_ORIGINS must list origins, not *');
  if (problems.length > 0) {
    throw new ConfigError(`Refusing to start in production:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSet them in the environment file (see cloud/deploy/afrigest-api.env.example).`);
  }
}
