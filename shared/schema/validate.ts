import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { findUnsafeValue } from '../text.js';
import { cashSessionEventRuleBroken, cashSessionEventSchema, type CashSessionEvent } from './cash-session-events.js';
import { DOCUMENT_LIMITS, type RuleBroken } from './common.js';
import { customerRuleBroken, customerSchema, type Customer } from './customers.js';
import { returnRuleBroken, returnSchema, type Return } from './returns.js';
import { saleRuleBroken, saleSchema, type Sale } from './sales.js';
import { stockMovementRuleBroken, stockMovementSchema, type StockMovement } from './stock-movements.js';

/**
 * The check of a document a till writes, before anyone else takes it as true: the cloud runs it
 * on every pushed document (sync/server/handlers.ts), a till may run it before writing. In order:
 *
 * 1. the one text rule of shared/text.ts over the whole value (no NUL byte, no lone surrogate, no
 *    `__proto__` key, not too deep nor too many keys), before anything reads the value;
 * 2. the collection's RxDB schema from shared/schema, closed and bounded (below);
 * 3. the collection's rules, written beside its schema (totals equal lines, tenders pay the total…);
 * 4. who wrote it: the document names the tenant, boutique and till that pushes it.
 *
 * Schemas are closed: a document carries the fields of its schema and nothing else, at every
 * level. The cloud stores a fact as it comes and hands it to every till of the boutique, and
 * reports read it: an unknown field would be stored unchecked (a megabyte of anything). RxDB
 * already refuses unknown top-level fields at the till; a new field comes with a schema version,
 * and a cloud that does not know it yet sets the document aside with its reason, where a manager
 * sees it. The RxDB schemas themselves stay as they are: the tills' databases were created with
 * them, and RxDB refuses to open a collection whose schema changed without a migration.
 */

/** The collections tills write. Cloud-owned ones are refused whole, whatever they hold. */
export const TILL_WRITTEN = {
  sales: { schema: saleSchema, rules: saleRuleBroken as (doc: Sale) => RuleBroken, origin: 'till' },
  returns: { schema: returnSchema, rules: returnRuleBroken as (doc: Return) => RuleBroken, origin: 'till' },
  stock_movements: { schema: stockMovementSchema, rules: stockMovementRuleBroken as (doc: StockMovement) => RuleBroken, origin: 'till' },
  cash_session_events: { schema: cashSessionEventSchema, rules: cashSessionEventRuleBroken as (doc: CashSessionEvent) => RuleBroken, origin: 'till' },
  // Customers are shared by the tenant's tills: they name no boutique and no till.
  customers: { schema: customerSchema, rules: customerRuleBroken as (doc: Customer) => RuleBroken, origin: 'tenant' },
} as const;

export type TillWrittenCollection = keyof typeof TILL_WRITTEN;

export function isTillWritten(name: string): name is TillWrittenCollection {
  return Object.hasOwn(TILL_WRITTEN, name);
}

/** Who writes: a document must name its own tenant, and for facts its boutique and its till. */
export type Writer = { tenantId: string; boutiqueId: string; deviceId: string };

/** Keywords of RxDB's schemas that are not JSON Schema validation. */
const RXDB_ONLY = new Set(['version', 'primaryKey', 'indexes', 'internalIndexes', 'keyCompression', 'encrypted', 'attachments', 'sharding', 'crdt', 'final', 'ref']);

type JsonSchema = { [keyword: string]: unknown };

/**
 * The schema as a till's document must meet it: every object with declared properties allows
 * those only; every map (an object typed by its values), string, array and integer without a
 * bound gets the document limits. A copy: the RxDB schema is left untouched.
 */
