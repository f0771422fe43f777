import type { RxCollection, RxDatabase } from 'rxdb';
import { replicateRxCollection, type RxReplicationState } from 'rxdb/plugins/replication';
import { BehaviorSubject, Subject, type Observable } from 'rxjs';
import { replicatedCollection } from '../collections.js';
import { PULL_MAX_LIMIT, PUSH_MAX_BODY_BYTES, PUSH_MAX_ROWS, type PullResponse, type PushResponse, type SyncCheckpoint, type SyncDocument } from '../protocol.js';

/** The subset of fetch we use: injected, so this module needs neither DOM nor Node types. */
export type FetchLike = (
  url: string,
  init?: { method?: string; headers?: Record<string, string>; body?: string; signal?: unknown },
) => Promise<{ status: number; ok: boolean; json(): Promise<unknown>; body?: AsyncIterable<Uint8Array> | null }>;

type AbortLike = { signal: unknown; abort(): void };
/** AbortController exists in Node and browsers alike; this environment has neither's types. */
const AbortControllerLike = (globalThis as unknown as { AbortController: new () => AbortLike }).AbortController;

/** Resolves on a later turn of the event loop (setTimeout is everywhere; its types are not here). */
const nextTurn = () => new Promise<void>((resolve) => (globalThis as unknown as { setTimeout(fn: () => void, ms: number): unknown }).setTimeout(resolve, 0));

export type SyncStatus = {
  online: boolean;
  /**
   * Documents the till has handed to the cloud and the cloud has not taken yet, over all
   * collections. RxDB gives each collection's push up to PUSH_BATCH documents at once, so after
   * days offline this is the whole backlog; it goes down request by request as the cloud takes
   * them, and a failed request keeps its documents counted until a retry delivers them.
   */
  waiting: number;
  lastSuccessAt: string | null;
  lastError: string | null;
  /** The cloud revoked this till: replication stopped, a new enrolment is needed. */
  revoked: boolean;
  /**
   * Documents the cloud refused since the till started (wrong boutique after a re-enrolment,
   * invalid data): kept by the cloud with their reason for a manager, never retried.
   */
  rejected: number;
};

export type SyncOptions = {
  db: RxDatabase;
  baseUrl: string;
  credential: string;
  fetch: FetchLike;
  collections: string[];
  /** Milliseconds between retries after a failure. */
  retryTime?: number;
  /** Safety net: how often to ask for changes even if the live stream said nothing. */
  pollInterval?: number;
  /** Listen to the cloud's live stream (server-sent events): changes arrive at once. */
  live?: boolean;
  setInterval: (fn: () => void, ms: number) => unknown;
  clearInterval: (handle: unknown) => void;
};

export type SyncHandle = {
  status$: Observable<SyncStatus>;
  status(): SyncStatus;
  /** Resolves once every collection has pulled and pushed what it had. */
  awaitInSync(): Promise<void>;
  stop(): Promise<void>;
};

class HttpError extends Error {
  constructor(readonly status: number, readonly code: string | null) {
    super(`HTTP ${status}${code ? ` ${code}` : ''}`);
  }
}

/** Bytes of rows one push request carries: the cloud's limit, less room for the envelope. */
const PUSH_BODY_BUDGET = PUSH_MAX_BODY_BYTES - 64 * 1024;

/**
 * Bytes the text takes in UTF-8, or a little more: a code unit below 0x80 takes one, below 0x800
 * two, any other three (a surrogate pair counts six for its four).
 */
function utf8Bytes(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0x80) bytes += unit < 0x800 ? 1 : 2;
  }
  return bytes;
}

/**
 * Documents RxDB hands to one push: a week's backlog of a busy counter in one go, so the status
 * can count all of it. They cross the link as several requests (see pushBodies).
 */
const PUSH_BATCH = 10_000;

type PushBody = { json: string; ids: string[]; rows: string[] };

/**
 * Push requests on the link at once: while the cloud writes one, the next crosses the link and
 * is parsed (bench:sync's push takes about a quarter less time than one at a time). Their order
 * does not matter: facts are independent, customers merge by field stamps, stock adds up.
 */
const PUSH_IN_FLIGHT = 2;

/**
 * `{"rows":[…]}` bodies of at most PUSH_MAX_ROWS rows under the budget, in order, each with the
 * ids and rows it carries; a row larger than the budget goes alone; a row `sent` says the cloud
 * already took, exactly as it is, is left out. Each is made while the one before is on the link.
 */
