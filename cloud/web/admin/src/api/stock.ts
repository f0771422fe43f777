/** The stock's calls (levels, adjustments, counts, a product's history), as the API's contract states them. */
import { api } from './client.js';

export type Unit = 'piece' | 'kg' | 'l';
export type StockBoutique = { id: string; code: string; name: string };
export type LevelRow = {
  id: string;
  name: string;
  barcode: string;
  categoryId: string;
  unit: Unit;
  lowStockMilli: number;
  costMinor: number | null;
  /** Quantity per boutique id, in thousandths; a boutique missing holds nothing. */
  levels: Record<string, number>;
};
export type LevelFilters = { q: string; categoryId: string; boutiqueId: string; low: boolean };
export type LevelPage = { boutiques: StockBoutique[]; products: LevelRow[]; nextCursor: string | null; total: number | null };

export type Adjustment = { id: string; movementId: string; boutiqueId: string; productId: string; quantityMilli: number; reason: string; authorId: string; createdAt: string };

export type MovementKind = 'sale' | 'return' | 'receipt' | 'adjustment' | 'transfer_out' | 'transfer_in';
export type Movement = {
  id: string;
  kind: MovementKind;
  boutiqueId: string;
  quantityMilli: number;
  reason: string | null;
  refId: string | null;
  deviceId: string | null;
  deviceName: string | null;
  authorId: string | null;
  authorName: string | null;
  createdAt: string;
};
export type HistoryPage = { product: { id: string; name: string; barcode: string; unit: Unit }; boutiques: StockBoutique[]; movements: Movement[]; nextCursor: string | null };

export type CountStatus = 'draft' | 'applied' | 'cancelled';
export type StockCount = {
  id: string;
  boutiqueId: string;
  label: string;
  status: CountStatus;
  createdByName: string | null;
  createdAt: string;
  closedByName: string | null;
  closedAt: string | null;
  lines: number;
  counted: number;
};
export type CountTotals = { lines: number; counted: number; withVariance: number; varianceMilli: number; varianceValueMinor: number; uncostedLines: number };
export type LineState = 'all' | 'counted' | 'uncounted' | 'variance';
export type CountLine = {
  productId: string;
  name: string;
  barcode: string;
  unit: Unit;
  expectedMilli: number;
  countedMilli: number | null;
  onHandMilli: number;
  costMinor: number | null;
  differenceMilli: number | null;
  differenceValueMinor: number | null;
};
export type CountImport = { lines: number; updated: number; errorCount: number; errors: Array<{ line: number; reason: string }> };

export const STOCK_PAGE_SIZE = 100;

const base = (tenantId: string) => `/api/tenants/${encodeURIComponent(tenantId)}/stock`;

export const stockKeys = {
  all: (tenantId: string) => ['stock', tenantId] as const,
  levels: (tenantId: string, filters: LevelFilters) => ['stock', tenantId, 'levels', filters] as const,
  history: (tenantId: string, productId: string, boutiqueId: string) => ['stock', tenantId, 'history', productId, boutiqueId] as const,
  counts: (tenantId: string) => ['stock', tenantId, 'counts'] as const,
  count: (tenantId: string, countId: string) => ['stock', tenantId, 'counts', countId] as const,
  lines: (tenantId: string, countId: string, q: string, state: LineState) => ['stock', tenantId, 'counts', countId, 'lines', q, state] as const,
};

export function listLevels(tenantId: string, filters: LevelFilters, after: string | null, signal?: AbortSignal): Promise<LevelPage> {
  const query = new URLSearchParams({ limit: String(STOCK_PAGE_SIZE) });
  if (filters.q) query.set('q', filters.q);
  if (filters.categoryId) query.set('categoryId', filters.categoryId);
  if (filters.boutiqueId) query.set('boutiqueId', filters.boutiqueId);
  if (filters.low) query.set('low', 'true');
  if (after) query.set('after', after);
  return api<LevelPage>(`${base(tenantId)}/levels?${query}`, { signal });
}

export async function adjustStock(tenantId: string, input: { id: string; boutiqueId: string; productId: string; quantityMilli: number; reason: string }): Promise<Adjustment> {
  return (await api<{ adjustment: Adjustment }>(`${base(tenantId)}/adjustments`, { method: 'POST', body: input })).adjustment;
}

export function productHistory(tenantId: string, productId: string, boutiqueId: string, after: string | null, signal?: AbortSignal): Promise<HistoryPage> {
  const query = new URLSearchParams({ limit: String(STOCK_PAGE_SIZE) });
  if (boutiqueId) query.set('boutiqueId', boutiqueId);
  if (after) query.set('after', after);
  return api<HistoryPage>(`${base(tenantId)}/products/${encodeURIComponent(productId)}/movements?${query}`, { signal });
}

export async function listCounts(tenantId: string, signal?: AbortSignal): Promise<StockCount[]> {
  return (await api<{ counts: StockCount[] }>(`${base(tenantId)}/counts?limit=200`, { signal })).counts;
}

export async function createCount(tenantId: string, input: { id: string; boutiqueId: string; label: string; q: string; categoryId?: string }): Promise<StockCount> {
  return (await api<{ count: StockCount }>(`${base(tenantId)}/counts`, { method: 'POST', body: input })).count;
}

export function getCount(tenantId: string, countId: string, signal?: AbortSignal): Promise<{ count: StockCount; totals: CountTotals }> {
  return api(`${base(tenantId)}/counts/${encodeURIComponent(countId)}`, { signal });
}

export function listCountLines(tenantId: string, countId: string, q: string, state: LineState, after: string | null, signal?: AbortSignal): Promise<{ lines: CountLine[]; nextCursor: string | null }> {
  const query = new URLSearchParams({ limit: String(STOCK_PAGE_SIZE), state });
  if (q) query.set('q', q);
  if (after) query.set('after', after);
  return api(`${base(tenantId)}/counts/${encodeURIComponent(countId)}/lines?${query}`, { signal });
}

export function enterCounts(tenantId: string, countId: string, lines: Array<{ productId: string; countedMilli: number | null }>): Promise<{ updated: number }> {
  return api(`${base(tenantId)}/counts/${encodeURIComponent(countId)}/lines`, { method: 'PUT', body: { lines } });
}

export function importCounts(tenantId: string, countId: string, csv: string): Promise<CountImport> {
  return api(`${base(tenantId)}/counts/${encodeURIComponent(countId)}/import`, { method: 'POST', raw: { text: csv, contentType: 'text/csv' } });
}

export function applyCount(tenantId: string, countId: string): Promise<{ count: StockCount; movements: number; applied: boolean }> {
  return api(`${base(tenantId)}/counts/${encodeURIComponent(countId)}/apply`, { method: 'POST' });
}

export async function cancelCount(tenantId: string, countId: string): Promise<StockCount> {
  return (await api<{ count: StockCount }>(`${base(tenantId)}/counts/${encodeURIComponent(countId)}/cancel`, { method: 'POST' })).count;
}

/** The boutiques the user may see and act on (the matrix's columns). */
export async function listStockBoutiques(tenantId: string, signal?: AbortSignal): Promise<StockBoutique[]> {
  return (await api<LevelPage>(`${base(tenantId)}/levels?limit=1`, { signal })).boutiques;
}
