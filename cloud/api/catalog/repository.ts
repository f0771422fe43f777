import type { Category } from '../../../shared/schema/categories.js';
import type { Product } from '../../../shared/schema/products.js';
import { writeDocuments } from '../../../sync/server/store.js';
import type { Queryable } from '../../db/database.js';

export type ProductSort = 'name' | 'barcode' | 'priceMinor' | 'updatedAt';
export type SortDirection = 'asc' | 'desc';
export type ProductStatus = 'active' | 'archived' | 'all';

/** Where a page starts: the sort key and id of the previous page's last product. */
export type ProductKey = { value: string | number; id: string };

export type ProductFilter = {
  /** The barcode exactly, or a part of the search form of the name (shared/text `searchForm`). */
  barcode: string | null;
  searchPart: string | null;
  categoryId: string | null;
  status: ProductStatus;
};

/**
 * The generated columns of migration 0009 behind each sort (names from this list only ever reach
 * SQL). Names sort by their search form: "écouteurs" between "eau" and "farine".
 */
const SORT_COLUMNS: Record<ProductSort, string> = {
  name: 'search_name',
  barcode: 'barcode',
  priceMinor: 'price_minor',
  updatedAt: 'doc_updated_at',
};

/** The sort key of a product as its cursor carries it, read from the same fields as the columns. */
export function sortValue(product: Product, sort: ProductSort): string | number {
  if (sort === 'name') return product.searchName;
  if (sort === 'priceMinor') return product.priceMinor;
  return sort === 'barcode' ? product.barcode : product.updatedAt;
}

/** The WHERE clause of a list, with its parameters from `$2` on (`$1` is the tenant). */
function filterSql(filter: ProductFilter, params: unknown[]): string {
  const conditions = ['tenant_id = $1', 'NOT deleted'];
  if (filter.status !== 'all') conditions.push(filter.status === 'active' ? 'active' : 'NOT active');
  if (filter.categoryId !== null) {
    params.push(filter.categoryId);
    conditions.push(`category_id = $${params.length}`);
  }
  if (filter.barcode !== null || filter.searchPart !== null) {
    // strpos, not LIKE: what the user typed is never a pattern (`%` and `_` are plain characters).
    params.push(filter.barcode ?? '', filter.searchPart ?? '');
    conditions.push(`(barcode = $${params.length - 1} OR strpos(search_name, $${params.length}) > 0)`);
  }
  return conditions.join(' AND ');
}

/**
 * A page of products in (sort key, id) order, starting after `after`: keyset pagination, so page
 * 2,000 costs what page 1 costs. Each combination of filters makes its own statement text, so
 * PostgreSQL plans it for those filters (a statement with optional filters gets one plan for all).
 * One row more than `limit` is read to know whether another page follows.
 */
export async function listProducts(
  tx: Queryable,
  tenantId: string,
  options: { filter: ProductFilter; sort: ProductSort; dir: SortDirection; after: ProductKey | null; limit: number },
): Promise<Product[]> {
  const params: unknown[] = [tenantId];
  let where = filterSql(options.filter, params);
  const column = SORT_COLUMNS[options.sort];
  const order = options.dir === 'asc' ? 'ASC' : 'DESC';
  if (options.after) {
    params.push(options.after.value, options.after.id);
    const cast = options.sort === 'priceMinor' ? 'bigint' : 'text';
    where += ` AND (${column}, id COLLATE "C") ${options.dir === 'asc' ? '>' : '<'} ($${params.length - 1}::${cast}, $${params.length}::text)`;
  }
  params.push(options.limit + 1);
  // The page's ids come from the sort's index alone (it carries the filtered columns), then only
  // those documents are read: filters that skip thousands of products skip them in the index.
  const { rows } = await tx.query<{ doc: Product }>(
    `SELECT p.doc FROM (
       SELECT id, ${column} AS key FROM products WHERE ${where}
       ORDER BY ${column} ${order}, id COLLATE "C" ${order} LIMIT $${params.length}
     ) AS page
     JOIN products p ON p.tenant_id = $1 AND p.id = page.id
     ORDER BY page.key ${order}, page.id COLLATE "C" ${order}`,
    params,
  );
  return rows.map((row) => row.doc);
}

