/**
 * Hostile input against every route the API documents: the routes come from `/api/openapi.json`
 * of a running API, so a new route is covered the day it is added. Each request carries values no
 * client of ours sends (NUL bytes, lone surrogates, huge strings, deep nesting, wrong types,
 * `__proto__` keys, numbers out of range, arrays where objects go) in its path, query and body,
 * from a caller who may or may not be allowed, with ids of the caller's company or of another.
 *
 * Whatever comes: no 5xx, every refusal in the error format, a refusal leaves every table as it
 * was (a payment provider's refusal aside: the attempt is recorded before the provider answers),
 * a caller of company A never reads company B's data, and no value reaches the database for it to
 * refuse (the error handler would answer 400, but the checks missed it). The documents inside a
 * sync push are the sync suite's to fuzz; here the envelope around them is.
 *
 * FUZZ_RUNS and FUZZ_SEED make a longer or another hunt: `FUZZ_RUNS=300 FUZZ_SEED=7 npx vitest run <this file>`.
 */
import { Writable } from 'node:stream';
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isErrorBody } from '../../shared/errors.js';
import { startPaymentSimulators, type PaymentSimulators } from '../payments/simulators/index.js';
import { apiRoutes } from './app.js';
import { healthRoutes } from './health/routes.js';
import { DEMO_USERS, startTestApi, type TestApi } from './test-support.js';

/** Runs per route; FUZZ_RUNS raises it for a longer hunt (the default keeps a run near a minute). */
const RUNS = Number(process.env.FUZZ_RUNS ?? 50);
/** A fixed seed unless told: a failure seen once is seen again on the next run. */
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20261207;

const PROVIDER_REFUSALS = new Set(['PAYMENT_PROVIDER_REJECTED', 'PAYMENT_PROVIDER_UNAVAILABLE']);
const PAYMENT_TRAIL = new Set(['payments', 'payment_events', 'orders']);

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
};
type Parameter = { name: string; in: 'path' | 'query' | 'header'; schema: JsonSchema };
type Operation = { method: string; path: string; security: 'public' | 'bearer' | 'device'; params: Parameter[]; query: Parameter[]; body: JsonSchema | null };

type Caller = 'anonymous' | 'super_admin' | 'pdg' | 'dg' | 'employee' | 'device';
type Body = { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'raw'; text: string | Uint8Array<ArrayBuffer>; contentType: string };

// ---------------------------------------------------------------------------------------------
// Hostile values

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const poison = fc.oneof(loneSurrogate, fc.constant('\u0000'));
/** Plausible text with a NUL byte or a lone surrogate somewhere in it. */
const poisoned = fc.tuple(fc.string({ maxLength: 20 }), poison, fc.string({ maxLength: 20 })).map(([before, bad, after]) => `${before}${bad}${after}`);
/** Hostile text; `huge` bounds the longest (a URL past 16 KiB never gets past Node's parser). */
function hostileText(huge: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom('ab\u0000cd', 'x\ud800y', '\udc00', '\ud800', '\u0000', '%00', '%', '\\u0000', '\ufeff', '\u202e', "'; DROP TABLE users; --", '{orderId}', ' ', '', 'ᐅ🇬🇳'),
    poisoned,
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.integer({ min: 121, max: huge }).map((length) => 'é'.repeat(length)),
  );
}
const hostileNumber = fc.oneof(
  fc.constantFrom(-1, 0, -0, 0.5, 1e308, -1e308, 2 ** 53 + 2, 2 ** 31, -(2 ** 31) - 1, 9_999_999_999_999, 1e-7),
  fc.double(),
  fc.integer(),
);
function nested(depth: number): unknown {
  let value: unknown = 'fond';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}
