/** Online orders and their settings, as the API's contract states them. */
import { api } from './client.js';

export const FULFILMENT_STATUSES = ['new', 'preparing', 'ready', 'picked_up', 'delivered', 'cancelled'] as const;
export type FulfilmentStatus = (typeof FULFILMENT_STATUSES)[number];
export type OrderStep = Exclude<FulfilmentStatus, 'new'>;

export type OrderLine = { productId: string; name: string; quantity: number; unitPriceMinor: number; totalMinor: number };

export type OrderSummary = {
  orderId: string;
  number: string;
  customer: { name: string; phone: string; email?: string };
  lines: OrderLine[];
  totalMinor: number;
  currency: string;
  paymentStatus: string;
  fulfilmentStatus: FulfilmentStatus;
  createdAt: string;
  boutiqueId: string | null;
  boutiqueName: string | null;
  holdUntil: string | null;
  fulfilmentUpdatedAt: string | null;
  nextSteps: OrderStep[];
};

export type OrderDetail = OrderSummary & {
  payment: { provider: string; status: string; reference: string | null; transactionId: string | null; amountMinor: number; currency: string; updatedAt: string } | null;
};

export type OrderFilters = { q: string; status: FulfilmentStatus | '' };
export type OrderPage = { orders: OrderSummary[]; nextCursor: string | null };
export type EcommerceSettings = { fulfilmentBoutiqueId: string | null; holdMinutes: number; chosen: boolean };
export type Boutique = { id: string; code: string; name: string };

export const ORDER_PAGE_SIZE = 100;

const base = (tenantId: string) => `/api/tenants/${encodeURIComponent(tenantId)}`;

export const orderKeys = {
  all: (tenantId: string) => ['orders', tenantId] as const,
  list: (tenantId: string, filters: OrderFilters) => ['orders', tenantId, 'list', filters] as const,
  one: (tenantId: string, orderId: string) => ['orders', tenantId, 'one', orderId] as const,
  settings: (tenantId: string) => ['ecommerce-settings', tenantId] as const,
  boutiques: (tenantId: string) => ['boutiques', tenantId] as const,
};

export function listOrders(tenantId: string, filters: OrderFilters, after: string | null, signal?: AbortSignal): Promise<OrderPage> {
  const query = new URLSearchParams({ limit: String(ORDER_PAGE_SIZE) });
  if (filters.q) query.set('q', filters.q);
  if (filters.status) query.set('status', filters.status);
  if (after) query.set('after', after);
  return api<OrderPage>(`${base(tenantId)}/ecommerce/orders?${query}`, { signal });
}

export async function getOrder(tenantId: string, orderId: string, signal?: AbortSignal): Promise<OrderDetail> {
  return (await api<{ order: OrderDetail }>(`${base(tenantId)}/ecommerce/orders/${encodeURIComponent(orderId)}/details`, { signal })).order;
}

export function moveOrder(tenantId: string, orderId: string, status: Exclude<OrderStep, 'cancelled'>) {
  return api<{ order: OrderSummary }>(`${base(tenantId)}/ecommerce/orders/${encodeURIComponent(orderId)}/fulfilment`, { method: 'POST', body: { status } });
}

export function cancelOrder(tenantId: string, orderId: string, reason: string) {
  return api<{ order: OrderSummary; refunded: boolean }>(`${base(tenantId)}/ecommerce/orders/${encodeURIComponent(orderId)}/cancel`, { method: 'POST', body: { reason } });
}

export function getSettings(tenantId: string, signal?: AbortSignal): Promise<EcommerceSettings> {
  return api<EcommerceSettings>(`${base(tenantId)}/ecommerce/settings`, { signal });
}

export function saveSettings(tenantId: string, fulfilmentBoutiqueId: string): Promise<EcommerceSettings> {
  return api<EcommerceSettings>(`${base(tenantId)}/ecommerce/settings`, { method: 'PUT', body: { fulfilmentBoutiqueId } });
}

export async function listBoutiques(tenantId: string, signal?: AbortSignal): Promise<Boutique[]> {
  return (await api<{ boutiques: Boutique[] }>(`${base(tenantId)}/boutiques`, { signal })).boutiques;
}
