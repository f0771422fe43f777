import { startServer } from './http-kit.js';

export type RecordedCallback = { method: string; path: string; query: Record<string, string>; headers: Record<string, string | string[] | undefined>; rawBody: Buffer };

export type CallbackRecorder = {
  /** Base URL; any path under it is recorded and answered 200, as our callback routes answer. */
  url: string;
  received: RecordedCallback[];
  /** Resolves once `count` callbacks arrived, or rejects after `timeoutMs` (tests wait, never sleep). */
  waitFor(count: number, timeoutMs?: number): Promise<RecordedCallback[]>;
  close(): Promise<void>;
};

/** A stand-in for our callback routes in adapter tests, where the database-backed API is not running. */
export async function startCallbackRecorder(): Promise<CallbackRecorder> {
  const received: RecordedCallback[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = await startServer((req) => {
    received.push({ method: req.method, path: req.path, query: Object.fromEntries(req.url.searchParams), headers: req.headers, rawBody: req.rawBody });
    for (const waiter of waiters.filter((w) => received.length >= w.count)) waiter.resolve();
    return { status: 200, body: { received: true } };
  });
  return {
    url: server.baseUrl,
    received,
    waitFor(count, timeoutMs = 5000) {
      if (received.length >= count) return Promise.resolve(received.slice());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`expected ${count} callbacks, got ${received.length} within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(received.slice());
          },
        });
      });
    },
    close: () => server.close(),
  };
}
