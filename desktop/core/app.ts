/**
 * The till's application core: one process (Electron's utilityProcess or the browser host) runs
 * it. It holds the till database, the enrolment, sync and the signed-in user, and answers bridge
 * calls: every call is checked against the contract (input) and shared/rbac (the user's role)
 * before any service runs, and every refusal comes back in the error format.
 */
import type { RxDatabase } from 'rxdb';
import {
  BRIDGE_METHODS,
  isBridgeMethod,
  type AppState,
  type BridgeEvent,
  type BridgeEventPayload,
  type SessionUser,
} from '../bridge/contract.js';
import { checkBridgeInput } from '../bridge/check-input.js';
import { bridgeErrorBody } from '../bridge/errors.js';
import type { BridgeResult } from '../bridge/wire.js';
import { DEFAULT_LOCALE, type Locale } from '../../shared/i18n/index.js';
import { can } from '../../shared/rbac.js';
import { startSync, type FetchLike, type SyncHandle } from '../../sync/client/replication.js';
import { createLocalAuth } from './auth/local-auth.js';
import { createCatalog } from './pos/catalog.js';
import { createCheckout, type TillIdentity } from './pos/checkout.js';
import { enrolAnswerSchema, loadEnrolment, loadPreferences, saveEnrolment, savePreferences, type Enrolment } from './app/enrolment.js';
import { CoreError, toErrorBody } from './app/errors.js';
import { createHandlers, type Handlers, type TillRuntime } from './app/handlers.js';
import { createMobileMoney } from './app/mobile-money.js';
import { buildSyncView, syncViewKey } from './app/sync-view.js';
import { openTillDatabase, TILL_SYNCED_COLLECTIONS, tillDirectory } from './app/till-db.js';

export type CoreLog = (entry: Record<string, unknown>) => void;

export type StartCoreOptions = {
  dataDirectory: string;
  /** The cloud to enrol with and sync to; overrides the address saved at enrolment. */
  cloudUrl?: string;
  clock?: () => Date;
  fetch?: typeof fetch;
  log?: CoreLog;
  /** Tests: an answer that does not match the contract fails the call instead of being logged. */
  strictOutputs?: boolean;
  /** Sync timings (tests shorten them). */
  sync?: { retryTime?: number; pollInterval?: number; live?: boolean };
  mobileMoneyPollMs?: number;
};

export type Core = {
  /** Never throws: the answer is the output or the error format. */
  call(method: string, input: unknown): Promise<BridgeResult>;
  on<E extends BridgeEvent>(event: E, listener: (payload: BridgeEventPayload<E>) => void): () => void;
  /** Every event, for the processes that relay them (host, utility process). */
  onAny(listener: (event: BridgeEvent, payload: unknown) => void): () => void;
  state(): AppState;
  /** The open till database, for tests and benchmarks; null before enrolment. */
  database(): RxDatabase | null;
  close(): Promise<void>;
};

const defaultLog: CoreLog = (entry) => process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);

