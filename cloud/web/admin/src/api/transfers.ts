/** Transfers between boutiques, and the boutiques they run between, as the API's contract states them. */
import type { Transfer, TransferStatus } from '../../../../../shared/schema/transfers.js';
import { api } from './client.js';

export type { Transfer, TransferStatus };
export type Boutique = { id: string; code: string; name: string };
export type TransferFilters = { status: TransferStatus | ''; boutiqueId: string };
export type TransferPage = { transfers: Transfer[]; nextCursor: string | null; total: number };
export type TransferInput = { fromBoutiqueId: string; toBoutiqueId: string; lines: Array<{ productId: string; quantityMilli: number }>; note?: string };
export type ReceptionInput = Array<{ productId: string; receivedMilli: number; reason?: string }>;

export const TRANSFER_PAGE_SIZE = 100;

const base = (tenantId: string) => `/api/tenants/${encodeURIComponent(tenantId)}`;
const one = (tenantId: string, id: string) => `${base(tenantId)}/transfers/${encodeURIComponent(id)}`;

export const transferKeys = {
  all: (tenantId: string) => ['transfers', tenantId] as const,
  list: (tenantId: string, filters: TransferFilters) => ['transfers', tenantId, 'list', filters] as const,
  one: (tenantId: string, id: string) => ['transfers', tenantId, 'one', id] as const,
  boutiques: (tenantId: string) => ['boutiques', tenantId] as const,
};

export function listTransfers(tenantId: string, filters: TransferFilters, after: string | null, signal?: AbortSignal): Promise<TransferPage> {
  const query = new URLSearchParams({ limit: String(TRANSFER_PAGE_SIZE) });
  if (filters.status) query.set('status', filters.status);
  if (filters.boutiqueId) query.set('boutiqueId', filters.boutiqueId);
  if (after) query.set('after', after);
  return api<TransferPage>(`${base(tenantId)}/transfers?${query}`, { signal });
}

export async function getTransfer(tenantId: string, id: string, signal?: AbortSignal): Promise<Transfer> {
  return (await api<{ transfer: Transfer }>(one(tenantId, id), { signal })).transfer;
}

export async function createTransfer(tenantId: string, input: TransferInput): Promise<Transfer> {
  return (await api<{ transfer: Transfer }>(`${base(tenantId)}/transfers`, { method: 'POST', body: input })).transfer;
}

export async function updateTransfer(tenantId: string, id: string, input: TransferInput): Promise<Transfer> {
  return (await api<{ transfer: Transfer }>(one(tenantId, id), { method: 'PUT', body: input })).transfer;
}

export async function transferStep(tenantId: string, id: string, step: 'send' | 'cancel'): Promise<Transfer> {
  return (await api<{ transfer: Transfer }>(`${one(tenantId, id)}/${step}`, { method: 'POST' })).transfer;
}

export async function receiveTransfer(tenantId: string, id: string, lines: ReceptionInput): Promise<Transfer> {
  return (await api<{ transfer: Transfer }>(`${one(tenantId, id)}/receive`, { method: 'POST', body: { lines } })).transfer;
}

export async function listBoutiques(tenantId: string, signal?: AbortSignal): Promise<Boutique[]> {
  return (await api<{ boutiques: Boutique[] }>(`${base(tenantId)}/boutiques`, { signal })).boutiques;
}
