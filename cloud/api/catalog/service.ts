import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { Category } from '../../../shared/schema/categories.js';
import type { Product } from '../../../shared/schema/products.js';
import { isSafeText, searchForm } from '../../../shared/text.js';
import type { Queryable } from '../../db/database.js';
import { AppError, badRequest, conflict, notFound } from '../http/errors.js';
import { BOM, CSV_COLUMNS, csvLine, formatActive, formatVat, parseActive, parsePrice, parseVat, readCatalogueCsv } from './catalogue-csv.js';
import { DEFAULT_VAT_RATE_BP, productFields } from './product-fields.js';
import * as repository from './repository.js';
import type { ProductFilter, ProductKey, ProductSort, ProductStatus, SortDirection } from './repository.js';

export type ProductInput = {
  barcode: string;
  name: string;
  categoryId: string;
  unit: Product['unit'];
  priceMinor: number;
  vatRateBp: number;
  active: boolean;
};

export type ProductQuery = {
  q: string;
  categoryId: string | null;
  status: ProductStatus;
  sort: ProductSort;
  dir: SortDirection;
  limit: number;
  after: string | null;
};

export type ProductPage = { products: Product[]; nextCursor: string | null; total: number };

// ---------------------------------------------------------------------------------------------
// Cursors: opaque to callers, they name the sort they were taken in, so a cursor of another sort
// is refused rather than silently starting somewhere else.
// ---------------------------------------------------------------------------------------------

const cursorShape = z.object({
  s: z.enum(['name', 'barcode', 'priceMinor', 'updatedAt']),
  d: z.enum(['asc', 'desc']),
  v: z.union([z.string().max(400), z.number().int()]),
  i: z.string().min(1).max(64),
});

export function encodeCursor(sort: ProductSort, dir: SortDirection, key: ProductKey): string {
  return Buffer.from(JSON.stringify({ s: sort, d: dir, v: key.value, i: key.id })).toString('base64url');
}

export function decodeCursor(cursor: string, sort: ProductSort, dir: SortDirection): ProductKey {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('LIST_CURSOR_INVALID');
  }
  const parsed = cursorShape.safeParse(decoded);
  if (!parsed.success || parsed.data.s !== sort || parsed.data.d !== dir) throw badRequest('LIST_CURSOR_INVALID');
  // The key's type follows the sort: a number only for prices, text otherwise.
  if ((sort === 'priceMinor') !== (typeof parsed.data.v === 'number')) throw badRequest('LIST_CURSOR_INVALID');
  return { value: parsed.data.v, id: parsed.data.i };
}

// ---------------------------------------------------------------------------------------------
// Products
// ---------------------------------------------------------------------------------------------

export async function listProducts(tx: Queryable, tenantId: string, query: ProductQuery): Promise<ProductPage> {
  const after = query.after ? decodeCursor(query.after, query.sort, query.dir) : null;
  const term = query.q.trim();
  const filter: ProductFilter = {
    barcode: term === '' ? null : term,
    searchPart: term === '' ? null : searchForm(term),
    categoryId: query.categoryId,
    status: query.status,
  };
  const rows = await repository.listProducts(tx, tenantId, { filter, sort: query.sort, dir: query.dir, after, limit: query.limit });
  const products = rows.slice(0, query.limit);
  const last = products.at(-1);
  const nextCursor = rows.length > query.limit && last ? encodeCursor(query.sort, query.dir, { value: repository.sortValue(last, query.sort), id: last.id }) : null;
  const total = await repository.countProducts(tx, tenantId, filter);
  return { products, nextCursor, total };
}

export async function getProduct(tx: Queryable, tenantId: string, productId: string): Promise<Product> {
  const product = await repository.findProduct(tx, tenantId, productId);
  if (!product) throw new AppError(404, 'PRODUCT_NOT_FOUND', undefined, { ref: productId });
  return product;
}

async function assertCategory(tx: Queryable, tenantId: string, categoryId: string): Promise<void> {
  if (!(await repository.findCategory(tx, tenantId, categoryId))) throw new AppError(422, 'CATEGORY_NOT_FOUND', { categoryId });
}

