import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Databases } from '../../db/tenancy.js';

export type Metrics = {
  registry: Registry;
  httpDuration: Histogram<'route' | 'method' | 'status'>;
  loginAttempts: Counter<'outcome'>;
};

export function createMetrics(databases: Databases): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'afrigest_' });
  const httpDuration = new Histogram({
    name: 'afrigest_http_request_duration_seconds',
    help: 'HTTP request latency by route template, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const loginAttempts = new Counter({
    name: 'afrigest_login_attempts_total',
    help: 'Login attempts by outcome.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  for (const [name, pick] of [
    ['total', 'total'],
    ['idle', 'idle'],
    ['waiting', 'waiting'],
  ] as const) {
    new Gauge({
      name: `afrigest_db_pool_${name}_connections`,
      help: `Database pool connections (${name}) by database.`,
      labelNames: ['database'] as const,
      registers: [registry],
      collect() {
        this.set({ database: 'master' }, databases.master.poolStats()[pick]);
        if (databases.tenantDefault !== databases.master) this.set({ database: 'tenant' }, databases.tenantDefault.poolStats()[pick]);
      },
    });
  }
  return { registry, httpDuration, loginAttempts };
}
