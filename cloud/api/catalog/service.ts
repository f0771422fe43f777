import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { Category } from '../../../shared/schema/categories.js';
import type { BoutiquePrice, Product } from '../../../shared/schema/products.js';
import { isSafeText, searchForm } from '../../../shared/text.js';
import type { Queryable } from '../../db/database.js';
import { listBoutiques, type Boutique } from '../boutiques/service.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../http/errors.js';
import {
  BARCODE_SEPARATOR, BOM, BOUTIQUE_PRICE_PREFIX, boutiqueColumnsOf, CSV_COLUMNS, csvLine, formatActive, formatQuantity, formatVat, parseActive,
  parsePrice, parseQuantity, parseVat, readCatalogueCsv,
} from './catalogue-csv.js';
import { DEFAULT_VAT_RATE_BP, productFields, type ProductChangeBody, type ProductCreateBody, type ProductFields } from './product-fields.js';
import * as repository from './repository.js';
import type { CostedProduct, ProductFilter, ProductKey, ProductSort, ProductStatus, SortDirection } from './repository.js';

/** A product as the form and the file give it: every field of the document the cloud decides, and the cost. */
export type ProductInput = ProductFields;

/** Whose boutique prices the author may set: all the company's (null) or a dg's own boutiques. */
export type BoutiqueScope = string[] | null;

export type ProductQuery = {
  q: string;
  categoryId: string | null;
  status: ProductStatus;
  sort: ProductSort;
  dir: SortDirection;
  limit: number;
  after: string | null;
};

/** A product as the admin shows it: its cost only to those who may see it (managers). */
export type ProductView = Product & { costMinor?: number | null };

export type ProductPage = { products: ProductView[]; nextCursor: string | null; total: number };

function view(product: CostedProduct, withCost: boolean): ProductView {
  if (withCost) return product;
  const { costMinor: _hidden, ...rest } = product;
  return rest;
}

/** The document alone, as it is synced: the cost never goes in it. */
function documentOf(product: CostedProduct | Product): Product {
  const { costMinor: _cost, ...doc } = product as CostedProduct;
  return doc;
}

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

export async function listProducts(tx: Queryable, tenantId: string, query: ProductQuery, withCost = false): Promise<ProductPage> {
  const after = query.after ? decodeCursor(query.after, query.sort, query.dir) : null;
  const term = query.q.trim();
  const filter: ProductFilter = {
    barcode: term === '' ? null : term,
    searchPart: term === '' ? null : searchForm(term),
    categoryId: query.categoryId,
    status: query.status,
  };
  const rows = await repository.listProducts(tx, tenantId, { filter, sort: query.sort, dir: query.dir, after, limit: query.limit });
  const page = rows.slice(0, query.limit);
  const products = page.map((product) => view(product, withCost));
  const last = page.at(-1);
  const nextCursor = rows.length > query.limit && last ? encodeCursor(query.sort, query.dir, { value: repository.sortValue(last, query.sort), id: last.id }) : null;
  const total = await repository.countProducts(tx, tenantId, filter);
  return { products, nextCursor, total };
}

export async function getProduct(tx: Queryable, tenantId: string, productId: string, withCost = false): Promise<ProductView> {
  return view(await currentProduct(tx, tenantId, productId), withCost);
}

async function currentProduct(tx: Queryable, tenantId: string, productId: string): Promise<CostedProduct> {
  const product = await repository.findProduct(tx, tenantId, productId);
  if (!product) throw new AppError(404, 'PRODUCT_NOT_FOUND', undefined, { ref: productId });
  return product;
}

async function assertCategory(tx: Queryable, tenantId: string, categoryId: string): Promise<void> {
  if (!(await repository.findCategory(tx, tenantId, categoryId))) throw new AppError(422, 'CATEGORY_NOT_FOUND', { categoryId });
}

async function assertSkuFree(tx: Queryable, tenantId: string, sku: string, productId: string): Promise<void> {
  const holder = await repository.findProductBySku(tx, tenantId, sku);
  if (holder && holder.id !== productId) throw conflict('PRODUCT_SKU_TAKEN', { sku, productId: holder.id, name: holder.name });
}