async function assertBarcodeFree(tx: Queryable, tenantId: string, barcode: string, productId: string): Promise<void> {
  const holder = await repository.findProductByBarcode(tx, tenantId, barcode);
  if (holder && holder.id !== productId) throw conflict('PRODUCT_BARCODE_TAKEN', { barcode, productId: holder.id, name: holder.name });
}

/**
 * Writes the product through the sync store. The unique index on live barcodes stands behind the
 * check above: two managers saving the same barcode at the same moment get one product and a 409.
 */
async function save(tx: Queryable, tenantId: string, product: Product): Promise<Product> {
  try {
    await repository.saveProducts(tx, tenantId, [product]);
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw conflict('PRODUCT_BARCODE_TAKEN', { barcode: product.barcode });
    throw error;
  }
  return product;
}

export async function createProduct(tx: Queryable, tenantId: string, input: ProductInput): Promise<Product> {
  await assertCategory(tx, tenantId, input.categoryId);
  const id = uuidv7();
  await assertBarcodeFree(tx, tenantId, input.barcode, id);
  return save(tx, tenantId, {
    id, tenantId, barcode: input.barcode, name: input.name, searchName: searchForm(input.name), categoryId: input.categoryId,
    priceMinor: input.priceMinor, vatRateBp: input.vatRateBp, unit: input.unit, active: input.active, updatedAt: new Date().toISOString(),
  });
}

/** A partial change; `{ active: false }` archives (tills stop selling it, its history stays). */
export async function updateProduct(tx: Queryable, tenantId: string, productId: string, changes: Partial<ProductInput>): Promise<Product> {
  const current = await getProduct(tx, tenantId, productId);
  if (changes.categoryId !== undefined && changes.categoryId !== current.categoryId) await assertCategory(tx, tenantId, changes.categoryId);
  if (changes.barcode !== undefined && changes.barcode !== current.barcode) await assertBarcodeFree(tx, tenantId, changes.barcode, productId);
  const name = changes.name ?? current.name;
  return save(tx, tenantId, { ...current, ...changes, name, searchName: searchForm(name), updatedAt: new Date().toISOString() });
}

// ---------------------------------------------------------------------------------------------
// Categories
// ---------------------------------------------------------------------------------------------

export async function listCategories(tx: Queryable, tenantId: string): Promise<Category[]> {
  return repository.listCategories(tx, tenantId);
}

/**
 * A short code for a new category (the demo's are EPI, BOI…): the first three letters or digits
 * of its name, then a number when another category has it. Codes are never shown as identity and
 * nothing joins on them; the lock only keeps two categories created together from sharing one.
 */
async function freeCategoryCode(tx: Queryable, tenantId: string, name: string): Promise<string> {
  const prefix = (searchForm(name).toUpperCase().replace(/[^A-Z0-9]/g, '') || 'CAT').slice(0, 3);
  await repository.lockCategoryCodes(tx, tenantId);
  const taken = new Set(await repository.categoryCodesStartingWith(tx, tenantId, prefix));
  if (!taken.has(prefix)) return prefix;
  for (let n = 2; ; n++) if (!taken.has(`${prefix}${n}`)) return `${prefix}${n}`;
}

export async function createCategory(tx: Queryable, tenantId: string, input: { name: string }): Promise<Category> {
  const category: Category = { id: uuidv7(), tenantId, code: await freeCategoryCode(tx, tenantId, input.name), name: input.name, updatedAt: new Date().toISOString() };
  await repository.saveCategories(tx, tenantId, [category]);
  return category;
}

export async function updateCategory(tx: Queryable, tenantId: string, categoryId: string, input: { name: string }): Promise<Category> {
  const current = await repository.findCategory(tx, tenantId, categoryId);
  if (!current) throw notFound('CATEGORY_NOT_FOUND', { categoryId });
  const category: Category = { ...current, name: input.name, updatedAt: new Date().toISOString() };
  await repository.saveCategories(tx, tenantId, [category]);
  return category;
}

// ---------------------------------------------------------------------------------------------
// The catalogue as a CSV file: export, and import by barcode
// ---------------------------------------------------------------------------------------------

