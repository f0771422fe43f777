/** The catalogue's calls (products and categories), as the API's contract states them. */
import type { Category } from '../../../../../shared/schema/categories.js';
import type { Product as SyncedProduct } from '../../../../../shared/schema/products.js';
import { api, apiDownload, apiUpload } from './client.js';

/** A product as the API answers: managers also get what it costs the company. */
export type Product = SyncedProduct & { costMinor?: number | null };
export type { Category };
export type Boutique = { id: string; code: string; name: string };
export type ProductStatus = 'active' | 'archived' | 'all';
export type ProductSort = 'name' | 'barcode' | 'priceMinor' | 'updatedAt';
export type SortDirection = 'asc' | 'desc';
export type ProductFilters = { q: string; categoryId: string; status: ProductStatus; sort: ProductSort; dir: SortDirection };
export type ProductPage = { products: Product[]; nextCursor: string | null; total: number };
export type ProductInput = Pick<SyncedProduct, 'sku' | 'barcodes' | 'name' | 'categoryId' | 'unit' | 'priceMinor' | 'vatRateBp' | 'lowStockMilli' | 'boutiquePrices' | 'active'> & {
  costMinor: number | null;
};

/** Enough rows to fill a tall screen twice; the next page is asked for before the end shows. */
export const PRODUCT_PAGE_SIZE = 100;

const base = (tenantId: string) => `/api/tenants/${encodeURIComponent(tenantId)}`;

export const catalogKeys = {
  products: (tenantId: string) => ['products', tenantId] as const,
  productList: (tenantId: string, filters: ProductFilters) => ['products', tenantId, 'list', filters] as const,
  product: (tenantId: string, productId: string) => ['products', tenantId, 'one', productId] as const,
  categories: (tenantId: string) => ['categories', tenantId] as const,
  boutiques: (tenantId: string) => ['boutiques', tenantId] as const,
};

export async function listBoutiques(tenantId: string, signal?: AbortSignal): Promise<Boutique[]> {
  return (await api<{ boutiques: Boutique[] }>(`${base(tenantId)}/boutiques`, { signal })).boutiques;
}

export function listProducts(tenantId: string, filters: ProductFilters, after: string | null, signal?: AbortSignal): Promise<ProductPage> {
  const query = new URLSearchParams({ status: filters.status, sort: filters.sort, dir: filters.dir, limit: String(PRODUCT_PAGE_SIZE) });
  if (filters.q) query.set('q', filters.q);
  if (filters.categoryId) query.set('categoryId', filters.categoryId);
  if (after) query.set('after', after);
  return api<ProductPage>(`${base(tenantId)}/products?${query}`, { signal });
}

export async function getProduct(tenantId: string, productId: string, signal?: AbortSignal): Promise<Product> {
  return (await api<{ product: Product }>(`${base(tenantId)}/products/${encodeURIComponent(productId)}`, { signal })).product;
}

export async function createProduct(tenantId: string, input: ProductInput): Promise<Product> {
  return (await api<{ product: Product }>(`${base(tenantId)}/products`, { method: 'POST', body: input })).product;
}

export async function updateProduct(tenantId: string, productId: string, changes: Partial<ProductInput>): Promise<Product> {
  return (await api<{ product: Product }>(`${base(tenantId)}/products/${encodeURIComponent(productId)}`, { method: 'PATCH', body: changes })).product;
}

export async function listCategories(tenantId: string, signal?: AbortSignal): Promise<Category[]> {
  return (await api<{ categories: Category[] }>(`${base(tenantId)}/categories`, { signal })).categories;
}

export type ImportMode = 'all-or-nothing' | 'valid-only';
export type ImportLineError = { line: number; reason: string };
export type ImportResult = { mode: ImportMode; created: number; updated: number; unchanged: number; errorCount: number; errors: ImportLineError[] };
/** The import's NDJSON lines: progress of the writes, then the result (or the failure). */
export type ImportEvent =
  | { type: 'progress'; processed: number; total: number }
  | ({ type: 'result' } & ImportResult)
  | { type: 'error'; error: { code: string; message: string } };

/** Sends a catalogue file; `onEvent` hears each progress line as the API writes it. */
export function importCatalogue(tenantId: string, file: Blob, mode: ImportMode, onEvent: (event: ImportEvent) => void, signal?: AbortSignal): Promise<void> {
  return apiUpload(`${base(tenantId)}/products/import?mode=${mode}`, {
    body: file, contentType: 'text/csv', signal, onLine: (line) => onEvent(line as ImportEvent),
  });
}

export function exportCatalogue(tenantId: string, signal?: AbortSignal): Promise<Blob> {
  return apiDownload(`${base(tenantId)}/products/export.csv`, signal);
}