export async function countProducts(tx: Queryable, tenantId: string, filter: ProductFilter): Promise<number> {
  const params: unknown[] = [tenantId];
  const where = filterSql(filter, params);
  const { rows } = await tx.query<{ total: number }>(`SELECT count(*)::int AS total FROM products WHERE ${where}`, params);
  return rows[0]!.total;
}

export async function findProduct(tx: Queryable, tenantId: string, id: string): Promise<Product | null> {
  const { rows } = await tx.query<{ doc: Product }>(`SELECT doc FROM products WHERE tenant_id = $1 AND id = $2 AND NOT deleted`, [tenantId, id]);
  return rows[0]?.doc ?? null;
}

/** The live product holding a barcode, if any (archived ones keep theirs: they may come back). */
export async function findProductByBarcode(tx: Queryable, tenantId: string, barcode: string): Promise<{ id: string; name: string } | null> {
  const { rows } = await tx.query<{ id: string; name: string }>(
    `SELECT id, doc->>'name' AS name FROM products WHERE tenant_id = $1 AND barcode = $2 AND NOT deleted`,
    [tenantId, barcode],
  );
  return rows[0] ?? null;
}

/** Through the sync store: numbered in the tenant's change sequence, announced to the tills. */
export async function saveProducts(tx: Queryable, tenantId: string, products: Product[]): Promise<void> {
  await writeDocuments(tx, tenantId, 'products', products);
}

export async function listCategories(tx: Queryable, tenantId: string): Promise<Category[]> {
  const { rows } = await tx.query<{ doc: Category }>(
    `SELECT doc FROM categories WHERE tenant_id = $1 AND NOT deleted ORDER BY doc->>'name', id`,
    [tenantId],
  );
  return rows.map((row) => row.doc);
}

export async function findCategory(tx: Queryable, tenantId: string, id: string): Promise<Category | null> {
  const { rows } = await tx.query<{ doc: Category }>(`SELECT doc FROM categories WHERE tenant_id = $1 AND id = $2 AND NOT deleted`, [tenantId, id]);
  return rows[0]?.doc ?? null;
}

/** Until the transaction ends, other creations of categories of the tenant wait (codes stay distinct). */
export async function lockCategoryCodes(tx: Queryable, tenantId: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('afrigest.category_codes'), hashtext($1))`, [tenantId]);
}

/** The category codes of the tenant that start with `prefix` (a new category takes a free one). */
export async function categoryCodesStartingWith(tx: Queryable, tenantId: string, prefix: string): Promise<string[]> {
  const { rows } = await tx.query<{ code: string }>(
    `SELECT doc->>'code' AS code FROM categories WHERE tenant_id = $1 AND starts_with(doc->>'code', $2)`,
    [tenantId, prefix],
  );
  return rows.map((row) => row.code);
}

export async function saveCategories(tx: Queryable, tenantId: string, categories: Category[]): Promise<void> {
  await writeDocuments(tx, tenantId, 'categories', categories);
}

/**
 * A page of the whole catalogue (archived products included) in barcode order, after the given
 * (barcode, id): the export reads it page by page on the barcode index, never all at once.
 */
export async function productsAfterBarcode(tx: Queryable, tenantId: string, after: { barcode: string; id: string } | null, limit: number): Promise<Product[]> {
  const { rows } = await tx.query<{ doc: Product }>(
    `SELECT doc FROM products
     WHERE tenant_id = $1 AND NOT deleted AND ($2::text IS NULL OR (barcode, id COLLATE "C") > ($2::text, $3::text))
     ORDER BY barcode, id COLLATE "C" LIMIT $4`,
    [tenantId, after?.barcode ?? null, after?.id ?? '', limit],
  );
  return rows.map((row) => row.doc);
}

/** The live products holding any of these barcodes (an import matches its lines on them). */
export async function productsByBarcodes(tx: Queryable, tenantId: string, barcodes: string[]): Promise<Product[]> {
  const { rows } = await tx.query<{ doc: Product }>(
    `SELECT doc FROM products WHERE tenant_id = $1 AND barcode = ANY($2::text[]) AND NOT deleted`,
    [tenantId, barcodes],
  );
  return rows.map((row) => row.doc);
}
