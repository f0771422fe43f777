import { parse } from 'csv-parse/sync';
import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { StockMovement } from '../../../shared/schema/stock-movements.js';
import { searchForm } from '../../../shared/text.js';
import type { Queryable } from '../../db/database.js';
import { AppError, badRequest, conflict, notFound } from '../http/errors.js';
import type { UserPrincipal } from '../http/principal.js';
import * as repository from './repository.js';
import type { Boutique, CountLineRow, CountRow, CountStatus, CountTotals, HistoryRow, LevelRow, LineState } from './repository.js';

/**
 * The namespace of the movement ids this module derives: an adjustment's from its client id, a
 * count's from the count and the product. A retry, or a second manager applying the same count at
 * the same moment, derives the same ids, and the sync store writes a fact only once.
 */
const MOVEMENT_NAMESPACE = '5b0f6d2e-8f0a-4c61-9a51-3c1f2f7e0b12';

export function adjustmentMovementId(tenantId: string, adjustmentId: string): string {
  return uuidv5(`adjustment:${tenantId}:${adjustmentId}`, MOVEMENT_NAMESPACE);
}

export function countMovementId(tenantId: string, countId: string, productId: string): string {
  return uuidv5(`count:${tenantId}:${countId}:${productId}`, MOVEMENT_NAMESPACE);
}

/** The largest quantity a movement may carry (shared/schema/common DOCUMENT_LIMITS). */
export const MAX_QUANTITY_MILLI = 1e12;

// ---------------------------------------------------------------------------------------------
// Which boutiques a manager may see and act on
// ---------------------------------------------------------------------------------------------

/** A pdg (and platform staff) acts on every boutique of the company; anyone else on theirs only. */
export async function boutiquesOf(tx: Queryable, tenantId: string, principal: UserPrincipal): Promise<Boutique[]> {
  const all = await repository.listBoutiques(tx, tenantId);
  if (principal.role === 'pdg' || principal.role === 'super_admin') return all;
  const mine = new Set(principal.boutiqueIds);
  return all.filter((b) => mine.has(b.id));
}

/**
 * The boutique named, when the caller may act on it. Another boutique of the company is answered
 * as an unknown one: a dg learns nothing of the boutiques that are not theirs.
 */
async function assertBoutique(tx: Queryable, tenantId: string, principal: UserPrincipal, boutiqueId: string): Promise<Boutique> {
  const boutique = (await boutiquesOf(tx, tenantId, principal)).find((b) => b.id === boutiqueId);
  if (!boutique) throw notFound('BOUTIQUE_NOT_FOUND', { boutiqueId });
  return boutique;
}

async function assertProduct(tx: Queryable, tenantId: string, productId: string) {
  const product = await repository.findProduct(tx, tenantId, productId);
  if (!product) throw new AppError(404, 'PRODUCT_NOT_FOUND', { productId }, { ref: productId });
  return product;
}

/** Products sold by the piece move by whole pieces; kg and litres by the gram and millilitre. */
function assertQuantityFits(unit: string, quantityMilli: number, productId: string): void {
  if (unit === 'piece' && quantityMilli % 1000 !== 0) throw new AppError(422, 'STOCK_QUANTITY_FRACTION', { productId });
}

/** What the user typed: a barcode exactly, or part of a name in its search form. */
function searchOf(q: string): { barcode: string | null; searchPart: string | null } {
  const trimmed = q.trim();
  if (trimmed === '') return { barcode: null, searchPart: null };
  return { barcode: trimmed, searchPart: searchForm(trimmed) || null };
}

// ---------------------------------------------------------------------------------------------
// Cursors: opaque, naming the list they were taken in.
// ---------------------------------------------------------------------------------------------

const nameCursor = z.object({ k: z.enum(['levels', 'lines']), n: z.string().max(400), i: z.string().min(1).max(64) });

function encodeNameCursor(kind: 'levels' | 'lines', searchName: string, id: string): string {
  return Buffer.from(JSON.stringify({ k: kind, n: searchName, i: id })).toString('base64url');
}

