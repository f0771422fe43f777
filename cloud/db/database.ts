import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** What a query needs: a pg client, a pool, a PGlite or one of their transactions. */
export type Queryable = {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<{ rows: R[]; rowCount: number }>;
};

export type PoolStats = { total: number; idle: number; waiting: number };

/**
 * One PostgreSQL database, served either by a pg Pool (production) or by an embedded PGlite
 * (a fresh clone, tests without a server). Callers never see which.
 */
export type Database = Queryable & {
  readonly kind: 'pg' | 'pglite';
  /** Runs `fn` in one transaction, committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  poolStats(): PoolStats;
  close(): Promise<void>;
};

// pg returns int8 (counts, sequences) as strings to be safe beyond 2^53; our counts never get there.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export function createPgDatabase(connectionString: string, options: { max?: number } = {}): Database {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10, idleTimeoutMillis: 30_000 });
  // An idle client losing its server (a restart) must not crash the process: the pool replaces it.
  pool.on('error', () => undefined);
  const wrap = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query(text, params) {
      const result = await client.query(text, params as unknown[] | undefined);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    },
  });
  return {
    kind: 'pg',
    ...wrap(pool),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => pool.end(),
  };
}

/** `dataDir` null keeps the database in memory (tests); otherwise a directory on disk. */
export async function createPgliteDatabase(dataDir: string | null): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
  let waiting = 0;
  const wrap = (client: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    async query(text, params) {
      // Without parameters, the simple protocol accepts several statements (migrations), as pg does.
      const result = params?.length
        ? await client.query(text, params as unknown[])
        : (await client.exec(text)).at(-1);
      const rows = (result?.rows ?? []) as never[];
      return { rows, rowCount: result?.affectedRows ?? rows.length };
    },
  });
  return {
    kind: 'pglite',
    ...wrap(db),
    async transaction(fn) {
      // PGlite runs one transaction at a time; callers queue behind it like on a one-connection pool.
      waiting++;
      let started = false;
      try {
        return await db.transaction((tx) => {
          started = true;
          waiting--;
          return fn(wrap(tx));
        });
      } finally {
        if (!started) waiting--;
      }
    },
    poolStats: () => ({ total: 1, idle: waiting === 0 ? 1 : 0, waiting }),
    close: () => db.close(),
  };
}
