import type { Category } from '../../../shared/schema/categories.js';
import type { Product } from '../../../shared/schema/products.js';
import { writeDocuments, type SqlClient } from '../../../sync/server/store.js';
import type { Queryable } from '../../db/database.js';

/** A product with what it costs the company (`products.cost_minor`, null until known): managers' view. */
export type CostedProduct = Product & { costMinor: number | null };

type CostRow = { doc: Product; cost_minor: string | number | null };

// bigint comes back as text from pg; costs stay far below 2^53.
const costed = (row: CostRow): CostedProduct => ({ ...row.doc, costMinor: row.cost_minor === null ? null : Number(row.cost_minor) });

export type ProductSort = 'name' | 'barcode' | 'priceMinor' | 'updatedAt';
export type SortDirection = 'asc' | 'desc';
export type ProductStatus = 'active' | 'archived' | 'all';

/** Where a page starts: the sort key and id of the previous page's last product. */
export type ProductKey = { value: string | number; id: string };

export type ProductFilter = {
  /** Any barcode or the SKU exactly, or a part of the search form of the name (shared/text `searchForm`). */
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
    // The exact code finds its product by any of its barcodes or its SKU: one look-up in each
    // unique index, computed once for the whole list (a hashed subplan), not per row.
    params.push(filter.barcode ?? '', filter.searchPart ?? '');
    const code = `$${params.length - 1}`;
    conditions.push(
      `(id IN (SELECT product_id FROM product_barcodes WHERE tenant_id = $1 AND barcode = ${code}
               UNION ALL SELECT id FROM products WHERE tenant_id = $1 AND sku = ${code} AND NOT deleted)
        OR strpos(search_name, $${params.length}) > 0)`,
    );
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
): Promise<CostedProduct[]> {
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
  const { rows } = await tx.query<CostRow>(
    `SELECT p.doc, p.cost_minor FROM (
       SELECT id, ${column} AS key FROM products WHERE ${where}
       ORDER BY ${column} ${order}, id COLLATE "C" ${order} LIMIT $${params.length}
     ) AS page
     JOIN products p ON p.tenant_id = $1 AND p.id = page.id
     ORDER BY page.key ${order}, page.id COLLATE "C" ${order}`,
    params,
  );
  return rows.map(costed);
}

export async function countProducts(tx: Queryable, tenantId: string, filter: ProductFilter): Promise<number> {
  const params: unknown[] = [tenantId];
  const where = filterSql(filter, params);
  const { rows } = await tx.query<{ total: number }>(`SELECT count(*)::int AS total FROM products WHERE ${where}`, params);
  return rows[0]!.total;
}

export async function findProduct(tx: Queryable, tenantId: string, id: string): Promise<CostedProduct | null> {
  const { rows } = await tx.query<CostRow>(`SELECT doc, cost_minor FROM products WHERE tenant_id = $1 AND id = $2 AND NOT deleted`, [tenantId, id]);
  return rows[0] ? costed(rows[0]) : null;
}

/** A live product that holds one of these codes, with the code (archived ones keep theirs: they may come back). */
export type BarcodeHolder = { barcode: string; id: string; sku: string; name: string };

/** Who holds each of these codes among the live products (migration 0011's table of codes), one probe per code. */
export async function barcodeHolders(tx: Queryable, tenantId: string, barcodes: string[]): Promise<BarcodeHolder[]> {
  const { rows } = await tx.query<BarcodeHolder>(
    `SELECT b.barcode, p.id, p.doc->>'sku' AS sku, p.doc->>'name' AS name
     FROM unnest($2::text[]) AS k(code)
     JOIN product_barcodes b ON b.tenant_id = $1 AND b.barcode = k.code
     JOIN products p ON p.tenant_id = b.tenant_id AND p.id = b.product_id
     WHERE NOT p.deleted`,
    [tenantId, barcodes],
  );
  return rows;
}

/** The live product of an SKU, if any. */
export async function findProductBySku(tx: Queryable, tenantId: string, sku: string): Promise<{ id: string; name: string } | null> {
  const { rows } = await tx.query<{ id: string; name: string }>(
    `SELECT id, doc->>'name' AS name FROM products WHERE tenant_id = $1 AND sku = $2 AND NOT deleted`,
    [tenantId, sku],
  );
  return rows[0] ?? null;
}

/**
 * The live products of these SKUs, with their cost (an import matches its lines on them). A join
 * on the list rather than `= ANY`: one probe of the SKU index per line, even when the statistics
 * have not yet seen the lines a large import just wrote (they would make a scan of the whole
 * company look cheaper).
 */
export async function productsBySkus(tx: Queryable, tenantId: string, skus: string[]): Promise<CostedProduct[]> {
  const { rows } = await tx.query<CostRow>(
    `SELECT p.doc, p.cost_minor FROM unnest($2::text[]) AS k(sku) JOIN products p ON p.tenant_id = $1 AND p.sku = k.sku AND NOT p.deleted`,
    [tenantId, skus],
  );
  return rows.map(costed);
}

/**
 * What products cost the company, beside their synced document (migration 0010): the sync's
 * writes of the document leave it as it is, and no pull ever reads it.
 */
export async function saveProductCosts(tx: SqlClient, tenantId: string, costs: Array<{ id: string; costMinor: number | null }>): Promise<void> {
  if (costs.length === 0) return;
  await tx.query(
    `UPDATE products p SET cost_minor = c.cost FROM unnest($2::text[], $3::bigint[]) AS c(id, cost)
     WHERE p.tenant_id = $1 AND p.id = c.id AND p.cost_minor IS DISTINCT FROM c.cost`,
    [tenantId, costs.map((c) => c.id), costs.map((c) => c.costMinor)],
  );
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
export async function productsAfterBarcode(tx: Queryable, tenantId: string, after: { barcode: string; id: string } | null, limit: number): Promise<CostedProduct[]> {
  const { rows } = await tx.query<CostRow>(
    `SELECT doc, cost_minor FROM products
     WHERE tenant_id = $1 AND NOT deleted AND ($2::text IS NULL OR (barcode, id COLLATE "C") > ($2::text, $3::text))
     ORDER BY barcode, id COLLATE "C" LIMIT $4`,
    [tenantId, after?.barcode ?? null, after?.id ?? '', limit],
  );
  return rows.map(costed);
}