function decodeNameCursor(kind: 'levels' | 'lines', cursor: string): { searchName: string; id: string } {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('LIST_CURSOR_INVALID');
  }
  const parsed = nameCursor.safeParse(decoded);
  if (!parsed.success || parsed.data.k !== kind) throw badRequest('LIST_CURSOR_INVALID');
  return { searchName: parsed.data.n, id: parsed.data.i };
}

// ---------------------------------------------------------------------------------------------
// Levels: the matrix products × boutiques
// ---------------------------------------------------------------------------------------------

export type LevelQuery = { q: string; categoryId: string | null; boutiqueId: string | null; low: boolean; limit: number; after: string | null };
export type LevelPage = {
  boutiques: Boutique[];
  products: Array<Omit<LevelRow, 'searchName'>>;
  nextCursor: string | null;
  /** Counted on the first page only (a count of 100,000 rows is not repeated while scrolling). */
  total: number | null;
};

export async function listLevels(tx: Queryable, tenantId: string, principal: UserPrincipal, query: LevelQuery): Promise<LevelPage> {
  const boutiques = query.boutiqueId === null ? await boutiquesOf(tx, tenantId, principal) : [await assertBoutique(tx, tenantId, principal, query.boutiqueId)];
  const filter = { ...searchOf(query.q), categoryId: query.categoryId, low: query.low, boutiqueIds: boutiques.map((b) => b.id) };
  const after = query.after === null ? null : decodeNameCursor('levels', query.after);
  const rows = await repository.listLevels(tx, tenantId, filter, after, query.limit);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    boutiques,
    products: page.map(({ searchName: _searchName, ...row }) => row),
    nextCursor: rows.length > query.limit && last ? encodeNameCursor('levels', last.searchName, last.id) : null,
    total: after === null ? await repository.countLevels(tx, tenantId, filter) : null,
  };
}

/** One boutique's stock, lowest first: the list the API had before the matrix. */
export async function boutiqueStock(tx: Queryable, tenantId: string, principal: UserPrincipal, query: { boutiqueId: string; below: number | null; limit: number }) {
  await assertBoutique(tx, tenantId, principal, query.boutiqueId);
  return repository.boutiqueStock(tx, tenantId, query.boutiqueId, query.below === null ? null : query.below * 1000, query.limit);
}

// ---------------------------------------------------------------------------------------------
// Adjustments
// ---------------------------------------------------------------------------------------------

export type AdjustmentInput = { id: string; boutiqueId: string; productId: string; quantityMilli: number; reason?: string | undefined };
export type Adjustment = { id: string; movementId: string; boutiqueId: string; productId: string; quantityMilli: number; reason: string; authorId: string; createdAt: string };

/**
 * An adjustment: an `adjustment` movement (synced to the boutique's tills) and its record with
 * the author, in the caller's transaction. Idempotent by the client's id: the same adjustment sent
 * again answers the first one (`created: false`); the same id with other content is a conflict.
 */
export async function adjust(tx: Queryable, tenantId: string, principal: UserPrincipal, input: AdjustmentInput): Promise<{ adjustment: Adjustment; created: boolean }> {
  const reason = input.reason?.trim() ?? '';
  if (reason === '') throw badRequest('STOCK_ADJUST_REASON_REQUIRED');
  await assertBoutique(tx, tenantId, principal, input.boutiqueId);
  const product = await assertProduct(tx, tenantId, input.productId);
  assertQuantityFits(product.unit, input.quantityMilli, product.id);

  const existing = await repository.findAdjustment(tx, tenantId, input.id);
  if (existing) return { adjustment: sameAdjustment(existing, { ...input, reason }), created: false };

  const movementId = adjustmentMovementId(tenantId, input.id);
  const record = { id: input.id, movementId, boutiqueId: input.boutiqueId, productId: input.productId, quantityMilli: input.quantityMilli, reason, countId: null, authorId: principal.userId, authorRole: principal.role };
  const inserted = await repository.insertAdjustments(tx, tenantId, [record]);
  if (inserted.length === 0) {
    // Sent twice at the same moment: the other request recorded it first.
    const first = await repository.findAdjustment(tx, tenantId, input.id);
    if (!first) throw conflict('STOCK_ADJUSTMENT_ID_REUSED', { id: input.id });
    return { adjustment: sameAdjustment(first, { ...input, reason }), created: false };
  }
  const createdAt = new Date().toISOString();
  await repository.writeMovements(tx, tenantId, [
    { id: movementId, tenantId, boutiqueId: input.boutiqueId, productId: input.productId, quantityMilli: input.quantityMilli, kind: 'adjustment', reason, refId: input.id, deviceId: null, createdAt },
  ]);
  return { adjustment: { id: input.id, movementId, boutiqueId: input.boutiqueId, productId: input.productId, quantityMilli: input.quantityMilli, reason, authorId: principal.userId, createdAt }, created: true };
}