const hostileShape = fc.oneof(
  fc.constantFrom(null, true, false, [], {}),
  fc.integer({ min: 13, max: 3000 }).map(nested),
  fc.constantFrom(
    JSON.parse('{"__proto__":{"admin":true,"role":"super_admin"}}') as unknown,
    JSON.parse('{"constructor":{"prototype":{"polluted":true}}}') as unknown,
    { toString: 'x', hasOwnProperty: 1, valueOf: null },
    Object.fromEntries(Array.from({ length: 10_050 }, (_, i) => [`k${i}`, i])),
  ),
);
/** Hostile values for a body (up to a few hundred KiB) and for a URL (short enough to be read). */
type Hostile = { text: fc.Arbitrary<string>; any: fc.Arbitrary<unknown> };
const hostileFor = (huge: number): Hostile => {
  const text = hostileText(huge);
  return { text, any: fc.oneof({ weight: 4, arbitrary: text }, { weight: 2, arbitrary: hostileNumber }, { weight: 2, arbitrary: hostileShape }) };
};
const IN_BODY = hostileFor(400_000);
const IN_URL = hostileFor(1_500);

/** What a route without a documented body gets (raw provider callbacks): anything at all. */
const ANY: JsonSchema = { type: 'any' };
const isFreeForm = (schema: JsonSchema) => !schema.type && !schema.enum && !schema.anyOf && !schema.oneOf && !schema.properties;

function childSchema(schema: JsonSchema, key: string): JsonSchema {
  if (isFreeForm(schema)) return schema;
  if (schema.items) return schema.items;
  return schema.properties?.[key] ?? ANY;
}

// ---------------------------------------------------------------------------------------------
// Values that look right, built from the document's schemas

/** Known ids by field name: real rows of company A and of company B, so checks past the schema run. */
type Pools = Record<string, string[]>;

const POOL_OF: Record<string, string> = { boutiqueIds: 'boutiqueId', tenantCode: 'tenant', id: 'tenantIdOfAdmin' };

function plausibleString(schema: JsonSchema, name: string, pools: Pools): fc.Arbitrary<string> {
  const pooled = pools[POOL_OF[name] ?? name];
  let shaped: fc.Arbitrary<string>;
  if (schema.format === 'email') shaped = fc.emailAddress();
  else if (schema.format === 'uuid') shaped = fc.uuid();
  else if (schema.format === 'uri') shaped = fc.webUrl();
  else if (schema.pattern) shaped = fc.stringMatching(new RegExp(schema.pattern));
  else shaped = fc.string({ unit: 'grapheme', minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) });
  return pooled?.length ? fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...pooled) }, { weight: 1, arbitrary: shaped }) : shaped;
}

/**
 * A value of the schema's shape. With `hostile`, any node may instead be hostile, wrapped in an
 * array, or joined by a key the schema does not know; without, the value is clean.
 */
function plausible(schema: JsonSchema, name: string, pools: Pools, hostile: Hostile | null, depth = 0): fc.Arbitrary<unknown> {
  const child = (inner: JsonSchema, innerName: string) => (hostile ? mixed(inner, innerName, pools, hostile, depth + 1) : plausible(inner, innerName, pools, null, depth + 1));
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices?.length) return fc.oneof(...choices.map((choice) => plausible(choice, name, pools, hostile, depth)));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const properties = Object.entries(schema.properties ?? {});
      const record = fc.record(Object.fromEntries(properties.map(([key, inner]) => [key, child(inner, key)])), { requiredKeys: schema.required ?? [] });
      if (!hostile) return record;
      const extra = fc.option(fc.tuple(fc.constantFrom('__proto__', 'constructor', 'tenantId', 'role', 'x\u0000', 'k\ud800'), hostile.any), { freq: 4 });
      // JSON.parse, not a literal: it makes `__proto__` an own key, as a request body would.
      return fc.tuple(record, extra).map(([value, more]) => (more ? { ...value, ...JSON.parse(`{${JSON.stringify(more[0])}:${JSON.stringify(more[1]) ?? 'null'}}`) } : value));
    }
    case 'array':
      return fc.array(child(schema.items ?? {}, name), { minLength: Math.min(schema.minItems ?? 0, 3), maxLength: Math.min(schema.maxItems ?? 3, 3) });
    case 'string':
      return plausibleString(schema, name, pools);
    case 'integer':
      return fc.integer({ min: Math.max(schema.minimum ?? -1_000_000, -(2 ** 31)), max: Math.min(schema.maximum ?? 1_000_000, 2 ** 31) });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'any':
      return hostile ? hostile.any : fc.jsonValue({ maxDepth: 2 });
    default:
      // A free-form value inside a documented body: a document its own layer checks (sync pushes,
      // fuzzed by the sync suite); here it stays well-formed, the envelope around it is the target.
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function mixed(schema: JsonSchema, name: string, pools: Pools, hostile: Hostile, depth = 0): fc.Arbitrary<unknown> {
  if (isFreeForm(schema)) return plausible(schema, name, pools, null, depth);
  if (depth > 6) return hostile.any;
  const right = plausible(schema, name, pools, hostile, depth);
  return fc.oneof({ weight: 4, arbitrary: right }, { weight: 1, arbitrary: hostile.any }, { weight: 1, arbitrary: right.map((v) => [v]) });
}