export function closedSchema(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (RXDB_ONLY.has(keyword)) continue;
    if (keyword === 'properties') out.properties = Object.fromEntries(Object.entries(value as Record<string, JsonSchema>).map(([k, v]) => [k, closedSchema(v)]));
    else if ((keyword === 'items' || keyword === 'additionalProperties') && typeof value === 'object' && value !== null) out[keyword] = closedSchema(value as JsonSchema);
    else out[keyword] = value;
  }
  const types = ([] as unknown[]).concat(schema.type);
  if (types.includes('object')) {
    if (schema.properties) out.additionalProperties ??= false;
    else out.maxProperties ??= DOCUMENT_LIMITS.mapKeys;
  }
  if (types.includes('string')) out.maxLength ??= DOCUMENT_LIMITS.text;
  if (types.includes('array')) out.maxItems ??= DOCUMENT_LIMITS.items;
  if (types.includes('integer')) {
    out.minimum ??= -1e15;
    out.maximum ??= 1e15;
  }
  return out;
}

// RxDB's schemas carry their own keywords (not strict JSON Schema); unicode lengths as RxDB counts.
const ajv = new Ajv({ strict: false, allErrors: false, coerceTypes: false, useDefaults: false });
const compiled = new Map<TillWrittenCollection, ValidateFunction>();

function validatorOf(collection: TillWrittenCollection): ValidateFunction {
  let validate = compiled.get(collection);
  if (!validate) {
    validate = ajv.compile(closedSchema(TILL_WRITTEN[collection].schema as unknown as JsonSchema));
    compiled.set(collection, validate);
  }
  return validate;
}

/** The longest reason kept: a reason quotes paths and keys, which come from the document. */
const REASON_MAX = 300;

function reason(text: string): string {
  return text.length > REASON_MAX ? `${text.slice(0, REASON_MAX - 1)}…` : text;
}

function schemaReason(error: ErrorObject): string {
  const path = error.instancePath.split('/').slice(1).join('.');
  const extra = error.keyword === 'additionalProperties' ? ` (${String((error.params as { additionalProperty: string }).additionalProperty)})` : '';
  return `${path ? `${path} ` : ''}${error.message ?? 'is invalid'}${extra}`;
}

const UNSAFE = {
  text: 'holds a NUL byte or a lone surrogate',
  depth: 'is nested too deep',
  size: 'has too many values',
  key: 'has a forbidden key',
} as const;

/** Why a value from outside breaks the one text rule of shared/text.ts, or null when it does not. */
export function unsafeValueReason(value: unknown): RuleBroken {
  const unsafe = findUnsafeValue(value);
  return unsafe ? reason(`invalid document: ${unsafe.path || 'the document'} ${UNSAFE[unsafe.reason]}`) : null;
}

/**
 * Why a document a till wrote cannot be taken, or null when it can. `doc` is the document without
 * RxDB's bookkeeping (`_rev`, `_meta`, `_attachments`, `_deleted`). Never throws: anything from
 * outside, of any shape, gets an answer.
 */
export function tillDocumentRuleBroken(collection: TillWrittenCollection, doc: unknown, writer: Writer): RuleBroken {
  const unsafe = unsafeValueReason(doc);
  if (unsafe) return unsafe;
  const validate = validatorOf(collection);
  if (!validate(doc)) return reason(`invalid document: ${validate.errors?.[0] ? schemaReason(validate.errors[0]) : 'does not match its schema'}`);
  const { tenantId, boutiqueId, deviceId } = doc as { tenantId: string; boutiqueId?: string; deviceId?: string | null };
  if (tenantId !== writer.tenantId) return 'document of another tenant';
  if (TILL_WRITTEN[collection].origin === 'till') {
    if (boutiqueId !== writer.boutiqueId) return 'document of another boutique';
    // The pull leaves out the facts a till wrote itself: a fact naming another till would never
    // reach that till, and would be charged to it in reports.
    if (deviceId !== writer.deviceId) return 'document of another till';
  }
  try {
    const broken = (TILL_WRITTEN[collection].rules as (doc: unknown) => RuleBroken)(doc);
    return broken === null ? null : reason(`invalid ${collection.replace(/_/g, ' ').replace(/s$/, '')}: ${broken}`);
  } catch {
    // A rule that cannot be checked on this document (a bug of ours) refuses it rather than take it.
    return 'invalid document: its rules could not be checked';
  }
}
