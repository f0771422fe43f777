import type { ReplicatedCollection, ReplicatedTable } from '../collections.js';
import { syncDocumentSchema, type PushResponse, type PushRow, type Rejection, type SyncCheckpoint, type SyncDocument } from '../protocol.js';
import { isTillWritten, tillDocumentRuleBroken, unsafeValueReason } from '../../shared/schema/validate.js';
import { isSafeText } from '../../shared/text.js';
import { readChanges, readDocuments, recordRejections, writeDocuments, type ChangedRow, type SetAside, type SqlClient, type StoredRow } from './store.js';

/** The enrolled till on the other end: its tenant and boutique bound every read and write. */
export type DeviceScope = { tenantId: string; boutiqueId: string; deviceId: string };

/** RxDB bookkeeping that differs between two copies of the same fact without changing it. */
const LOCAL_FIELDS = new Set(['_rev', '_meta', '_attachments']);

function asDocument(row: StoredRow): SyncDocument {
  return { ...(row.doc as SyncDocument), _deleted: row.deleted };
}

/**
 * A pull's answer with its documents as JSON text (see readChanges); `pullResponseJson` makes the
 * wire's PullResponse of it.
 */
export type PullPage = { documents: string[]; checkpoint: SyncCheckpoint };

/** The stored document's JSON text with RxDB's `_deleted` flag put in (the store keeps it apart). */
function changedDocumentJson(row: ChangedRow & { doc: string }): string {
  return `{"_deleted":${row.deleted},${row.doc.slice(1)}`;
}

export function pullResponseJson(page: PullPage): string {
  return `{"documents":[${page.documents.join(',')}],"checkpoint":${JSON.stringify(page.checkpoint)}}`;
}

/** Canonical JSON (sorted keys, local fields dropped) to compare two states of a fact. */
export function contentOf(doc: Record<string, unknown>): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value)
          .filter((k) => !LOCAL_FIELDS.has(k) && k !== '_deleted')
          .sort()
          .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  return JSON.stringify(canonical(doc));
}

/** How many changes a pull may look through, per document it returns, to skip a till's own facts. */
const OWN_FACTS_SCAN = 5;

/**
 * Changes after the till's checkpoint. With `own: 'skip'`, facts the till wrote itself are not
 * sent back: it has them, and a counter's sales would otherwise cross a metered mobile link
 * twice. RxDB stops asking when a page holds fewer documents than it asked for, and keeps a
 * checkpoint only from a page that holds some, so a page is never emptied by the skipping: when
 * the changes run out, the last own fact carries the checkpoint; when the look-ahead runs out
 * first, own facts fill the page.
 */
export async function pull(tx: SqlClient, scope: DeviceScope, collection: ReplicatedCollection, afterSeq: number, limit: number, own: 'include' | 'skip' = 'include'): Promise<PullPage> {
  const table = collection.table as ReplicatedTable;
  const boutiqueId = collection.boutiqueScoped ? scope.boutiqueId : null;
  if (collection.rule !== 'fact' || own === 'include') {
    const rows = await readChanges(tx, scope.tenantId, table, afterSeq, limit, boutiqueId);
    return { documents: rows.map((row) => changedDocumentJson(row as ChangedRow & { doc: string })), checkpoint: { seq: rows.at(-1)?.seq ?? afterSeq } };
  }
  const documents: string[] = [];
  const ownIds: string[] = [];
  let seq = afterSeq;
  let exhausted = false;
  // Page by page: the usual page has no own fact and costs one query, as for other collections.
  while (!exhausted && ownIds.length + documents.length < limit * OWN_FACTS_SCAN) {
    const rows = await readChanges(tx, scope.tenantId, table, seq, limit, boutiqueId, scope.deviceId);
    for (const row of rows) {
      seq = row.seq;
      if (row.doc === null) ownIds.push(row.id);
      else if (documents.push(changedDocumentJson(row as ChangedRow & { doc: string })) === limit) return { documents, checkpoint: { seq } };
    }
    exhausted = rows.length < limit;
  }
  // Look-ahead spent: if nothing follows, one own fact will do to carry the checkpoint.
  if (!exhausted) exhausted = (await readChanges(tx, scope.tenantId, table, seq, 1, boutiqueId, scope.deviceId)).length === 0;
  // Own facts needed to fill the page (the look-ahead ran out before the changes did) or to carry
  // the checkpoint (the changes ran out with nothing else to send): the last ones seen, read whole.
  const fill = !exhausted ? limit - documents.length : documents.length === 0 ? Math.min(1, ownIds.length) : 0;
  if (fill > 0) {
    const stored = await readDocuments(tx, scope.tenantId, table, ownIds.slice(-fill));
    documents.push(...[...stored.values()].map((row) => JSON.stringify(asDocument(row))));
  }
  return { documents, checkpoint: { seq } };
}

