import type { Logger } from 'pino';
import type { Database } from '../db/database.js';
import type { Payments } from './service.js';

export type PaymentJobsOptions = {
  payments: Payments;
  master: Database;
  /** Embedded database: one process, so no leader election (and no second connection to hold a lock on). */
  embedded: boolean;
  logger: Logger;
  /** How often due events are applied (retries and anything a crash left queued). */
  applyEveryMs: number;
  /** How often stale pending payments are re-queried, and how old "stale" is. */
  reconcileEveryMs: number;
  staleAfterMs: number;
};

// Any constant shared by every instance: the advisory lock that elects the reconciliation leader.
const RECONCILE_LOCK = 0x4166_5061; // "AfPa"

async function activeTenants(master: Database): Promise<string[]> {
  const { rows } = await master.query<{ id: string }>(`SELECT id FROM tenants WHERE status = 'active' ORDER BY id`);
  return rows.map((r) => r.id);
}

/**
 * The PostgreSQL-backed payment jobs: every instance applies due events (rows are claimed with
 * SKIP LOCKED, so instances share the work), and one instance at a time — the holder of an
 * advisory lock — reconciles stale pending payments with the providers.
 */
export function startPaymentJobs(options: PaymentJobsOptions): { stop(): Promise<void>; runOnce(): Promise<void> } {
  const { payments, master, logger } = options;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  async function applyPass() {
    for (const tenantId of await activeTenants(master)) await payments.processDue(tenantId);
  }

  async function reconcilePass() {
    const reconcileAll = async () => {
      for (const tenantId of await activeTenants(master)) await payments.reconcile(tenantId, options.staleAfterMs);
    };
    if (options.embedded) return reconcileAll();
    // The transaction-scoped lock is released by the commit, even if this process dies mid-pass.
    await master.transaction(async (tx) => {
      const { rows } = await tx.query<{ leader: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS leader', [RECONCILE_LOCK]);
      if (rows[0]?.leader) await reconcileAll();
    });
  }

  const guard = (name: string, pass: () => Promise<void>) => () => {
    if (stopped) return;
    running = running.then(pass).catch((err: unknown) => logger.error({ err }, `payment ${name} pass failed`));
  };
  const apply = setInterval(guard('apply', applyPass), options.applyEveryMs);
  const reconcile = setInterval(guard('reconciliation', reconcilePass), options.reconcileEveryMs);
  apply.unref();
  reconcile.unref();

  return {
    async stop() {
      stopped = true;
      clearInterval(apply);
      clearInterval(reconcile);
      await running;
    },
    async runOnce() {
      await applyPass();
      await reconcilePass();
    },
  };
}
