import type { RxJsonSchema } from 'rxdb';
import { idField, isoDateField, minorUnits, tenantField } from './common.js';

export type SaleLine = { productId: string; name: string; barcode: string; unitPriceMinor: number; quantityMilli: number; discountMinor: number; vatRateBp: number; totalMinor: number; vatMinor: number };
export type Tender = { method: 'cash' | 'mtn_momo' | 'orange_money' | 'card'; amountMinor: number; changeMinor?: number; paymentId?: string };

/** A fact: born once at the till, never edited; the same id pushed twice is stored once. */
export type Sale = {
  id: string;
  tenantId: string;
  boutiqueId: string;
  deviceId: string;
  cashierId: string;
  customerId?: string;
  /** Unique without network: boutique code, till code, per-till counter. */
  number: string;
  lines: SaleLine[];
  tenders: Tender[];
  subtotalMinor: number;
  discountMinor: number;
  vatMinor: number;
  totalMinor: number;
  createdAt: string;
};

const line = {
  type: 'object',
  properties: {
    productId: { type: 'string' }, name: { type: 'string' }, barcode: { type: 'string' }, unitPriceMinor: minorUnits, quantityMilli: { type: 'integer' },
    discountMinor: minorUnits, vatRateBp: { type: 'integer' }, totalMinor: minorUnits, vatMinor: minorUnits,
  },
  required: ['productId', 'name', 'unitPriceMinor', 'quantityMilli', 'discountMinor', 'vatRateBp', 'totalMinor', 'vatMinor'],
} as const;

export const saleSchema: RxJsonSchema<Sale> = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: idField, tenantId: tenantField, boutiqueId: { type: 'string', maxLength: 64 }, deviceId: { type: 'string', maxLength: 64 },
    cashierId: { type: 'string', maxLength: 64 }, customerId: { type: 'string', maxLength: 64 }, number: { type: 'string', maxLength: 40 },
    lines: { type: 'array', items: line },
    tenders: { type: 'array', items: { type: 'object', properties: { method: { type: 'string' }, amountMinor: minorUnits, changeMinor: minorUnits, paymentId: { type: 'string' } }, required: ['method', 'amountMinor'] } },
    subtotalMinor: minorUnits, discountMinor: minorUnits, vatMinor: minorUnits, totalMinor: minorUnits, createdAt: isoDateField,
  },
  required: ['id', 'tenantId', 'boutiqueId', 'deviceId', 'cashierId', 'number', 'lines', 'tenders', 'subtotalMinor', 'discountMinor', 'vatMinor', 'totalMinor', 'createdAt'],
  indexes: ['number', 'createdAt'],
};