export async function startCore(options: StartCoreOptions): Promise<Core> {
  const log = options.log ?? defaultLog;
  const clock = options.clock ?? (() => new Date());
  const fetchImpl = options.fetch ?? fetch;
  let locale: Locale = loadPreferences(options.dataDirectory).locale ?? DEFAULT_LOCALE;
  let user: SessionUser | null = null;
  let till: TillRuntime | null = null;
  let enrolling = false;
  let closed = false;
  const listeners = new Set<(event: BridgeEvent, payload: unknown) => void>();

  function emit<E extends BridgeEvent>(event: E, payload: BridgeEventPayload<E>): void {
    for (const listener of listeners) {
      try {
        listener(event, payload);
      } catch (error) {
        log({ level: 'error', msg: 'event listener failed', event, error: String(error) });
      }
    }
  }

  function state(): AppState {
    const e = till?.enrolment;
    return {
      enrolled: !!e,
      till: e
        ? { deviceId: e.deviceId, deviceCode: e.deviceCode, tenant: e.tenant, boutique: e.boutique, cloudUrl: cloudUrlOf(e), enrolledAt: e.enrolledAt }
        : null,
      user,
      locale,
    };
  }

  const cloudUrlOf = (e: Enrolment) => (options.cloudUrl ?? e.cloudUrl).replace(/\/+$/, '');

  function setUser(next: SessionUser | null): void {
    user = next;
    emit('session.changed', { user });
  }

  /** Opens this till's database and starts replicating it; the credential never reaches a log. */
  async function openTill(enrolment: Enrolment): Promise<TillRuntime> {
    const db = await openTillDatabase(tillDirectory(options.dataDirectory, enrolment.deviceId));
    const identity: TillIdentity = {
      tenantId: enrolment.tenant.id, boutiqueId: enrolment.boutique.id, boutiqueCode: enrolment.boutique.code,
      deviceId: enrolment.deviceId, deviceCode: enrolment.deviceCode, currency: 'GNF',
    };
    const cloudUrl = cloudUrlOf(enrolment);
    const sync: SyncHandle = startSync({
      db, baseUrl: cloudUrl, credential: enrolment.credential, fetch: fetchImpl as unknown as FetchLike,
      collections: TILL_SYNCED_COLLECTIONS,
      retryTime: options.sync?.retryTime ?? 5_000, pollInterval: options.sync?.pollInterval ?? 30_000, live: options.sync?.live ?? true,
      setInterval, clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
    });
    const runtime: TillRuntime = {
      enrolment, db, identity, sync, firstSyncDone: false,
      catalog: createCatalog(db, identity.boutiqueId),
      checkout: createCheckout(db, identity, clock),
      auth: createLocalAuth(db, () => clock().getTime()),
      mobileMoney: createMobileMoney({
        cloudUrl, credential: enrolment.credential, fetch: fetchImpl, onStatus: (status) => emit('payment.status', status),
        ...(options.mobileMoneyPollMs ? { pollMs: options.mobileMoneyPollMs } : {}),
      }),
      stopWatching: () => undefined,
    };
    void sync.awaitInSync().then(() => {
      runtime.firstSyncDone = true;
      void publishSync(runtime);
    }, () => undefined);
    let lastKey = '';
    const subscription = sync.status$.subscribe(() => {
      // Every successful request changes lastSuccessAt; tell the screen only what it shows.
      const key = syncViewKey(runtime);
      if (key !== lastKey) {
        lastKey = key;
        void publishSync(runtime);
      }
    });
    runtime.stopWatching = () => subscription.unsubscribe();
    return runtime;
  }

  async function publishSync(runtime: TillRuntime): Promise<void> {
    if (closed || till !== runtime) return;
    try {
      emit('sync.status', await buildSyncView(runtime));
    } catch (error) {
      log({ level: 'warn', msg: 'sync status unavailable', error: String(error) });
    }
  }

  async function closeTill(): Promise<void> {
    const runtime = till;
    till = null;
    if (!runtime) return;
    runtime.stopWatching();
    runtime.mobileMoney.close();
    await runtime.sync.stop();
    await runtime.db.close();
  }

  async function enrol(input: { tenant: string; code: string; cloudUrl?: string | undefined }): Promise<AppState> {
    // A revoked till may enrol again (a new identity and database); an active one may not.
    if (till && !till.sync.status().revoked) throw new CoreError('ALREADY_ENROLLED');
    if (enrolling) throw new CoreError('ALREADY_ENROLLED');
    const cloudUrl = (input.cloudUrl ?? options.cloudUrl)?.replace(/\/+$/, '');
    if (!cloudUrl) throw new CoreError('CLOUD_UNREACHABLE');
    enrolling = true;
    try {
      let response: Response;
      try {
        response = await fetchImpl(`${cloudUrl}/api/devices/enrol`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', 'accept-language': locale },
          body: JSON.stringify({ tenant: input.tenant, code: input.code }),
          signal: AbortSignal.timeout(15_000),
        });
      } catch {
        throw new CoreError('CLOUD_UNREACHABLE');
      }
      const body: unknown = await response.json().catch(() => null);
      if (!response.ok) {
        const code = (body as { error?: { code?: string } } | null)?.error?.code;
        if (code === 'TOO_MANY_REQUESTS' || code === 'VALIDATION_FAILED' || code === 'ENROLMENT_CODE_INVALID') throw new CoreError(code);
        throw new CoreError(response.status >= 500 ? 'CLOUD_UNREACHABLE' : 'ENROLMENT_CODE_INVALID');
      }
      const answer = enrolAnswerSchema.safeParse(body);
      if (!answer.success) throw new CoreError('CLOUD_UNREACHABLE');
      const { boutique, ...rest } = answer.data;
      const enrolment: Enrolment = {
        ...rest,
        boutique: { id: boutique.id, code: boutique.code, name: boutique.name, ...(boutique.address ? { address: boutique.address } : {}) },
        cloudUrl,
        enrolledAt: clock().toISOString(),
      };
      saveEnrolment(options.dataDirectory, enrolment);
      log({ level: 'info', msg: 'till enrolled', tenant: enrolment.tenant.code, boutique: enrolment.boutique.code, deviceId: enrolment.deviceId });
      await closeTill();
      setUser(null);
      till = await openTill(enrolment);
      const now = state();
      emit('app.changed', now);
      void publishSync(till);
      return now;
    } finally {
      enrolling = false;
    }
  }

  const handlers: Handlers = createHandlers({
    till: () => {
      if (!till) throw new CoreError('NOT_ENROLLED');
      return till;
    },
    user: () => user,
    locale: () => locale,
    state,
    enrol,
    setUser,
    setLocale: (next) => {
      locale = next;
      savePreferences(options.dataDirectory, { locale });
      emit('app.changed', state());
    },
    clock,
  });

  async function call(method: string, rawInput: unknown): Promise<BridgeResult> {
    if (closed) return { ok: false, error: toErrorBody(new CoreError('SERVICE_UNAVAILABLE'), locale, log) };
    if (!isBridgeMethod(method)) return { ok: false, error: toErrorBody(new CoreError('BRIDGE_METHOD_UNKNOWN'), locale, log) };
    const definition = BRIDGE_METHODS[method];
    try {
      // The right first: a call above the user's role learns nothing and runs nothing.
      const right = definition.right;
      if (right !== 'public') {
        if (!user) throw new CoreError('UNAUTHENTICATED');
        if (right !== 'signed-in' && !can(user.role, right.module, right.action)) throw new CoreError('FORBIDDEN');
      }
      const given = checkBridgeInput(method, rawInput, locale);
      if (!given.ok) return { ok: false, error: bridgeErrorBody(locale, 'VALIDATION_FAILED', given.issues) };
      const input = given.input;
      const handler = handlers[method] as (input: unknown) => Promise<unknown>;
      const output = await handler(input);
      const checked = definition.output.safeParse(output);
      if (!checked.success) {
        // The service answered and may have written: do not turn its success into a failure.
        log({ level: 'error', msg: 'bridge output does not match the contract', method, issues: checked.error.issues.slice(0, 5) });
        if (options.strictOutputs) throw new Error(`output of ${method} does not match the contract`);
        return { ok: true, output };
      }
      return { ok: true, output: checked.data };
    } catch (error) {
      return { ok: false, error: toErrorBody(error, locale, log) };
    }
  }

  const saved = loadEnrolment(options.dataDirectory);
  if (saved) till = await openTill(saved);

  return {
    call,
    on(event, listener) {
      const wrapped = (name: BridgeEvent, payload: unknown) => {
        if (name === event) listener(payload as never);
      };
      listeners.add(wrapped);
      return () => listeners.delete(wrapped);
    },
    onAny(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    state,
    database: () => till?.db ?? null,
    async close() {
      if (closed) return;
      closed = true;
      await closeTill();
      listeners.clear();
    },
  };
}