/**
 * Merges a till's customer into the master field by field: each field keeps the value written
 * last, by the `fieldUpdatedAt` stamps both sides carry.
 */
export function mergeLastWriterWins(master: Record<string, unknown>, incoming: Record<string, unknown>): Record<string, unknown> {
  const masterStamps = (master.fieldUpdatedAt ?? {}) as Record<string, string>;
  const incomingStamps = (incoming.fieldUpdatedAt ?? {}) as Record<string, string>;
  const merged: Record<string, unknown> = { ...master };
  const stamps: Record<string, string> = { ...masterStamps };
  for (const [field, value] of Object.entries(incoming)) {
    if (field === 'fieldUpdatedAt' || LOCAL_FIELDS.has(field) || field === 'id' || field === 'tenantId') continue;
    const theirs = incomingStamps[field] ?? '';
    const ours = masterStamps[field] ?? '';
    if (!(field in master) || theirs > ours) {
      merged[field] = value;
      if (theirs) stamps[field] = theirs;
    }
  }
  merged.fieldUpdatedAt = stamps;
  return merged;
}

/** The id a rejection is filed under: the document's own when it is one we could store, else none. */
function rejectedId(raw: unknown): string | null {
  const id = raw !== null && typeof raw === 'object' && Object.hasOwn(raw, 'id') ? (raw as { id: unknown }).id : undefined;
  return typeof id === 'string' && id.length <= 64 && isSafeText(id) ? id : null;
}

/** The document as its schema knows it: without RxDB's bookkeeping, which the till adds on its side. */
function withoutBookkeeping(doc: SyncDocument): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) if (!LOCAL_FIELDS.has(k) && k !== '_deleted') copy[k] = v;
  return copy;
}

/**
 * A pushed document, checked before anything reads it: the text rule first (nothing of a hostile
 * value is looked at before), then the fields every document has and its tenant and boutique,
 * then, for the collections tills write, its collection's full schema and rules (shared/schema/
 * validate.ts). Cloud-owned documents go no further: their owner rule refuses them whole.
 */
function validate(raw: unknown, scope: DeviceScope, collection: ReplicatedCollection): { doc: SyncDocument } | { rejection: Rejection } {
  const id = rejectedId(raw);
  const unsafe = unsafeValueReason(raw);
  if (unsafe) return { rejection: { id, reason: unsafe } };
  const parsed = syncDocumentSchema.safeParse(raw);
  if (!parsed.success) return { rejection: { id, reason: `invalid document: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}` } };
  const doc = parsed.data;
  if (doc.tenantId !== scope.tenantId) return { rejection: { id, reason: 'document of another tenant' } };
  if (collection.boutiqueScoped && doc.boutiqueId !== scope.boutiqueId) return { rejection: { id, reason: 'document of another boutique' } };
  if (!isTillWritten(collection.name)) return { doc };
  // A fact is born once and never edited, so never deleted either.
  if (collection.rule === 'fact' && doc._deleted === true) return { rejection: { id, reason: 'a fact is never deleted' } };
  const broken = tillDocumentRuleBroken(collection.name, withoutBookkeeping(doc), scope);
  return broken ? { rejection: { id, reason: broken } } : { doc };
}

/**
 * The cloud's own checks of valid documents against what it stores (a transfer's reception
 * against the transfer), run in the push's transaction before anything is written: the reason of
 * each document refused, by id. The refused ones are set aside like invalid documents.
 */
export type Vet = (docs: SyncDocument[]) => Promise<Map<string, string>>;

/**
 * What a push did: the answer for the till, and the documents that passed validation (stored now
 * or before), which the cloud may act on (a sale's payment claims).
 */
export type PushOutcome = { response: PushResponse; valid: SyncDocument[] };

/**
 * Applies a till's push. Facts: a new id is stored, the same content again is a no-op (exactly
 * once), different content is a conflict answered with the stored fact and logged, never an
 * overwrite. Cloud-owned documents are never taken from a till. Customers merge field by field.
 * A document that fails validation is set aside in `sync_rejections` with its reason and does not
 * block the others.
 */