const EXPORT_PAGE = 2_000;

/**
 * The whole catalogue as CSV text, page by page in barcode order (a page at a time in memory,
 * however large the catalogue). The category goes by name, as the import takes it back.
 */
export async function* exportCatalogue(tx: Queryable, tenantId: string): AsyncGenerator<string> {
  const categoryNames = new Map((await repository.listCategories(tx, tenantId)).map((category) => [category.id, category.name]));
  yield BOM + csvLine(CSV_COLUMNS);
  let after: { barcode: string; id: string } | null = null;
  for (;;) {
    const page = await repository.productsAfterBarcode(tx, tenantId, after, EXPORT_PAGE);
    if (page.length === 0) return;
    yield page
      .map((p) => csvLine([p.barcode, p.name, categoryNames.get(p.categoryId) ?? '', p.unit, String(p.priceMinor), formatVat(p.vatRateBp), formatActive(p.active)]))
      .join('');
    if (page.length < EXPORT_PAGE) return;
    const last = page.at(-1)!;
    after = { barcode: last.barcode, id: last.id };
  }
}

export type ImportMode = 'all-or-nothing' | 'valid-only';
export type ImportLineError = { line: number; reason: string };

/** A line that passed every rule; the VAT and status stay unset when the cell was empty. */
type ImportRow = Omit<ProductInput, 'vatRateBp' | 'active'> & { line: number; vatRateBp: number | undefined; active: boolean | undefined };

export type ImportFile = { rows: ImportRow[]; errors: ImportLineError[]; errorCount: number; lines: number };

/** The errors a report lists; the count says how many there were in all. */
export const IMPORT_ERRORS_LISTED = 200;

const COLUMN_OF_FIELD: Record<string, string> = {
  barcode: 'code_barres', name: 'nom', categoryId: 'categorie', unit: 'unite', priceMinor: 'prix_vente', vatRateBp: 'tva', active: 'actif',
};

const UNITS: Record<string, Product['unit']> = { piece: 'piece', 'pièce': 'piece', pce: 'piece', kg: 'kg', l: 'l', litre: 'l' };

/** A cell quoted back in a reason, short, and only when it is harmless text. */
function quoted(value: string): string {
  const shown = value.trim();
  return isSafeText(shown) ? ` « ${shown.length > 60 ? `${shown.slice(0, 60)}…` : shown} »` : '';
}

/**
 * Checks every line of an import file as it is read, under the product form's rules (the same
 * schema, with French messages), and keeps the valid lines. Categories go by name, compared in
 * their search form ("epicerie" finds "Épicerie"); two categories of the same form make the
 * name ambiguous. A barcode twice in the file is an error on its second line: the file would
 * otherwise say two things about one product.
 *
 * The valid lines are kept (the file's limits bound them to a few tens of megabytes) rather than
 * written as they come: all-or-nothing must know every line is good before anything is written,
 * and the tenant's transaction, which holds its change sequence and so its tills' pushes, then
 * lasts only as long as the writes, never as long as a slow upload.
 */
