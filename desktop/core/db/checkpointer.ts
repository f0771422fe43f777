import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Copies a SQLite file's write-ahead log into the database on a thread of its own.
 *
 * Left to itself, SQLite does that inside whichever commit takes the log past 1,000 pages (16 MB
 * here): a sale at the counter could wait for 16 MB to be copied and fsync'd, and a till taking
 * its catalogue paid it every few thousand documents on the thread that parses them (bench:sync's
 * initial pull, about 12% of its time). The file's own connection turns that off
 * (`wal_autocheckpoint = 0`) and asks this thread instead, once writes pause (a burst of
 * replication writes shares one checkpoint), and at least once a second of continuous writing. The
 * checkpoint is PASSIVE: it never waits for, nor blocks, the writer or a reader, and it syncs the
 * database before the log is reused (the worker's connection keeps `synchronous = FULL`), so a
 * power cut loses nothing a commit acknowledged.
 */
export type Checkpointer = {
  /** The file was written: a checkpoint follows when writes pause. */
  wrote(): void;
  /** Waits for a checkpoint in progress and closes the thread's connection. */
  close(): Promise<void>;
};

/** A pause in writes this long starts a checkpoint… */
const QUIET_MS = 300;
/** …and continuous writing does not put it off longer than this (the log stays bounded). */
const MAX_WAIT_MS = 1_000;

// The worker is plain CommonJS evaluated from this string: no separate file to ship or build,
// under tsx, vitest or the packaged app alike. It loads better-sqlite3 from the path resolved here.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let db;
try {
  const Database = require(workerData.module);
  db = new Database(workerData.path, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = FULL');
} catch (error) {
  parentPort.postMessage({ error: String(error && error.message) });
  parentPort.close();
}
if (db) parentPort.on('message', (message) => {
  if (message === 'checkpoint') {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
      parentPort.postMessage('done');
    } catch (error) {
      parentPort.postMessage({ error: String(error && error.message) });
    }
  } else if (message === 'close') {
    db.close();
    parentPort.close();
  }
});
`;

const betterSqlite3 = createRequire(import.meta.url).resolve('better-sqlite3');

/**
 * Starts the checkpoint thread of the file at `path` (already in WAL mode). `onFailure` is called
 * once if the thread cannot go on; the caller then lets SQLite checkpoint by itself again.
 */
export function startCheckpointer(path: string, onFailure: (reason: string) => void): Checkpointer {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module: betterSqlite3, path } });
  // The thread must not keep a process alive that has nothing else to do.
  worker.unref();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running = false;
  /** When the first write not yet checkpointed happened. */
  let dirtySince: number | null = null;
  let failed = false;
  let closing: Promise<void> | null = null;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));

  const fail = (reason: string) => {
    if (failed || closing) return;
    failed = true;
    if (timer) clearTimeout(timer);
    onFailure(reason);
    void worker.terminate();
  };
  const run = () => {
    timer = null;
    if (failed || closing) return;
    running = true;
    dirtySince = null;
    worker.postMessage('checkpoint');
  };
  const schedule = () => {
    if (running || failed || closing || dirtySince === null) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, Math.max(0, Math.min(QUIET_MS, dirtySince + MAX_WAIT_MS - Date.now())));
    timer.unref();
  };
  let settled: (() => void) | null = null;
  worker.on('message', (message: 'done' | { error: string }) => {
    running = false;
    settled?.();
    if (message !== 'done') return fail(message.error);
    schedule();
  });
  worker.on('error', (error: unknown) => fail(String((error as Error | null)?.message ?? error)));
  worker.once('exit', (code) => {
    if (!closing) fail(`checkpoint thread exited (${code})`);
  });

  return {
    wrote() {
      dirtySince ??= Date.now();
      schedule();
    },
    close() {
      closing ??= (async () => {
        // Closing is work the process must wait for: a script whose last act is closing its
        // database would otherwise end here, with its connections still open (exit code 13).
        worker.ref();
        if (timer) clearTimeout(timer);
        if (running) await Promise.race([new Promise<void>((resolve) => (settled = resolve)), exited]);
        if (!failed) worker.postMessage('close');
        await exited;
      })();
      return closing;
    },
  };
}