// ---------------------------------------------------------------------------------------------
// Requests

/** One request, before encoding: `rawParam` is a path segment sent as is (bad percent-encoding). */
type Attempt = {
  caller: Caller;
  params: Record<string, string>;
  rawParam: { name: string; segment: string } | null;
  query: Record<string, unknown>;
  rawQuery: string;
  body: Body;
  idempotencyKey: string | null;
};

const rawSegment = fc.constantFrom('%', '%zz', '%00', '%ED%A0%80', '%C0%80', '%FF', '..', '%2e%2e', '%2F', 'a%20b', 'x'.repeat(5000));
const rawQuery = fc.constantFrom('', 'q[a][b][c]=', '%00=%00', '__proto__[admin]=1', 'q=%ED%A0%80', 'q=%', 'limit=1e400', 'limit=0x10', 'q=a&q=b', 'q=%C0%80', '&&&=', `q=${'%41'.repeat(6_000)}`);
const rawBodies = fc.constantFrom<Body>(
  { kind: 'raw', text: '{not json', contentType: 'application/json' },
  { kind: 'raw', text: '{"a":"\\u0000","b":"\\ud800"}', contentType: 'application/json' },
  { kind: 'raw', text: '{"__proto__":{"admin":true}}', contentType: 'application/json' },
  { kind: 'raw', text: '"\\ud800"', contentType: 'application/json' },
  { kind: 'raw', text: 'null', contentType: 'application/json' },
  { kind: 'raw', text: '1e999', contentType: 'application/json' },
  { kind: 'raw', text: '['.repeat(20_000) + ']'.repeat(20_000), contentType: 'application/json' },
  { kind: 'raw', text: new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xed, 0xa0, 0x80, 0x00, 0x22, 0x7d]), contentType: 'application/json' },
  { kind: 'raw', text: '{"a":1}', contentType: 'application/json; charset=utf-16' },
  { kind: 'raw', text: '{"a":1}', contentType: 'application/json; charset=koi8-r' },
  { kind: 'raw', text: 'a=%00&b[c][d]=1', contentType: 'application/x-www-form-urlencoded' },
  { kind: 'raw', text: 'ab\u0000cd', contentType: 'text/plain' },
  { kind: 'raw', text: `{"a":"${'x'.repeat(2_200_000)}"}`, contentType: 'application/json' },
);

const rightCallers = (operation: Operation): Caller[] =>
  operation.security === 'device' ? ['device'] : operation.security === 'bearer' ? ['pdg', 'dg', 'employee', 'super_admin'] : ['anonymous'];