export async function readImportFile(body: AsyncIterable<Buffer | string>, categories: Category[]): Promise<ImportFile> {
  const byName = new Map<string, string | null>();
  for (const category of categories) {
    const key = searchForm(category.name);
    byName.set(key, byName.has(key) ? null : category.id);
  }
  const frenchMessages = z.locales.fr().localeError;
  const seen = new Map<string, number>();
  const rows: ImportRow[] = [];
  const errors: ImportLineError[] = [];
  let errorCount = 0;
  let lines = 0;
  const fail = (line: number, reason: string) => {
    errorCount++;
    if (errors.length < IMPORT_ERRORS_LISTED) errors.push({ line, reason });
  };
  for await (const { line, fields } of readCatalogueCsv(body)) {
    lines++;
    if (fields.length !== CSV_COLUMNS.length) {
      fail(line, `${CSV_COLUMNS.length} colonnes attendues, ${fields.length} trouvée${fields.length > 1 ? 's' : ''}`);
      continue;
    }
    const [barcode, name, categoryName, unitText, priceText, vatText, activeText] = fields as [string, string, string, string, string, string, string];
    const categoryKey = searchForm(categoryName);
    const categoryId = byName.get(categoryKey);
    const unit = UNITS[unitText.trim().toLowerCase()];
    const priceMinor = parsePrice(priceText);
    const vatRateBp = vatText.trim() === '' ? undefined : parseVat(vatText);
    const active = activeText.trim() === '' ? undefined : parseActive(activeText);
    if (categoryKey === '') fail(line, 'categorie : catégorie manquante');
    else if (categoryId === undefined) fail(line, `categorie : catégorie inconnue${quoted(categoryName)} (créez-la d’abord)`);
    else if (categoryId === null) fail(line, `categorie : plusieurs catégories portent le nom${quoted(categoryName)}`);
    else if (!unit) fail(line, `unite : piece, kg ou l attendu${quoted(unitText)}`);
    else if (priceMinor === null) fail(line, `prix_vente : montant entier attendu (unités mineures, sans décimales)${quoted(priceText)}`);
    else if (vatRateBp === null) fail(line, `tva : pourcentage attendu (18 ou 18,5)${quoted(vatText)}`);
    else if (active === null) fail(line, `actif : oui ou non attendu${quoted(activeText)}`);
    else {
      const checked = productFields.safeParse(
        { barcode, name, categoryId, unit, priceMinor, vatRateBp: vatRateBp ?? DEFAULT_VAT_RATE_BP, active: active ?? true },
        { error: frenchMessages },
      );
      if (!checked.success) {
        const issue = checked.error.issues[0]!;
        fail(line, `${COLUMN_OF_FIELD[String(issue.path[0])] ?? 'ligne'} : ${issue.message}`);
        continue;
      }
      const first = seen.get(checked.data.barcode);
      if (first !== undefined) {
        fail(line, `code_barres : déjà présent à la ligne ${first}`);
        continue;
      }
      seen.set(checked.data.barcode, line);
      rows.push({ ...checked.data, line, vatRateBp, active });
    }
  }
  return { rows, errors, errorCount, lines };
}

export type ImportCounts = { created: number; updated: number; unchanged: number };

const IMPORT_BATCH = 5_000;

/**
 * Writes the valid lines of an import, matched to the live products by barcode: a new barcode is
 * a new product, a known one is updated only when a field differs. An unchanged product is not
 * written at all, so it takes no new change number and no till pulls it again. Each batch is one
 * look-up and one write through the sync store, in the caller's transaction.
 */
export async function writeImport(tx: Queryable, tenantId: string, rows: ImportRow[], onBatch: (done: number) => void): Promise<ImportCounts> {
  const counts: ImportCounts = { created: 0, updated: 0, unchanged: 0 };
  for (let start = 0; start < rows.length; start += IMPORT_BATCH) {
    const batch = rows.slice(start, start + IMPORT_BATCH);
    const existing = new Map((await repository.productsByBarcodes(tx, tenantId, batch.map((row) => row.barcode))).map((p) => [p.barcode, p]));
    const now = new Date().toISOString();
    const changed: Product[] = [];
    for (const row of batch) {
      const current = existing.get(row.barcode);
      const fields = {
        name: row.name, categoryId: row.categoryId, unit: row.unit, priceMinor: row.priceMinor,
        vatRateBp: row.vatRateBp ?? current?.vatRateBp ?? DEFAULT_VAT_RATE_BP, active: row.active ?? current?.active ?? true,
      };
      if (!current) {
        counts.created++;
        changed.push({ id: uuidv7(), tenantId, barcode: row.barcode, ...fields, searchName: searchForm(row.name), updatedAt: now });
      } else if (
        current.name === fields.name && current.categoryId === fields.categoryId && current.unit === fields.unit &&
        current.priceMinor === fields.priceMinor && current.vatRateBp === fields.vatRateBp && current.active === fields.active
      ) {
        counts.unchanged++;
      } else {
        counts.updated++;
        changed.push({ ...current, ...fields, searchName: searchForm(row.name), updatedAt: now });
      }
    }
    await repository.saveProducts(tx, tenantId, changed);
    onBatch(start + batch.length);
  }
  return counts;
}