function sameAdjustment(existing: repository.AdjustmentRecord & { createdAt: string }, input: AdjustmentInput & { reason: string }): Adjustment {
  if (existing.countId !== null || existing.boutiqueId !== input.boutiqueId || existing.productId !== input.productId || existing.quantityMilli !== input.quantityMilli || existing.reason !== input.reason) {
    throw conflict('STOCK_ADJUSTMENT_ID_REUSED', { id: input.id });
  }
  const { countId: _countId, authorRole: _authorRole, ...adjustment } = existing;
  return adjustment;
}

// ---------------------------------------------------------------------------------------------
// A product's history
// ---------------------------------------------------------------------------------------------

export type HistoryPage = { product: { id: string; name: string; barcode: string; unit: string }; boutiques: Boutique[]; movements: Array<Omit<HistoryRow, 'seq'>>; nextCursor: string | null };

export async function productHistory(
  tx: Queryable,
  tenantId: string,
  principal: UserPrincipal,
  productId: string,
  query: { boutiqueId: string | null; after: string | null; limit: number },
): Promise<HistoryPage> {
  const product = await assertProduct(tx, tenantId, productId);
  const boutiques = query.boutiqueId === null ? await boutiquesOf(tx, tenantId, principal) : [await assertBoutique(tx, tenantId, principal, query.boutiqueId)];
  let before: number | null = null;
  if (query.after !== null) {
    if (!/^[1-9]\d{0,17}$/.test(query.after)) throw badRequest('LIST_CURSOR_INVALID');
    before = Number(query.after);
  }
  const rows = await repository.productHistory(tx, tenantId, productId, boutiques.map((b) => b.id), before, query.limit);
  const page = rows.slice(0, query.limit);
  return {
    product: { id: product.id, name: product.name, barcode: product.barcode, unit: product.unit },
    boutiques,
    movements: page.map(({ seq: _seq, ...row }) => row),
    nextCursor: rows.length > query.limit ? String(page.at(-1)!.seq) : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Inventory counts
// ---------------------------------------------------------------------------------------------

async function assertCount(tx: Queryable, tenantId: string, principal: UserPrincipal, countId: string, options: { lock?: boolean } = {}): Promise<CountRow> {
  const count = await repository.findCount(tx, tenantId, countId, options);
  const mine = count && (await boutiquesOf(tx, tenantId, principal)).some((b) => b.id === count.boutiqueId);
  if (!count || !mine) throw notFound('STOCK_COUNT_NOT_FOUND', { countId });
  return count;
}

function assertDraft(count: CountRow): void {
  if (count.status !== 'draft') throw conflict('STOCK_COUNT_CLOSED', { countId: count.id, status: count.status });
}

export type CountInput = { id: string | undefined; boutiqueId: string; label: string; q: string; categoryId: string | null };

/**
 * A count sheet of a boutique: every active product (or those of a category or a search), with
 * the stock on hand now as the expected quantity, frozen. Idempotent by the client's id.
 */
export async function createCount(tx: Queryable, tenantId: string, principal: UserPrincipal, input: CountInput): Promise<{ count: CountRow; created: boolean }> {
  await assertBoutique(tx, tenantId, principal, input.boutiqueId);
  const id = input.id ?? uuidv7();
  const created = await repository.createCount(tx, tenantId, {
    id, boutiqueId: input.boutiqueId, label: input.label, filter: { ...searchOf(input.q), categoryId: input.categoryId }, createdBy: principal.userId,
  });
  const count = await assertCount(tx, tenantId, principal, id);
  if (!created && count.boutiqueId !== input.boutiqueId) throw conflict('STOCK_COUNT_ID_REUSED', { id });
  // Nothing to count: the transaction is rolled back, no empty sheet is left behind.
  if (created && count.lines === 0) throw new AppError(422, 'STOCK_COUNT_EMPTY');
  return { count, created };
}

export async function listCounts(
  tx: Queryable,
  tenantId: string,
  principal: UserPrincipal,
  query: { boutiqueId: string | null; status: CountStatus | null; before: string | null; limit: number },
): Promise<{ counts: CountRow[]; nextCursor: string | null }> {
  const boutiques = query.boutiqueId === null ? await boutiquesOf(tx, tenantId, principal) : [await assertBoutique(tx, tenantId, principal, query.boutiqueId)];
  const rows = await repository.listCounts(tx, tenantId, { boutiqueIds: boutiques.map((b) => b.id), status: query.status, before: query.before, limit: query.limit });
  const counts = rows.slice(0, query.limit);
  return { counts, nextCursor: rows.length > query.limit ? counts.at(-1)!.id : null };
}

export async function getCount(tx: Queryable, tenantId: string, principal: UserPrincipal, countId: string): Promise<{ count: CountRow; totals: CountTotals }> {
  const count = await assertCount(tx, tenantId, principal, countId);
  return { count, totals: await repository.countTotals(tx, tenantId, countId) };
}

export type CountLine = Omit<CountLineRow, 'searchName'> & { differenceMilli: number | null; differenceValueMinor: number | null };

/**
 * A page of a count's lines: the sheet (to enter counts) and the variance report. The difference
 * is what the apply writes (or wrote): counted minus the stock on hand (now, or at the apply).
 */
export async function listCountLines(
  tx: Queryable,
  tenantId: string,
  principal: UserPrincipal,
  countId: string,
  query: { q: string; state: LineState; after: string | null; limit: number },
): Promise<{ lines: CountLine[]; nextCursor: string | null }> {
  await assertCount(tx, tenantId, principal, countId);
  const after = query.after === null ? null : decodeNameCursor('lines', query.after);
  const rows = await repository.listCountLines(tx, tenantId, countId, { state: query.state, ...searchOf(query.q) }, after, query.limit);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    lines: page.map(({ searchName: _searchName, ...line }) => {
      const differenceMilli = line.countedMilli === null ? null : line.countedMilli - line.onHandMilli;
      return {
        ...line,
        differenceMilli,
        differenceValueMinor: differenceMilli === null || line.costMinor === null ? null : Math.round((differenceMilli * line.costMinor) / 1000),
      };
    }),
    nextCursor: rows.length > query.limit && last ? encodeNameCursor('lines', last.searchName, last.productId) : null,
  };
}

/** Counted quantities entered on screen; a null clears a line's count. */
export async function enterCounts(
  tx: Queryable,
  tenantId: string,
  principal: UserPrincipal,
  countId: string,
  entries: Array<{ productId: string; countedMilli: number | null }>,
): Promise<{ updated: number }> {
  const count = await assertCount(tx, tenantId, principal, countId, { lock: true });
  assertDraft(count);
  const units = new Map<string, string>();
  for (const entry of entries) {
    if (entry.countedMilli === null) continue;
    if (!units.has(entry.productId)) units.set(entry.productId, (await repository.findProduct(tx, tenantId, entry.productId))?.unit ?? 'piece');
    assertQuantityFits(units.get(entry.productId)!, entry.countedMilli, entry.productId);
  }
  const updated = new Set(await repository.setCounted(tx, tenantId, countId, entries, principal.userId));
  const unknown = entries.filter((e) => !updated.has(e.productId)).map((e) => e.productId);
  // Nothing half-written: a product that is not on the sheet refuses the whole entry.
  if (unknown.length > 0) throw new AppError(422, 'STOCK_COUNT_LINE_UNKNOWN', { productIds: unknown.slice(0, 20) });
  return { updated: updated.size };
}

/** The most lines an imported count file may hold (a boutique's whole catalogue, with room). */
export const COUNT_CSV_LIMITS = { bytes: 8 * 1024 * 1024, rows: 200_000 } as const;
const CODE_COLUMNS = new Set(['code', 'sku', 'code_barres', 'barcode', 'reference', 'référence']);
const QUANTITY_COLUMNS = new Set(['quantite', 'quantité', 'quantity', 'qte', 'qté']);

/**
 * A quantity as a French sheet writes it ("12", "2,5", "2.250", "1 200"), in thousandths: at
 * most three decimals, never negative (a shelf holds no less than nothing). Null when unreadable.
 */
export function parseQuantity(value: string): number | null {
  const text = value.trim().replace(/[\s\u00a0\u202f]/g, '');
  const match = /^(\d{1,12})(?:[.,](\d{1,3}))?$/.exec(text);
  if (!match) return null;
  return Number(match[1]) * 1000 + Number((match[2] ?? '').padEnd(3, '0'));
}

export type CountImportResult = { lines: number; updated: number; errorCount: number; errors: Array<{ line: number; reason: string }> };

/**
 * Counted quantities from a CSV file (`code;quantite`, header first, `;` or `,`): the code is a
 * product's barcode (or its SKU). Every line is checked first; a file with errors writes nothing
 * and reports each line with its reason. A code twice in the file is an error on its second line.
 */
export async function importCounts(tx: Queryable, tenantId: string, principal: UserPrincipal, countId: string, file: string): Promise<CountImportResult> {
  const count = await assertCount(tx, tenantId, principal, countId, { lock: true });
  assertDraft(count);
  const text = file.startsWith('\uFEFF') ? file.slice(1) : file;
  const headerLine = text.split(/\r\n|\n|\r/, 1)[0] ?? '';
  if (headerLine.trim() === '') throw badRequest('CSV_EMPTY');
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { delimiter: headerLine.includes(';') ? ';' : ',', record_delimiter: ['\r\n', '\n', '\r'], relax_column_count: true, skip_empty_lines: true, info: true }) as unknown as typeof records;
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 0;
    throw new AppError(400, 'CSV_MALFORMED', { line }, { line, reason: 'guillemets mal placés' });
  }
  const header = records[0]!.record.map((name) => name.trim().toLowerCase());
  if (header.length !== 2 || !CODE_COLUMNS.has(header[0]!) || !QUANTITY_COLUMNS.has(header[1]!)) {
    throw new AppError(400, 'CSV_HEADER_INVALID', { expected: ['code', 'quantite'], found: records[0]!.record.slice(0, 10).map((v) => v.slice(0, 100)) }, { expected: 'code;quantite' });
  }
  if (records.length - 1 > COUNT_CSV_LIMITS.rows) throw new AppError(413, 'CSV_TOO_MANY_ROWS', undefined, { max: COUNT_CSV_LIMITS.rows });

  const errors: Array<{ line: number; reason: string }> = [];
  let errorCount = 0;
  const fail = (line: number, reason: string) => {
    errorCount++;
    if (errors.length < 200) errors.push({ line, reason });
  };
  const parsed: Array<{ line: number; code: string; quantityMilli: number }> = [];
  const seen = new Map<string, number>();
  for (const { record, info } of records.slice(1)) {
    const line = info.lines;
    if (record.length !== 2) {
      fail(line, `2 colonnes attendues, ${record.length} trouvée${record.length > 1 ? 's' : ''}`);
      continue;
    }
    const code = record[0]!.trim();
    const quantityMilli = parseQuantity(record[1]!);
    if (code === '' || code.length > 64) fail(line, 'code : code-barres ou référence attendu');
    else if (quantityMilli === null || quantityMilli > MAX_QUANTITY_MILLI) fail(line, 'quantite : nombre positif attendu, trois décimales au plus (ex. : 12 ou 2,5)');
    else if (seen.has(code)) fail(line, `code : déjà présent à la ligne ${seen.get(code)}`);
    else {
      seen.set(code, line);
      parsed.push({ line, code, quantityMilli });
    }
  }
  const found = new Map<string, { productId: string; unit: string }>();
  for (let start = 0; start < parsed.length; start += 5_000) {
    const codes = parsed.slice(start, start + 5_000).map((p) => p.code);
    for (const match of await repository.linesByCode(tx, tenantId, countId, codes)) found.set(match.code, match);
  }
  const entries: Array<{ productId: string; countedMilli: number }> = [];
  const productLine = new Map<string, number>();
  for (const row of parsed) {
    const match = found.get(row.code);
    if (!match) fail(row.line, `code : aucun produit de cette feuille de comptage n’a le code « ${row.code.slice(0, 40)} »`);
    else if (match.unit === 'piece' && row.quantityMilli % 1000 !== 0) fail(row.line, 'quantite : ce produit se compte à la pièce (nombre entier)');
    else if (productLine.has(match.productId)) fail(row.line, `code : même produit qu’à la ligne ${productLine.get(match.productId)}`);
    else {
      productLine.set(match.productId, row.line);
      entries.push({ productId: match.productId, countedMilli: row.quantityMilli });
    }
  }
  errors.sort((a, b) => a.line - b.line);
  if (errorCount > 0) return { lines: records.length - 1, updated: 0, errorCount, errors };
  for (let start = 0; start < entries.length; start += 5_000) await repository.setCounted(tx, tenantId, countId, entries.slice(start, start + 5_000), principal.userId);
  return { lines: records.length - 1, updated: entries.length, errorCount: 0, errors: [] };
}