/** Anything anywhere: wrong callers, hostile values at many places, raw segments and bodies. */
function chaos(operation: Operation, pools: Pools): fc.Arbitrary<Attempt> {
  const callers: Caller[] = operation.security === 'device' ? ['device', 'device', 'anonymous', 'pdg'] : ['anonymous', 'super_admin', 'pdg', 'dg', 'employee', 'device'];
  const param = (p: Parameter) => fc.oneof({ weight: 3, arbitrary: plausibleString(p.schema, p.name, pools) }, { weight: 1, arbitrary: IN_URL.text });
  const body: fc.Arbitrary<Body> =
    operation.method === 'get'
      ? fc.constant({ kind: 'none' })
      : fc.oneof(
          { weight: 6, arbitrary: mixed(operation.body ?? ANY, 'body', pools, IN_BODY).map((value): Body => ({ kind: 'json', value })) },
          { weight: 2, arbitrary: IN_BODY.any.map((value): Body => ({ kind: 'json', value })) },
          { weight: 2, arbitrary: rawBodies },
          { weight: 1, arbitrary: fc.constant<Body>({ kind: 'none' }) },
        );
  return fc.record({
    caller: fc.constantFrom(...callers),
    params: fc.record(Object.fromEntries(operation.params.map((p) => [p.name, param(p)]))),
    rawParam: operation.params.length
      ? fc.option(fc.record({ name: fc.constantFrom(...operation.params.map((p) => p.name)), segment: rawSegment }), { freq: 3 })
      : fc.constant<Attempt['rawParam']>(null),
    query: fc.record(Object.fromEntries(operation.query.map((p) => [p.name, fc.oneof(mixed(p.schema, p.name, pools, IN_URL), IN_URL.text)])), { requiredKeys: [] }),
    rawQuery: rawQuery.map((raw): string => raw),
    body,
    idempotencyKey: fc.option(fc.oneof(fc.uuid(), fc.constantFrom('court', 'x'.repeat(200), 'clé-accentuée')), { freq: 4 }),
  });
}

type Slot = { part: 'params' | 'query' | 'body'; path: string[] };

function bodySlots(value: unknown, schema: JsonSchema, path: string[] = [], slots: Slot[] = []): Slot[] {
  if (isFreeForm(schema)) return slots;
  slots.push({ part: 'body', path });
  if (typeof value === 'object' && value !== null && path.length < 6) {
    for (const [key, item] of Object.entries(value)) bodySlots(item, childSchema(schema, key), [...path, key], slots);
  }
  return slots;
}

function setAt(value: unknown, path: string[], replacement: unknown): unknown {
  if (!path.length) return replacement;
  const [head, ...rest] = path as [string, ...string[]];
  const copy: Record<string, unknown> = Array.isArray(value) ? [...(value as unknown[])] as unknown as Record<string, unknown> : { ...(value as Record<string, unknown>) };
  copy[head] = setAt(copy[head], rest, replacement);
  return copy;
}

const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value) ?? 'undefined');

/**
 * A request right in every way (caller, ids, query, body) but one place, where a hostile value
 * goes: the one kind of request that reaches the deepest code.
 */
function oneFault(operation: Operation, pools: Pools): fc.Arbitrary<Attempt> {
  const clean = fc.record({
    caller: fc.constantFrom(...(operation.security === 'bearer' ? (['pdg', 'pdg', 'super_admin', 'dg', 'employee'] as const) : rightCallers(operation))),
    params: fc.record(Object.fromEntries(operation.params.map((p) => [p.name, plausibleString(p.schema, p.name, pools)]))),
    rawParam: fc.constant<Attempt['rawParam']>(null),
    query: fc.record(Object.fromEntries(operation.query.map((p) => [p.name, plausible(p.schema, p.name, pools, null)])), { requiredKeys: [] }),
    rawQuery: fc.constant<string>(''),
    body: operation.method === 'get' ? fc.constant<Body>({ kind: 'none' }) : plausible(operation.body ?? ANY, 'body', pools, null).map((value): Body => ({ kind: 'json', value })),
    idempotencyKey: fc.uuid().map((key): string | null => key),
  });
  const fault = fc.oneof({ weight: 3, arbitrary: poisoned }, { weight: 1, arbitrary: IN_BODY.any }, { weight: 1, arbitrary: IN_URL.any });
  return fc.tuple(clean, fc.nat(), fault).map(([attempt, where, value]): Attempt => {
    const slots: Slot[] = [
      ...operation.params.map((p): Slot => ({ part: 'params', path: [p.name] })),
      ...operation.query.map((p): Slot => ({ part: 'query', path: [p.name] })),
      ...(attempt.body.kind === 'json' ? bodySlots(attempt.body.value, operation.body ?? ANY) : []),
    ];
    if (!slots.length) return attempt;
    const slot = slots[where % slots.length]!;
    if (slot.part === 'params') return { ...attempt, params: { ...attempt.params, [slot.path[0]!]: asText(value).slice(0, 3000) } };
    if (slot.part === 'query') return { ...attempt, query: { ...attempt.query, [slot.path[0]!]: typeof value === 'string' ? value.slice(0, 3000) : value } };
    return { ...attempt, body: { kind: 'json', value: setAt((attempt.body as { value: unknown }).value, slot.path, value) } };
  });
}