export async function push(
  tx: SqlClient,
  scope: DeviceScope,
  collection: ReplicatedCollection,
  rows: PushRow[],
  log: (event: string, details: Record<string, unknown>) => void,
  vet?: Vet,
): Promise<PushOutcome> {
  const rejected: Rejection[] = [];
  const setAside: SetAside[] = [];
  let candidates: SyncDocument[] = [];
  for (const row of rows) {
    const checked = validate(row.newDocumentState, scope, collection);
    if ('doc' in checked) {
      candidates.push(checked.doc);
      continue;
    }
    rejected.push(checked.rejection);
    setAside.push({ documentId: checked.rejection.id, reason: checked.rejection.reason, document: row.newDocumentState });
  }
  if (vet && candidates.length > 0) {
    const refused = await vet(candidates);
    if (refused.size > 0) {
      for (const doc of candidates) {
        const reason = refused.get(doc.id);
        if (reason === undefined) continue;
        rejected.push({ id: doc.id, reason });
        setAside.push({ documentId: doc.id, reason, document: doc });
      }
      candidates = candidates.filter((doc) => !refused.has(doc.id));
    }
  }
  const response = collection.rule === 'fact' ? await pushFacts(tx, scope, collection, candidates, rejected, log) : await pushOthers(tx, scope, collection, candidates, rejected, setAside);
  await recordRejections(tx, scope.tenantId, scope.deviceId, collection.name, setAside);
  return { response, valid: collection.rule === 'cloud-owned' ? [] : candidates };
}

async function pushOthers(tx: SqlClient, scope: DeviceScope, collection: ReplicatedCollection, candidates: SyncDocument[], rejected: Rejection[], setAside: SetAside[]): Promise<PushResponse> {
  const table = collection.table as ReplicatedTable;
  const stored = await readDocuments(tx, scope.tenantId, table, candidates.map((d) => d.id));
  const conflicts: SyncDocument[] = [];
  const toWrite: Array<SyncDocument & { boutiqueId?: string | null }> = [];
  const seen = new Set<string>();
  for (const doc of candidates) {
    if (seen.has(doc.id)) continue;
    seen.add(doc.id);
    const master = stored.get(doc.id);
    if (collection.rule === 'cloud-owned') {
      const reason = `${collection.name} are written in the cloud only`;
      rejected.push({ id: doc.id, reason });
      setAside.push({ documentId: doc.id, reason, document: doc });
      if (master) conflicts.push(asDocument(master));
      continue;
    }
    const merged = master ? mergeLastWriterWins(master.doc, doc) : withoutLocalFields(doc);
    toWrite.push(merged as SyncDocument);
    if (master && contentOf(merged) !== contentOf(doc)) conflicts.push({ ...(merged as SyncDocument), _deleted: false });
  }
  const written = await writeDocuments(tx, scope.tenantId, table, toWrite, scope.deviceId);
  return { conflicts, rejected, accepted: written.length };
}

/**
 * Facts are written first, as new: the usual push holds only new facts and costs no read. Those
 * already stored (a retry, or a clash of ids) are then read and compared: the same content is a
 * no-op, other content a conflict answered with the stored fact, never an overwrite.
 */
async function pushFacts(
  tx: SqlClient,
  scope: DeviceScope,
  collection: ReplicatedCollection,
  candidates: SyncDocument[],
  rejected: Rejection[],
  log: (event: string, details: Record<string, unknown>) => void,
): Promise<PushResponse> {
  const table = collection.table as ReplicatedTable;
  const byId = new Map<string, SyncDocument>();
  for (const doc of candidates) if (!byId.has(doc.id)) byId.set(doc.id, doc);
  const written = new Set(await writeDocuments(tx, scope.tenantId, table, [...byId.values()].map(withoutLocalFields), scope.deviceId));
  const already = [...byId.keys()].filter((id) => !written.has(id));
  const conflicts: SyncDocument[] = [];
  if (already.length > 0) {
    const stored = await readDocuments(tx, scope.tenantId, table, already);
    for (const id of already) {
      const master = stored.get(id)!;
      if (contentOf(master.doc) !== contentOf(byId.get(id)!)) {
        log('fact conflict rejected', { collection: collection.name, id, deviceId: scope.deviceId });
        conflicts.push(asDocument(master));
      }
    }
  }
  return { conflicts, rejected, accepted: written.size };
}

function withoutLocalFields(doc: SyncDocument): SyncDocument {
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) if (!LOCAL_FIELDS.has(k)) copy[k] = v;
  return copy as SyncDocument;
}