function* pushBodies(rows: Array<{ newDocumentState: unknown }>, sent: (id: string, row: string) => boolean): Generator<PushBody> {
  let current: string[] = [];
  let ids: string[] = [];
  let size = 0;
  for (const row of rows) {
    const json = JSON.stringify(row);
    const id = (row.newDocumentState as SyncDocument).id;
    if (sent(id, json)) continue;
    const bytes = utf8Bytes(json) + 1;
    if (current.length > 0 && (size + bytes > PUSH_BODY_BUDGET || current.length === PUSH_MAX_ROWS)) {
      yield { json: `{"rows":[${current.join(',')}]}`, ids, rows: current };
      current = [];
      ids = [];
      size = 0;
    }
    current.push(json);
    ids.push(id);
    size += bytes;
  }
  if (current.length > 0) yield { json: `{"rows":[${current.join(',')}]}`, ids, rows: current };
}

/**
 * Replicates the till's collections with the cloud: RxDB's protocol over our HTTP endpoints,
 * retried after failures; documents pushed are facts or customers (cloud-owned collections are
 * pull-only).
 */
export function startSync(options: SyncOptions): SyncHandle {
  const status = new BehaviorSubject<SyncStatus>({ online: false, waiting: 0, lastSuccessAt: null, lastError: null, revoked: false, rejected: 0 });
  const update = (patch: Partial<SyncStatus>) => status.next({ ...status.value, ...patch });
  const resync = new Subject<'RESYNC'>();
  const states: RxReplicationState<unknown, SyncCheckpoint>[] = [];
  const unsent = new Map<string, Set<string>>();
  const countUnsent = () => update({ waiting: [...unsent.values()].reduce((sum, ids) => sum + ids.size, 0) });

  async function call<T>(path: string, init?: { method: string; body: string }): Promise<T> {
    let response;
    try {
      response = await options.fetch(`${options.baseUrl}${path}`, {
        method: init?.method ?? 'GET',
        headers: { authorization: `Device ${options.credential}`, ...(init ? { 'content-type': 'application/json' } : {}) },
        ...(init ? { body: init.body } : {}),
      });
    } catch (error) {
      update({ online: false, lastError: `réseau indisponible / network unavailable (${(error as Error).message})` });
      throw error;
    }
    const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
    if (!response.ok) {
      const code = body?.error?.code ?? null;
      if (response.status === 401) {
        update({ online: true, revoked: true, lastError: body?.error?.message ?? 'poste révoqué / till revoked' });
        void stop();
      } else update({ online: true, lastError: body?.error?.message ?? `HTTP ${response.status}` });
      throw new HttpError(response.status, code);
    }
    update({ online: true, lastError: null, lastSuccessAt: new Date().toISOString() });
    return body as T;
  }

  for (const name of options.collections) {
    const rule = replicatedCollection(name);
    const collection = options.db.collections[name] as RxCollection | undefined;
    if (!rule || !collection) throw new Error(`unknown replicated collection ${name}`);
    // A database that starts from nothing (new, or rebuilt after a loss) takes everything, its
    // own past sales included; once caught up, the cloud leaves out what this till wrote itself.
    let takeOwn: boolean | null = null;
    const unsentHere = new Set<string>();
    // Rows the cloud took, without a conflict, in a push that failed further on: RxDB's retry hands
    // the whole batch again, and these need not cross a metered link twice (nor be counted as
    // waiting again). Forgotten when the push they belong to succeeds.
    const taken = new Map<string, string>();
    unsent.set(name, unsentHere);
    const state = replicateRxCollection<unknown, SyncCheckpoint>({
      collection,
      replicationIdentifier: `afrigest-${name}-${options.baseUrl}`,
      live: true,
      retryTime: options.retryTime ?? 5_000,
      waitForLeadership: false,
      pull: {
        // The largest pages the server accepts: fewer round trips on a slow link.
        batchSize: PULL_MAX_LIMIT,
        handler: async (checkpoint, batchSize) => {
          takeOwn ??= (checkpoint?.seq ?? 0) === 0;
          const page = await call<PullResponse>(`/api/sync/${name}/pull?seq=${checkpoint?.seq ?? 0}&limit=${batchSize}&own=${takeOwn ? 'include' : 'skip'}`);
          if (page.documents.length < batchSize) takeOwn = false;
          return { documents: page.documents as never, checkpoint: page.checkpoint };
        },
        stream$: resync.asObservable(),
      },
      ...(rule.rule === 'cloud-owned'
        ? {}
        : {
            push: {
              batchSize: PUSH_BATCH,
              handler: async (rows) => {
                for (const row of rows) {
                  const id = (row.newDocumentState as SyncDocument).id;
                  if (!taken.has(id)) unsentHere.add(id);
                }
                countUnsent();
                const conflicts: SyncDocument[] = [];
                const send = async (body: PushBody) => {
                  for (const id of body.ids) unsentHere.add(id);
                  const result = await call<PushResponse>(`/api/sync/${name}/push`, { method: 'POST', body: body.json });
                  conflicts.push(...(result.conflicts as SyncDocument[]));
                  if (result.rejected.length > 0) update({ rejected: status.value.rejected + result.rejected.length });
                  const conflicting = new Set(result.conflicts.map((doc) => doc.id));
                  body.ids.forEach((id, i) => {
                    if (!conflicting.has(id)) taken.set(id, body.rows[i]!);
                    unsentHere.delete(id);
                  });
                  countUnsent();
                };
                // Each request is applied on its own. After a failure nothing more is sent, and
                // RxDB's retry sends again only what the cloud did not take.
                const inFlight = new Set<Promise<void>>();
                const failures: unknown[] = [];
                for (const body of pushBodies(rows, (id, row) => taken.get(id) === row)) {
                  while (inFlight.size >= PUSH_IN_FLIGHT && failures.length === 0) await Promise.race(inFlight);
                  if (failures.length > 0) break;
                  const request: Promise<void> = send(body)
                    .catch((error: unknown) => void failures.push(error))
                    .finally(() => inFlight.delete(request));
                  inFlight.add(request);
                  // fetch writes the body to its socket on a later turn: made first, the next body
                  // (tens of milliseconds for a thousand sales) would hold this one back.
                  await nextTurn();
                }
                await Promise.all(inFlight);
                if (failures.length > 0) throw failures[0];
                for (const row of rows) taken.delete((row.newDocumentState as SyncDocument).id);
                return conflicts as never;
              },
            },
          }),
    });
    states.push(state as RxReplicationState<unknown, SyncCheckpoint>);
  }

  // RxDB pulls from the last checkpoint on every RESYNC: from the live stream, and on a timer.
  const timer = options.setInterval(() => resync.next('RESYNC'), options.pollInterval ?? 30_000);
  const abort = new AbortControllerLike();
  let stopped: Promise<void> | null = null;

  async function listenLive(): Promise<void> {
    while (!stopped) {
      try {
        const response = await options.fetch(`${options.baseUrl}/api/sync/stream`, {
          headers: { authorization: `Device ${options.credential}`, accept: 'text/event-stream' },
          signal: abort.signal,
        });
        if (response.status === 401) {
          await call('/api/devices/me').catch(() => undefined); // sets the revoked status and stops
          return;
        }
        if (!response.ok || !response.body) throw new Error(`stream HTTP ${response.status}`);
        let pending = '';
        for await (const chunk of response.body) {
          // The stream carries ASCII only ("data: RESYNC"), so bytes map to characters directly.
          pending += String.fromCharCode(...chunk);
          let end: number;
          while ((end = pending.indexOf('\n\n')) >= 0) {
            const event = pending.slice(0, end);
            pending = pending.slice(end + 2);
            if (event.includes('data: RESYNC')) resync.next('RESYNC');
          }
        }
      } catch {
        if (stopped) return;
        update({ online: false });
      }
      if (!stopped) await new Promise<void>((resolve) => { const t = options.setInterval(() => { options.clearInterval(t); resolve(); }, options.retryTime ?? 5_000); });
    }
  }
  if (options.live !== false) void listenLive();

  function stop(): Promise<void> {
    stopped ??= (async () => {
      options.clearInterval(timer);
      abort.abort();
      await Promise.all(states.map((s) => s.cancel()));
    })();
    return stopped;
  }

  return {
    status$: status.asObservable(),
    status: () => status.value,
    async awaitInSync() {
      await Promise.all(states.map((s) => s.awaitInSync()));
    },
    stop,
  };
}