/** `own`: company A's rows only, so the one fault is the only thing wrong; `all`: A's and B's. */
function attemptFor(operation: Operation, pools: { own: Pools; all: Pools }): fc.Arbitrary<Attempt> {
  return fc.oneof({ weight: 2, arbitrary: oneFault(operation, pools.own) }, { weight: 1, arbitrary: chaos(operation, pools.all) });
}

// ---------------------------------------------------------------------------------------------
// Encoding: values that encodeURIComponent refuses (lone surrogates) still reach the server

function encodeComponent(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) {
      // What a careless client sends for a lone surrogate: its generalised UTF-8 bytes.
      out += `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase();
    } else out += encodeURIComponent(char);
  }
  return out;
}

function queryString(values: Record<string, unknown>): string {
  const parts: string[] = [];
  const add = (key: string, value: unknown, depth = 0) => {
    if (value === undefined || depth > 4) return;
    if (Array.isArray(value)) return value.slice(0, 20).forEach((item) => add(key, item, depth + 1));
    if (value !== null && typeof value === 'object') {
      for (const [inner, item] of Object.entries(value).slice(0, 20)) add(`${key}[${inner}]`, item, depth + 1);
      return;
    }
    parts.push(`${encodeComponent(key)}=${encodeComponent(String(value))}`);
  };
  for (const [key, value] of Object.entries(values)) add(key, value);
  return parts.join('&');
}

function urlOf(operation: Operation, attempt: Attempt): string {
  const path = operation.params.reduce(
    (built, p) => built.replace(`{${p.name}}`, attempt.rawParam?.name === p.name ? attempt.rawParam.segment : encodeComponent(attempt.params[p.name] ?? '') || 'x'),
    operation.path,
  );
  const query = [queryString(attempt.query), attempt.rawQuery].filter(Boolean).join('&');
  return query ? `${path}?${query}` : path;
}

// ---------------------------------------------------------------------------------------------

function operationsOf(document: { paths: Record<string, Record<string, { security?: Array<Record<string, unknown>>; parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: JsonSchema }> } }>> }): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const scheme = Object.keys(operation.security?.[0] ?? {})[0];
      operations.push({
        method,
        path,
        security: scheme === 'device' ? 'device' : scheme === 'bearer' ? 'bearer' : 'public',
        params: (operation.parameters ?? []).filter((p) => p.in === 'path'),
        query: (operation.parameters ?? []).filter((p) => p.in === 'query'),
        body: operation.requestBody?.content['application/json']?.schema ?? null,
      });
    }
  }
  return operations;
}

describe('hostile input on every documented route', () => {
  let api: TestApi;
  let simulators: PaymentSimulators;
  const credentials = {} as Record<Exclude<Caller, 'anonymous'>, string>;
  const pools = { own: {} as Pools, all: {} as Pools };
  /** What only company B's own callers may read: never in an answer to company A. */
  const otherCompanyMarkers: string[] = [];
  let fingerprintSql = '';
  /**
   * What the API logs about our own misses while the fuzz runs: a 500's error, and a value the
   * database refused although the checks let it through (answered 400, but still our miss).
   */
  const misses: string[] = [];
  const serverLog = new Writable({
    write(chunk, _encoding, done) {
      const line = String(chunk);
      if (line.includes('"unhandled error"') || line.includes('"the database refused a value the request checks let through"')) {
        const entry = JSON.parse(line) as { msg: string; sqlState?: string; err?: { message?: string } };
        misses.push(`${entry.msg}${entry.sqlState ? ` (${entry.sqlState})` : ''}: ${entry.err?.message ?? ''}`);
      }
      done();
    },
  });
  let otherTenantId = '';

  /**
   * Per table, its row count and the newest transaction that wrote a row version (xmin): a
   * committed insert, update or delete moves one or the other, a rolled-back one neither. Devices
   * are hashed instead, their last-seen time aside: authenticating a till refreshes it, whatever
   * the request then becomes. Equal before and after a refusal, or the refusal wrote something.
   */
  const fingerprint = async () =>
    new Map((await api.services.databases.master.query<{ t: string; n: number; h: string }>(fingerprintSql)).rows.map((r) => [r.t, `${r.n}:${r.h}`]));
  const changedTables = (before: Map<string, string>, after: Map<string, string>) => [...after].filter(([table, print]) => before.get(table) !== print).map(([table]) => table);

  beforeAll(async () => {
    simulators = await startPaymentSimulators({ port: 0 });
    api = await startTestApi(
      {
        PAYMENT_JOBS: 'false',
        STRIPE_API_BASE_URL: simulators.urls.stripe,
        PAYPAL_API_BASE_URL: simulators.urls.paypal,
        MTN_MOMO_BASE_URL: simulators.urls.mtnMomo,
        ORANGE_MOMO_BASE_URL: simulators.urls.orangeMoney,
      },
      { logger: pino({ level: 'warn' }, serverLog) },
    );
    const login = async (email: string, password: string, tenant?: string) => (await api.login(email, password, tenant)).accessToken;
    credentials.super_admin = await login(DEMO_USERS.admin.email, DEMO_USERS.admin.password);
    credentials.pdg = await login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password);
    credentials.dg = await login(DEMO_USERS.dg.email, DEMO_USERS.dg.password);
    credentials.employee = await login(DEMO_USERS.employee.email, DEMO_USERS.employee.password);
    const a = api.demoTenantId;
    const post = async (path: string, token: string | undefined, body: unknown) => {
      const res = await api.call('post', path, { token, body });
      expect(res.status, `${path} ${JSON.stringify(res.body)}`).toBeLessThan(300);
      return res.body;
    };
    const boutiqueA = (await api.call('get', `/api/tenants/${a}/boutiques`, { token: credentials.pdg })).body.boutiques[0].id as string;
    const enrol = async (tenantId: string, token: string, boutiqueId: string, tenant: string) => {
      const { code } = await post(`/api/tenants/${tenantId}/devices/enrolment-codes`, token, { boutiqueId, deviceName: 'Caisse fuzz' });
      return (await post('/api/devices/enrol', undefined, { tenant, code })) as { deviceId: string; credential: string };
    };
    credentials.device = `Device ${(await enrol(a, credentials.pdg, boutiqueA, 'demo')).credential}`;
    // Rows the fuzz may change or revoke: never the callers themselves.
    const spareUserA = (await post(`/api/tenants/${a}/users`, credentials.pdg, { email: 'jetable@demo.local', name: 'Jetable A', role: 'employee', boutiqueIds: [boutiqueA] })).user.id as string;
    const spareDeviceA = (await enrol(a, credentials.pdg, boutiqueA, 'demo')).deviceId;

    const b = (await post('/api/admin/tenants', credentials.super_admin, { code: 'autre', name: 'Autre SARL', owner: { email: 'pdg@autre.gn', name: 'Awa Bah', password: 'AutrePass2026' } })).tenantId as string;
    const pdgB = await login('pdg@autre.gn', 'AutrePass2026', 'autre');
    const boutiqueB = await post(`/api/tenants/${b}/boutiques`, pdgB, { code: 'ZB1', name: 'Zêta Marché secret', address: 'Kaloum secret', phone: '+224 620 99 99 99' });
    const userB = (await post(`/api/tenants/${b}/users`, pdgB, { email: 'caissiere@autre.gn', name: 'Mariama Secrète', role: 'employee', boutiqueIds: [boutiqueB.id] })).user;
    const deviceB = await enrol(b, pdgB, boutiqueB.id, 'autre');
    const products = (await api.call('get', '/api/storefront/demo?limit=3')).body.products.map((p: { id: string }) => p.id) as string[];

    Object.assign(pools.own, {
      tenantId: [a],
      tenantIdOfAdmin: [b],
      boutiqueId: [boutiqueA],
      userId: [spareUserA],
      deviceId: [spareDeviceA],
      productId: products,
      tenant: ['demo'],
      email: [DEMO_USERS.pdg.email, DEMO_USERS.employee.email, 'jetable@demo.local'],
    });
    Object.assign(pools.all, {
      tenantId: [a, b],
      tenantIdOfAdmin: [b],
      boutiqueId: [boutiqueA, boutiqueB.id],
      userId: [spareUserA, userB.id],
      deviceId: [spareDeviceA, deviceB.deviceId],
      productId: products,
      tenant: ['demo', 'autre'],
      email: [DEMO_USERS.pdg.email, DEMO_USERS.employee.email, 'jetable@demo.local', 'pdg@autre.gn'],
    });
    otherTenantId = b;
    otherCompanyMarkers.push(b, boutiqueB.id, 'Zêta Marché secret', 'Kaloum secret', userB.id, 'Mariama Secrète', 'caissiere@autre.gn', deviceB.deviceId);

    const { rows } = await api.services.databases.master.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
    fingerprintSql = rows
      .map(({ name }) =>
        name === 'devices'
          ? `SELECT '${name}' AS t, count(*)::int AS n, coalesce(sum(hashtext((to_jsonb(x) - 'last_seen_at')::text)::bigint), 0)::text AS h FROM "${name}" x`
          : `SELECT '${name}' AS t, count(*)::int AS n, coalesce(max(xmin::text::bigint), 0)::text AS h FROM "${name}"`,
      )
      .join(' UNION ALL ');
  });

  afterAll(async () => {
    await api?.close();
    await simulators?.close();
  });

  let sent = 0;
  async function send(operation: Operation, attempt: Attempt) {
    // A client address of its own per request (the API trusts a loopback proxy): the login and
    // enrolment limits would otherwise answer 429 before the code under test runs.
    sent++;
    const headers: Record<string, string> = { 'accept-language': 'fr', 'x-forwarded-for': `10.${(sent >> 16) & 255}.${(sent >> 8) & 255}.${sent & 255}` };
    if (attempt.caller !== 'anonymous') headers.authorization = attempt.caller === 'device' ? credentials.device : `Bearer ${credentials[attempt.caller]}`;
    if (attempt.idempotencyKey) headers['idempotency-key'] = attempt.idempotencyKey;
    let body: string | Uint8Array<ArrayBuffer> | undefined;
    if (attempt.body.kind === 'json') {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(attempt.body.value) ?? 'null';
    } else if (attempt.body.kind === 'raw') {
      headers['content-type'] = attempt.body.contentType;
      body = attempt.body.text;
    }
    const url = `${api.url}${urlOf(operation, attempt)}`;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 30_000);
    try {
      const res = await fetch(url, { method: operation.method.toUpperCase(), headers, body: body ?? null, signal: abort.signal });
      // The live stream never ends: its status and headers are the answer.
      if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
        abort.abort();
        return { status: res.status, text: '' };
      }
      return { status: res.status, text: res.headers.get('content-type')?.includes('json') ? await res.text() : (await res.arrayBuffer(), '') };
    } finally {
      clearTimeout(timer);
    }
  }

  it('answers no 5xx, refuses in the error format, writes nothing when it refuses, and never shows company B to company A', async () => {
    const documentRes = await api.call('get', '/api/openapi.json');
    const operations = operationsOf(documentRes.body);
    // The document is the list the fuzz walks: every mounted route must be in it.
    expect(operations.map((o) => `${o.method} ${o.path}`).sort()).toEqual(
      [...healthRoutes, ...apiRoutes].map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`).sort(),
    );

    const failures: string[] = [];
    let before = await fingerprint();
    for (const operation of operations) {
      const result = await fc.check(
        fc.asyncProperty(attemptFor(operation, pools), async (attempt) => {
          const missesBefore = misses.length;
          const res = await send(operation, attempt);
          const after = await fingerprint();
          const missed = misses.slice(missesBefore);
          const changed = changedTables(before, after);
          before = after;
          const what = `${res.status} ${res.text.slice(0, 300)}`;
          if (res.status >= 500) throw new Error(`5xx: ${what}${missed.length ? ` (server: ${missed.join('; ')})` : ''}`);
          if (missed.length) throw new Error(`${missed.join('; ')}, answered ${what}`);
          if (res.status >= 400) {
            let parsed: unknown = null;
            try {
              parsed = JSON.parse(res.text);
            } catch {
              // Left null: not the error format.
            }
            if (!isErrorBody(parsed)) throw new Error(`refusal outside the error format: ${what}`);
            // A provider's refusal comes once the attempt is recorded: the payment row is its trail.
            const trail = PROVIDER_REFUSALS.has(parsed.error.code) ? PAYMENT_TRAIL : new Set<string>();
            const written = changed.filter((table) => !trail.has(table));
            if (written.length) throw new Error(`refused (${res.status}) but ${written.join(', ')} changed: ${what}`);
          }
          const ofCompanyA = attempt.caller !== 'anonymous' && attempt.caller !== 'super_admin';
          if (res.status < 300 && ofCompanyA && attempt.params.tenantId === otherTenantId && operation.security !== 'public') {
            throw new Error(`${attempt.caller} of company A was answered ${res.status} on company B's route: ${what}`);
          }
          if (res.status < 300 && ofCompanyA && operation.security !== 'public') {
            const asked = JSON.stringify([attempt.params, attempt.query, attempt.body.kind === 'json' ? attempt.body.value : null]);
            const leaked = otherCompanyMarkers.filter((marker) => res.text.includes(marker) && !asked.includes(marker));
            if (leaked.length) throw new Error(`company B's data in an answer to ${attempt.caller} of company A: ${leaked.join(', ')} in ${what}`);
          }
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
      if (result.failed) {
        const counterexample = JSON.stringify(shorten(result.counterexample?.[0]));
        failures.push(`${operation.method.toUpperCase()} ${operation.path}: ${(result.errorInstance as Error | undefined)?.message ?? 'failed'}\n    with ${counterexample}`);
      }
    }
    expect(failures, failures.join('\n')).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(operations.length * RUNS);
  }, 600_000);
});

/** A counterexample small enough to read: long strings, wide objects and deep values cut. */
function shorten(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.length > 120 ? `${value.slice(0, 60)}…(${value.length} chars)` : value;
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return value;
  if (depth > 8) return '…(deeper)';
  const entries = Object.entries(value);
  const kept = entries.slice(0, 12).map(([k, v]) => [k, shorten(v, depth + 1)] as const);
  if (Array.isArray(value)) return kept.map(([, v]) => v).concat(entries.length > 12 ? [`…(${entries.length} items)`] : []);
  return Object.fromEntries(entries.length > 12 ? [...kept, ['…', `${entries.length} keys`]] : kept);
}
