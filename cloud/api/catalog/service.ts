import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { Category } from '../../../shared/schema/categories.js';
import type { Product } from '../../../shared/schema/products.js';
import { searchForm } from '../../../shared/text.js';
import type { Queryable } from '../../db/database.js';
import { AppError, badRequest, conflict, notFound } from '../http/errors.js';
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