async function assertBarcodesFree(tx: Queryable, tenantId: string, barcodes: string[], productId: string): Promise<void> {
  const holder = (await repository.barcodeHolders(tx, tenantId, barcodes)).find((h) => h.id !== productId);
  if (holder) throw conflict('PRODUCT_BARCODE_TAKEN', { barcode: holder.barcode, productId: holder.id, name: holder.name });
}

/** Boutique prices in one order (by boutique), so that two equal lists compare equal. */
function sortedPrices(prices: BoutiquePrice[]): BoutiquePrice[] {
  return [...prices].sort((a, b) => (a.boutiqueId < b.boutiqueId ? -1 : a.boutiqueId > b.boutiqueId ? 1 : 0));
}

/**
 * The boutique prices of a change: every boutique is the company's (422 otherwise), and a dg
 * changes only the prices of their own boutiques; the others' must come back as they were (403).
 */
async function checkBoutiquePrices(tx: Queryable, tenantId: string, next: BoutiquePrice[], before: BoutiquePrice[], scope: BoutiqueScope): Promise<BoutiquePrice[]> {
  const known = new Set((await listBoutiques(tx, tenantId)).map((b) => b.id));
  const unknown = next.find((price) => !known.has(price.boutiqueId));
  if (unknown) throw new AppError(422, 'PRODUCT_BOUTIQUE_UNKNOWN', { boutiqueId: unknown.boutiqueId });
  if (scope !== null) {
    const mine = new Set(scope);
    const outside = (prices: BoutiquePrice[]) => JSON.stringify(sortedPrices(prices.filter((p) => !mine.has(p.boutiqueId))));
    if (outside(next) !== outside(before)) throw forbidden('PRODUCT_BOUTIQUE_PRICE_FORBIDDEN', { boutiqueIds: scope });
  }
  return sortedPrices(next);
}

/**
 * Writes the product through the sync store, then its cost beside it. The unique indexes on live
 * SKUs and on every live barcode (migration 0011) stand behind the checks above: two managers
 * saving the same code at the same moment get one product and a 409.
 */
async function save(tx: Queryable, tenantId: string, product: Product, costMinor: number | null): Promise<CostedProduct> {
  try {
    await repository.saveProducts(tx, tenantId, [product]);
  } catch (error) {
    const { code, constraint } = error as { code?: string; constraint?: string };
    if (code === '23505') {
      if (constraint === 'products_sku') throw conflict('PRODUCT_SKU_TAKEN', { sku: product.sku });
      throw conflict('PRODUCT_BARCODE_TAKEN', { barcodes: product.barcodes });
    }
    throw error;
  }
  await repository.saveProductCosts(tx, tenantId, [{ id: product.id, costMinor }]);
  return { ...product, costMinor };
}

export async function createProduct(tx: Queryable, tenantId: string, body: ProductCreateBody, scope: BoutiqueScope = null): Promise<CostedProduct> {
  const barcodes = body.barcodes ?? [body.barcode!];
  const sku = body.sku ?? barcodes[0]!;
  await assertCategory(tx, tenantId, body.categoryId);
  const id = uuidv7();
  await assertSkuFree(tx, tenantId, sku, id);
  await assertBarcodesFree(tx, tenantId, barcodes, id);
  const boutiquePrices = await checkBoutiquePrices(tx, tenantId, body.boutiquePrices, [], scope);
  return save(tx, tenantId, {
    id, tenantId, sku, barcode: barcodes[0]!, barcodes, name: body.name, searchName: searchForm(body.name), categoryId: body.categoryId,
    priceMinor: body.priceMinor, vatRateBp: body.vatRateBp, unit: body.unit, lowStockMilli: body.lowStockMilli, boutiquePrices,
    active: body.active, updatedAt: new Date().toISOString(),
  }, body.costMinor);
}

/**
 * A partial change; `{ active: false }` archives (tills stop selling it, its history stays).
 * `barcode` alone makes that code the main one and keeps the others.
 */
