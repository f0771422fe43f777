/** Suppliers and purchase orders, as the API's contract states them (cloud/api/purchasing). */
import { api } from './client.js';

export type Supplier = {
  id: string;
  name: string;
  contact: string;
  phone: string;
  email: string;
  address: string;
  notes: string;
  active: boolean;
  createdAt: string;
  updatedAt: string;
};
export type SupplierInput = Pick<Supplier, 'name' | 'contact' | 'phone' | 'email' | 'address' | 'notes' | 'active'>;
export type SupplierStatus = 'active' | 'archived' | 'all';
export type SupplierPage = { suppliers: Supplier[]; nextCursor: string | null; total: number };

export const ORDER_STATUSES = ['draft', 'ordered', 'partly_received', 'received', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export type Unit = 'piece' | 'kg' | 'l';

export type OrderSummary = {
  id: string;
  number: string;
  supplierId: string;
  supplierName: string;
  boutiqueId: string;
  boutiqueName: string;
  status: OrderStatus;
  notes: string;
  createdAt: string;
  updatedAt: string;
  orderedAt: string | null;
  lineCount: number;
  totalMinor: number;
  receivedTotalMinor: number;
};
export type OrderLine = {
  id: string;
  position: number;
  productId: string;
  productName: string;
  productBarcode: string;
  unit: Unit;
  quantityMilli: number;
  unitCostMinor: number;
  receivedMilli: number;
  remainingMilli: number;
  amountMinor: number;
  costMinor: number | null;
};
export type ReceptionLine = {
  lineId: string;
  productId: string;
  quantityMilli: number;
  unitCostMinor: number;
  onHandBeforeMilli: number;
  costBeforeMinor: number | null;
  costAfterMinor: number;
};
export type Reception = { id: string; receivedAt: string; receivedBy: string | null; receivedByName: string | null; totalMinor: number; lines: ReceptionLine[] };
export type OrderDetail = OrderSummary & { lines: OrderLine[]; receptions: Reception[] };
export type OrderPage = { orders: OrderSummary[]; nextBefore: number | null; total: number };
export type OrderLineInput = { productId: string; quantityMilli: number; unitCostMinor: number };
export type OrderInput = { supplierId: string; boutiqueId: string; notes: string; lines: OrderLineInput[] };
export type ReceptionInput = { id: string; lines: Array<{ lineId: string; quantityMilli: number; unitCostMinor: number }> };
export type Boutique = { id: string; code: string; name: string };

export const SUPPLIER_PAGE_SIZE = 100;
export const ORDER_PAGE_SIZE = 100;

const base = (tenantId: string) => `/api/tenants/${encodeURIComponent(tenantId)}`;
const one = (id: string) => encodeURIComponent(id);

export const purchasingKeys = {
  suppliers: (tenantId: string) => ['suppliers', tenantId] as const,
  supplierList: (tenantId: string, q: string, status: SupplierStatus) => ['suppliers', tenantId, 'list', q, status] as const,
  /** The first suppliers by name, for a choice list (a plain query, not the list's pages). */
  supplierOptions: (tenantId: string, status: SupplierStatus) => ['suppliers', tenantId, 'options', status] as const,
  supplier: (tenantId: string, id: string) => ['suppliers', tenantId, 'one', id] as const,
  orders: (tenantId: string) => ['purchase-orders', tenantId] as const,
  orderList: (tenantId: string, status: string, supplierId: string) => ['purchase-orders', tenantId, 'list', status, supplierId] as const,
  order: (tenantId: string, id: string) => ['purchase-orders', tenantId, 'one', id] as const,
  boutiques: (tenantId: string) => ['boutiques', tenantId] as const,
};

export function listSuppliers(tenantId: string, filters: { q: string; status: SupplierStatus; limit?: number }, after: string | null, signal?: AbortSignal): Promise<SupplierPage> {
  const query = new URLSearchParams({ status: filters.status, limit: String(filters.limit ?? SUPPLIER_PAGE_SIZE) });
  if (filters.q) query.set('q', filters.q);
  if (after) query.set('after', after);
  return api<SupplierPage>(`${base(tenantId)}/suppliers?${query}`, { signal });
}

export async function getSupplier(tenantId: string, id: string, signal?: AbortSignal): Promise<Supplier> {
  return (await api<{ supplier: Supplier }>(`${base(tenantId)}/suppliers/${one(id)}`, { signal })).supplier;
}

export async function createSupplier(tenantId: string, input: SupplierInput): Promise<Supplier> {
  return (await api<{ supplier: Supplier }>(`${base(tenantId)}/suppliers`, { method: 'POST', body: input })).supplier;
}

export async function updateSupplier(tenantId: string, id: string, changes: Partial<SupplierInput>): Promise<Supplier> {
  return (await api<{ supplier: Supplier }>(`${base(tenantId)}/suppliers/${one(id)}`, { method: 'PATCH', body: changes })).supplier;
}

export function listOrders(tenantId: string, filters: { status: string; supplierId: string }, before: number | null, signal?: AbortSignal): Promise<OrderPage> {
  const query = new URLSearchParams({ limit: String(ORDER_PAGE_SIZE) });
  if (filters.status) query.set('status', filters.status);
  if (filters.supplierId) query.set('supplierId', filters.supplierId);
  if (before !== null) query.set('before', String(before));
  return api<OrderPage>(`${base(tenantId)}/purchase-orders?${query}`, { signal });
}

export async function getOrder(tenantId: string, id: string, signal?: AbortSignal): Promise<OrderDetail> {
  return (await api<{ order: OrderDetail }>(`${base(tenantId)}/purchase-orders/${one(id)}`, { signal })).order;
}

export async function createOrder(tenantId: string, input: OrderInput): Promise<OrderDetail> {
  return (await api<{ order: OrderDetail }>(`${base(tenantId)}/purchase-orders`, { method: 'POST', body: input })).order;
}

export async function updateOrder(tenantId: string, id: string, input: OrderInput): Promise<OrderDetail> {
  return (await api<{ order: OrderDetail }>(`${base(tenantId)}/purchase-orders/${one(id)}`, { method: 'PATCH', body: input })).order;
}

export async function placeOrder(tenantId: string, id: string): Promise<OrderDetail> {
  return (await api<{ order: OrderDetail }>(`${base(tenantId)}/purchase-orders/${one(id)}/order`, { method: 'POST' })).order;
}

export async function cancelOrder(tenantId: string, id: string): Promise<OrderDetail> {
  return (await api<{ order: OrderDetail }>(`${base(tenantId)}/purchase-orders/${one(id)}/cancel`, { method: 'POST' })).order;
}

export async function receiveOrder(tenantId: string, id: string, input: ReceptionInput): Promise<{ replayed: boolean; order: OrderDetail }> {
  return api<{ replayed: boolean; order: OrderDetail }>(`${base(tenantId)}/purchase-orders/${one(id)}/receptions`, { method: 'POST', body: input });
}

export async function listBoutiques(tenantId: string, signal?: AbortSignal): Promise<Boutique[]> {
  return (await api<{ boutiques: Boutique[] }>(`${base(tenantId)}/boutiques`, { signal })).boutiques;
}

export type ProductHit = { id: string; name: string; barcode: string; unit: Unit; priceMinor: number };

/** The products list of the catalogue (GET /products?q=), its first few active matches. */
export async function searchProducts(tenantId: string, q: string, signal?: AbortSignal): Promise<ProductHit[]> {
  const query = new URLSearchParams({ q, status: 'active', limit: '8' });
  return (await api<{ products: ProductHit[] }>(`${base(tenantId)}/products?${query}`, { signal })).products;
}