/**
 * Applies a count in one step. Rule for the movements that happened since the sheet was made (a
 * sale, a transfer, a till's offline push arriving late): the counted quantity becomes the stock
 * on hand. Each counted line is adjusted by counted minus the stock on hand at the apply, not
 * minus the frozen expected quantity; lines left uncounted are not touched. The stock on hand
 * compared with is kept on each line, so the report still shows what was corrected.
 *
 * Exactly once: the count is locked while it is applied, a second apply finds it applied and
 * answers it as it is, and the movement ids come from the count and the product, so even a writer
 * that did not wait would write nothing twice.
 */
export async function applyCount(tx: Queryable, tenantId: string, principal: UserPrincipal, countId: string): Promise<{ count: CountRow; movements: number; applied: boolean }> {
  const count = await assertCount(tx, tenantId, principal, countId, { lock: true });
  if (count.status === 'applied') return { count, movements: 0, applied: false };
  assertDraft(count);
  const lines = await repository.countedLines(tx, tenantId, countId, count.boutiqueId);
  const createdAt = new Date().toISOString();
  const reason = count.label ? `Inventaire : ${count.label}` : 'Inventaire';
  const movements: StockMovement[] = [];
  for (const line of lines) {
    const delta = line.countedMilli - line.onHandMilli;
    if (delta === 0) continue;
    if (Math.abs(delta) > MAX_QUANTITY_MILLI) throw new AppError(422, 'STOCK_QUANTITY_TOO_LARGE', { productId: line.productId });
    movements.push({
      id: countMovementId(tenantId, countId, line.productId), tenantId, boutiqueId: count.boutiqueId, productId: line.productId,
      quantityMilli: delta, kind: 'adjustment', reason, refId: countId, deviceId: null, createdAt,
    });
  }
  await repository.recordOnHandAtApply(tx, tenantId, countId, lines);
  await repository.insertAdjustments(
    tx,
    tenantId,
    movements.map((m) => ({ id: m.id, movementId: m.id, boutiqueId: m.boutiqueId, productId: m.productId, quantityMilli: m.quantityMilli, reason, countId, authorId: principal.userId, authorRole: principal.role })),
  );
  const written = await repository.writeMovements(tx, tenantId, movements);
  await repository.closeCount(tx, tenantId, countId, 'applied', principal.userId);
  return { count: await assertCount(tx, tenantId, principal, countId), movements: written.length, applied: true };
}

export async function cancelCount(tx: Queryable, tenantId: string, principal: UserPrincipal, countId: string): Promise<CountRow> {
  const count = await assertCount(tx, tenantId, principal, countId, { lock: true });
  if (count.status === 'cancelled') return count;
  assertDraft(count);
  await repository.closeCount(tx, tenantId, countId, 'cancelled', principal.userId);
  return assertCount(tx, tenantId, principal, countId);
}