export async function updateProduct(tx: Queryable, tenantId: string, productId: string, changes: ProductChangeBody, scope: BoutiqueScope = null): Promise<CostedProduct> {
  const current = await currentProduct(tx, tenantId, productId);
  const { barcode, barcodes: givenBarcodes, costMinor, boutiquePrices: givenPrices, ...fields } = changes;
  const barcodes = givenBarcodes ?? (barcode !== undefined ? [barcode, ...current.barcodes.filter((code) => code !== barcode && code !== current.barcode)] : current.barcodes);
  if (fields.categoryId !== undefined && fields.categoryId !== current.categoryId) await assertCategory(tx, tenantId, fields.categoryId);
  if (fields.sku !== undefined && fields.sku !== current.sku) await assertSkuFree(tx, tenantId, fields.sku, productId);
  if (barcodes.some((code) => !current.barcodes.includes(code))) await assertBarcodesFree(tx, tenantId, barcodes, productId);
  const boutiquePrices = givenPrices === undefined ? current.boutiquePrices : await checkBoutiquePrices(tx, tenantId, givenPrices, current.boutiquePrices, scope);
  const name = fields.name ?? current.name;
  const next: Product = {
    ...documentOf(current), ...fields, barcodes, barcode: barcodes[0]!, boutiquePrices, name, searchName: searchForm(name), updatedAt: new Date().toISOString(),
  };
  return save(tx, tenantId, next, costMinor === undefined ? current.costMinor : costMinor);
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
// The catalogue as a CSV file: export, and import by SKU
// ---------------------------------------------------------------------------------------------

const EXPORT_PAGE = 2_000;

/** The boutiques whose price columns a file of this author has: the company's, or a dg's own. */
async function priceBoutiques(tx: Queryable, tenantId: string, scope: BoutiqueScope): Promise<Boutique[]> {
  const all = await listBoutiques(tx, tenantId);
  return scope === null ? all : all.filter((boutique) => scope.includes(boutique.id));
}

/**
 * The whole catalogue as CSV text, page by page in barcode order (a page at a time in memory,
 * however large the catalogue). The category goes by name, as the import takes it back; each
 * boutique the author manages has its price column, empty where it sells at the company's price.
 * Costs are written for managers only; for others the column stays, empty (an empty cell keeps
 * the cost on import).
 */
export async function* exportCatalogue(tx: Queryable, tenantId: string, scope: BoutiqueScope = null, withCost = true): AsyncGenerator<string> {
  const categoryNames = new Map((await repository.listCategories(tx, tenantId)).map((category) => [category.id, category.name]));
  const boutiques = await priceBoutiques(tx, tenantId, scope);
  yield BOM + csvLine([...CSV_COLUMNS, ...boutiques.map((b) => `${BOUTIQUE_PRICE_PREFIX}${b.code}`)]);
  let after: { barcode: string; id: string } | null = null;
  for (;;) {
    const page = await repository.productsAfterBarcode(tx, tenantId, after, EXPORT_PAGE);
    if (page.length === 0) return;
    yield page
      .map((p) => {
        const own = new Map(p.boutiquePrices.map((price) => [price.boutiqueId, price.priceMinor]));
        return csvLine([
          p.sku, p.barcodes.join(BARCODE_SEPARATOR), p.name, categoryNames.get(p.categoryId) ?? '', p.unit, String(p.priceMinor),
          p.costMinor === null || !withCost ? '' : String(p.costMinor), formatVat(p.vatRateBp), formatQuantity(p.lowStockMilli), formatActive(p.active),
          ...boutiques.map((b) => (own.has(b.id) ? String(own.get(b.id)) : '')),
        ]);
      })
      .join('');
    if (page.length < EXPORT_PAGE) return;
    const last = page.at(-1)!;
    after = { barcode: last.barcode, id: last.id };
  }
}

export type ImportMode = 'all-or-nothing' | 'valid-only';
export type ImportLineError = { line: number; reason: string };

/**
 * A line that passed every rule. A cell left empty keeps what the product has (or the default of
 * a new one): VAT, status, cost, threshold. `prices` holds the file's boutique columns only: a
 * price sets that boutique's, an empty cell (null) takes it back to the company's price.
 */
type ImportRow = Omit<ProductInput, 'vatRateBp' | 'active' | 'costMinor' | 'lowStockMilli' | 'boutiquePrices'> & {
  line: number;
  vatRateBp: number | undefined;
  active: boolean | undefined;
  costMinor: number | undefined;
  lowStockMilli: number | undefined;
  prices: Array<[boutiqueId: string, priceMinor: number | null]>;
};

export type ImportFile = { rows: ImportRow[]; errors: ImportLineError[]; errorCount: number; lines: number };

/** The errors a report lists; the count says how many there were in all. */
export const IMPORT_ERRORS_LISTED = 200;

const COLUMN_OF_FIELD: Record<string, string> = {
  sku: 'sku', barcodes: 'code_barres', name: 'nom', categoryId: 'categorie', unit: 'unite', priceMinor: 'prix_vente', costMinor: 'prix_achat',
  vatRateBp: 'tva', lowStockMilli: 'seuil_stock', active: 'actif', boutiquePrices: 'prix par boutique',
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
 * name ambiguous. An SKU or a barcode twice in the file is an error on its second line: the file
 * would otherwise say two things about one product, or give one code to two.
 *
 * The valid lines are kept (the file's limits bound them to a few tens of megabytes) rather than
 * written as they come: all-or-nothing must know every line is good before anything is written,
 * and the tenant's transaction, which holds its change sequence and so its tills' pushes, then
 * lasts only as long as the writes, never as long as a slow upload.
 */
export async function readImportFile(body: AsyncIterable<Buffer | string>, categories: Category[], boutiques: Boutique[] = []): Promise<ImportFile> {
  const byName = new Map<string, string | null>();
  for (const category of categories) {
    const key = searchForm(category.name);
    byName.set(key, byName.has(key) ? null : category.id);
  }
  const boutiqueOfCode = new Map(boutiques.map((b) => [b.code.toUpperCase(), b.id]));
  let priceColumns: string[] = [];
  const checkHeader = (names: string[]) => {
    priceColumns = boutiqueColumnsOf(names, boutiques.map((b) => b.code)).map((code) => boutiqueOfCode.get(code)!);
  };
  const frenchMessages = z.locales.fr().localeError;
  const seenSkus = new Map<string, number>();
  const seenCodes = new Map<string, number>();
  const rows: ImportRow[] = [];
  const errors: ImportLineError[] = [];
  let errorCount = 0;
  let lines = 0;
  const fail = (line: number, reason: string) => {
    errorCount++;
    if (errors.length < IMPORT_ERRORS_LISTED) errors.push({ line, reason });
  };
  for await (const { line, fields } of readCatalogueCsv(body, checkHeader)) {
    lines++;
    const width = CSV_COLUMNS.length + priceColumns.length;
    if (fields.length !== width) {
      fail(line, `${width} colonnes attendues, ${fields.length} trouvée${fields.length > 1 ? 's' : ''}`);
      continue;
    }
    const [sku, barcodeText, name, categoryName, unitText, priceText, costText, vatText, lowText, activeText] = fields as [
      string, string, string, string, string, string, string, string, string, string,
    ];
    const categoryKey = searchForm(categoryName);
    const categoryId = byName.get(categoryKey);
    const barcodes = barcodeText.split(BARCODE_SEPARATOR).map((code) => code.trim());
    const unit = UNITS[unitText.trim().toLowerCase()];
    const priceMinor = parsePrice(priceText);
    const costMinor = costText.trim() === '' ? undefined : parsePrice(costText);
    const vatRateBp = vatText.trim() === '' ? undefined : parseVat(vatText);
    const lowStockMilli = lowText.trim() === '' ? undefined : parseQuantity(lowText);
    const active = activeText.trim() === '' ? undefined : parseActive(activeText);
    const priceCells = fields.slice(CSV_COLUMNS.length);
    const prices = priceCells.map((cell, k): [string, number | null] => [priceColumns[k]!, cell.trim() === '' ? null : parsePrice(cell)]);
    const badPrice = prices.findIndex(([, price], k) => price === null && priceCells[k]!.trim() !== '');
    if (barcodeText.trim() === '') fail(line, 'code_barres : au moins un code-barres');
    else if (categoryKey === '') fail(line, 'categorie : catégorie manquante');
    else if (categoryId === undefined) fail(line, `categorie : catégorie inconnue${quoted(categoryName)} (créez-la d’abord)`);
    else if (categoryId === null) fail(line, `categorie : plusieurs catégories portent le nom${quoted(categoryName)}`);
    else if (!unit) fail(line, `unite : piece, kg ou l attendu${quoted(unitText)}`);
    else if (priceMinor === null) fail(line, `prix_vente : montant entier attendu (unités mineures, sans décimales)${quoted(priceText)}`);
    else if (costMinor === null) fail(line, `prix_achat : montant entier attendu (unités mineures, sans décimales)${quoted(costText)}`);
    else if (vatRateBp === null) fail(line, `tva : pourcentage attendu (18 ou 18,5)${quoted(vatText)}`);
    else if (lowStockMilli === null) fail(line, `seuil_stock : quantité attendue (5 ou 2,5)${quoted(lowText)}`);
    else if (active === null) fail(line, `actif : oui ou non attendu${quoted(activeText)}`);
    else if (badPrice >= 0) fail(line, `${BOUTIQUE_PRICE_PREFIX}${boutiques.find((b) => b.id === priceColumns[badPrice])?.code ?? ''} : montant entier attendu${quoted(priceCells[badPrice]!)}`);
    else {
      const checked = productFields.safeParse(
        {
          sku, barcodes, name, categoryId, unit, priceMinor, vatRateBp: vatRateBp ?? DEFAULT_VAT_RATE_BP, costMinor: costMinor ?? null,
          lowStockMilli: lowStockMilli ?? 0, boutiquePrices: prices.flatMap(([boutiqueId, price]) => (price === null ? [] : [{ boutiqueId, priceMinor: price }])),
          active: active ?? true,
        },
        { error: frenchMessages },
      );
      if (!checked.success) {
        const issue = checked.error.issues[0]!;
        fail(line, `${COLUMN_OF_FIELD[String(issue.path[0])] ?? 'ligne'} : ${issue.message}`);
        continue;
      }
      const firstSku = seenSkus.get(checked.data.sku);
      if (firstSku !== undefined) {
        fail(line, `sku : déjà présent à la ligne ${firstSku}`);
        continue;
      }
      const repeated = checked.data.barcodes.find((code) => seenCodes.has(code));
      if (repeated !== undefined) {
        fail(line, `code_barres :${quoted(repeated)} déjà présent à la ligne ${seenCodes.get(repeated)}`);
        continue;
      }
      seenSkus.set(checked.data.sku, line);
      for (const code of checked.data.barcodes) seenCodes.set(code, line);
      const { boutiquePrices: _checked, ...data } = checked.data;
      rows.push({ ...data, line, vatRateBp, active, costMinor, lowStockMilli, prices });
    }
  }
  return { rows, errors, errorCount, lines };
}

export type ImportCounts = { created: number; updated: number; unchanged: number };
export type ImportResult = ImportCounts & { errorCount: number; errors: ImportLineError[] };
export type ImportProgress = { processed: number; total: number };

const IMPORT_BATCH = 5_000;

/** Whether two documents say the same about a product (the change time aside). */
function sameProduct(a: Product, b: Product): boolean {
  return (
    a.sku === b.sku && a.name === b.name && a.categoryId === b.categoryId && a.unit === b.unit && a.priceMinor === b.priceMinor &&
    a.vatRateBp === b.vatRateBp && a.active === b.active && a.lowStockMilli === b.lowStockMilli &&
    a.barcodes.join('\n') === b.barcodes.join('\n') && JSON.stringify(a.boutiquePrices) === JSON.stringify(b.boutiquePrices)
  );
}

/**
 * Writes the valid lines of an import, matched to the live products by SKU: a new SKU is a new
 * product, a known one is updated only when a field differs. An unchanged product is not written
 * at all, so it takes no new change number and no till pulls it again; a cost alone is written
 * beside the document, which keeps its number.
 *
 * First every line is checked against the database: a barcode that another product holds is that
 * line's error (the file must take it from the other product first). In all-or-nothing mode such
 * an error, or one of the file's, writes nothing. Then batches of one write through the sync store
 * each, in the caller's transaction, with a progress report after each.
 */
export async function importCatalogue(
  tx: Queryable,
  tenantId: string,
  file: ImportFile,
  mode: ImportMode,
  onProgress: (progress: ImportProgress) => void | Promise<void>,
): Promise<ImportResult> {
  const counts: ImportCounts = { created: 0, updated: 0, unchanged: 0 };
  const errors = [...file.errors];
  let errorCount = file.errorCount;
  const result = (): ImportResult => ({ ...counts, errorCount, errors: errors.sort((a, b) => a.line - b.line).slice(0, IMPORT_ERRORS_LISTED) });
  if (errorCount > 0 && mode === 'all-or-nothing') return result();

  const planned: Array<{ doc: Product | null; cost: { id: string; costMinor: number | null } | null }> = [];
  const now = new Date().toISOString();
  for (let start = 0; start < file.rows.length; start += IMPORT_BATCH) {
    const batch = file.rows.slice(start, start + IMPORT_BATCH);
    const existing = new Map((await repository.productsBySkus(tx, tenantId, batch.map((row) => row.sku))).map((p) => [p.sku, p]));
    const holders = new Map((await repository.barcodeHolders(tx, tenantId, batch.flatMap((row) => row.barcodes))).map((h) => [h.barcode, h]));
    for (const row of batch) {
      const current = existing.get(row.sku);
      const taken = row.barcodes.map((code) => holders.get(code)).find((holder) => holder !== undefined && holder.id !== current?.id);
      if (taken) {
        errorCount++;
        errors.push({ line: row.line, reason: `code_barres :${quoted(taken.barcode)} est déjà celui du produit${quoted(taken.name)} (sku${quoted(taken.sku)})` });
        continue;
      }
      const own = new Map((current?.boutiquePrices ?? []).map((price) => [price.boutiqueId, price.priceMinor]));
      for (const [boutiqueId, price] of row.prices) {
        if (price === null) own.delete(boutiqueId);
        else own.set(boutiqueId, price);
      }
      const fields = {
        sku: row.sku, barcode: row.barcodes[0]!, barcodes: row.barcodes, name: row.name, searchName: searchForm(row.name), categoryId: row.categoryId,
        unit: row.unit, priceMinor: row.priceMinor,
        vatRateBp: row.vatRateBp ?? current?.vatRateBp ?? DEFAULT_VAT_RATE_BP, active: row.active ?? current?.active ?? true,
        lowStockMilli: row.lowStockMilli ?? current?.lowStockMilli ?? 0,
        boutiquePrices: sortedPrices([...own].map(([boutiqueId, priceMinor]) => ({ boutiqueId, priceMinor }))),
      };
      const costMinor = row.costMinor === undefined ? (current?.costMinor ?? null) : row.costMinor;
      if (!current) {
        counts.created++;
        const id = uuidv7();
        planned.push({ doc: { id, tenantId, ...fields, updatedAt: now }, cost: costMinor === null ? null : { id, costMinor } });
        continue;
      }
      const doc: Product = { ...documentOf(current), ...fields, updatedAt: now };
      const costChanged = costMinor !== current.costMinor;
      if (sameProduct(doc, current) && !costChanged) {
        counts.unchanged++;
        continue;
      }
      counts.updated++;
      planned.push({ doc: sameProduct(doc, current) ? null : doc, cost: costChanged ? { id: current.id, costMinor } : null });
    }
  }
  if (errorCount > file.errorCount && mode === 'all-or-nothing') {
    Object.assign(counts, { created: 0, updated: 0, unchanged: 0 });
    return result();
  }

  const total = planned.length;
  for (let start = 0; start < total; start += IMPORT_BATCH) {
    const batch = planned.slice(start, start + IMPORT_BATCH);
    await repository.saveProducts(tx, tenantId, batch.flatMap((item) => (item.doc ? [item.doc] : [])));
    await repository.saveProductCosts(tx, tenantId, batch.flatMap((item) => (item.cost ? [item.cost] : [])));
    await onProgress({ processed: start + batch.length, total });
  }
  return result();
}
