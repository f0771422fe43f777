import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { lockEmbeddedDirectory } from './embedded-lock.js';

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
  /**
   * Runs `fn` in one transaction, committed if it resolves, rolled back if it throws. `prelude`
   * (trusted SQL without parameters) runs in the same round trip as BEGIN.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, prelude?: string): Promise<T>;
  /**
   * Runs `fn` on one connection whose session settings (role, custom GUCs) are `settings`. A pool
   * keeps each connection's settings and sends only the ones that differ, in the same round trip
   * as BEGIN (or alone for a read without a transaction). Values must be trusted literals.
   */
  withSettings<T>(settings: SessionSettings, fn: (q: Queryable) => Promise<T>, options: { transaction: boolean }): Promise<T>;
  /** Calls `onMessage` with the payload of every NOTIFY on `channel`; resolves to an unsubscribe. */
  listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  poolStats(): PoolStats;
  close(): Promise<void>;
};

/** `role` becomes the session role; every other key is a custom setting such as `app.tenant_id`. */
export type SessionSettings = Readonly<Record<string, string>>;

const SAFE_LITERAL = /^[A-Za-z0-9_.-]{1,64}$/;

function settingSql(name: string, value: string, local: boolean): string {
  if (!SAFE_LITERAL.test(name) || !SAFE_LITERAL.test(value)) throw new RangeError(`unsafe session setting ${name}`);
  const scope = local ? 'LOCAL ' : '';
  return name === 'role' ? `SET ${scope}ROLE ${value}` : `SET ${scope}${name} = '${value}'`;
}

// pg returns int8 (counts, sequences) as strings to be safe beyond 2^53; our counts never get there.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export function createPgDatabase(connectionString: string, options: { max?: number } = {}): Database {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10, idleTimeoutMillis: 30_000 });
  // An idle client losing its server (a restart) must not crash the process: the pool replaces it.
  pool.on('error', () => undefined);
  const wrap = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query(text, params) {
      // Parameterised statements are prepared once per connection under a name derived from their
      // text: PostgreSQL then skips parsing and planning on every later call (the hot paths).
      const result = params?.length
        ? await client.query({ name: statementName(text), text, values: params as unknown[] })
        : await client.query(text);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    },
  });
  return {
    kind: 'pg',
    ...wrap(pool),
    async transaction(fn, prelude) {
      const client = await pool.connect();
      try {
        await client.query(prelude ? `BEGIN; ${prelude}` : 'BEGIN');
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
    async withSettings(settings, fn, options) {
      const client = await pool.connect();
      let current = sessionState.get(client);
      if (!current) sessionState.set(client, (current = {}));
      const changes = Object.entries(settings).filter(([name, value]) => current[name] !== value);
      let broken = false;
      try {
        if (changes.length) {
          // Until the settings are known to be applied, the connection's state is unknown.
          for (const [name] of changes) delete current[name];
          // Sent alone, before any BEGIN: the implicit transaction of this query commits them, so
          // no later rollback can take them back. Inside the request's transaction (even in the
          // same query string as BEGIN) a rollback would revert them while this cache still
          // believed them applied, and the next request would run under the previous tenant or
          // the login role.
          await client.query(changes.map(([name, value]) => settingSql(name, value, false)).join('; '));
          for (const [name, value] of changes) current[name] = value;
        }
        if (options.transaction) await client.query('BEGIN');
        const result = await fn(wrap(client));
        if (options.transaction) await client.query('COMMIT');
        return result;
      } catch (error) {
        // A connection whose state is not known for sure is not handed to anyone else.
        if (options.transaction) await client.query('ROLLBACK').catch(() => (broken = true));
        if (changes.some(([name]) => !(name in current))) broken = true;
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async listen(channel, onMessage) {
      // A connection of its own, outside the pool: LISTEN lasts as long as the session.
      let client: pg.Client | null = null;
      let closed = false;
      // The server went away (restart): listen again once it is back, trying every second.
      const reconnect = () => {
        if (!closed) setTimeout(() => void connect().catch(reconnect), 1_000).unref();
      };
      const connect = async (): Promise<void> => {
        const next = new pg.Client({ connectionString });
        let listening = false;
        next.on('notification', (message) => {
          if (message.channel === channel) onMessage(message.payload ?? '');
        });
        next.on('error', () => {
          void next.end().catch(() => undefined);
          // Lost while listening; a connection that could not be made is retried by its caller.
          if (listening) reconnect();
        });
        try {
          await next.connect();
          await next.query(`LISTEN ${channel}`);
        } catch (error) {
          void next.end().catch(() => undefined);
          throw error;
        }
        if (closed) return void (await next.end().catch(() => undefined));
        listening = true;
        client = next;
        // A reconnection may have missed notifications: tell the listener to catch up.
        onMessage('*');
      };
      await connect();
      return async () => {
        closed = true;
        await client?.end().catch(() => undefined);
      };
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => pool.end(),
  };
}

const statementNames = new Map<string, string>();
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) statementNames.set(text, (name = `s_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`));
  return name;
}

const sessionState = new WeakMap<object, Record<string, string>>();

/** `dataDir` null keeps the database in memory (tests); otherwise a directory on disk. */
export async function createPgliteDatabase(dataDir: string | null): Promise<Database> {
  let release = () => undefined as void;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    release = lockEmbeddedDirectory(dataDir);
  }
  let db: PGlite;
  try {
    db = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
  } catch (error) {
    release();
    throw error;
  }
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
  const transaction: Database['transaction'] = async (fn, prelude) => {
    // PGlite runs one transaction at a time; callers queue behind it like on a one-connection pool.
    waiting++;
    let started = false;
    try {
      return await db.transaction(async (tx) => {
        started = true;
        waiting--;
        if (prelude) await tx.exec(prelude);
        return fn(wrap(tx));
      });
    } finally {
      if (!started) waiting--;
    }
  };
  return {
    kind: 'pglite',
    ...wrap(db),
    transaction,
    withSettings(settings, fn) {
      // One connection shared by every caller: settings are local to a transaction, always.
      const prelude = Object.entries(settings).map(([name, value]) => settingSql(name, value, true)).join('; ');
      return transaction(fn, prelude);
    },
    async listen(channel, onMessage) {
      return db.listen(channel, onMessage);
    },
    poolStats: () => ({ total: 1, idle: waiting === 0 ? 1 : 0, waiting }),
    async close() {
      await db.close();
      release();
    },
  };
}
