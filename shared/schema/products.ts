import type { RxJsonSchema } from 'rxdb';
import { idField, isoDateField, minorUnits, tenantField, type Owned } from './common.js';

/** Cloud-owned: written in the cloud, pulled by every till of the tenant. */
export type Product = Owned & {
  barcode: string;
  name: string;
  /** `searchForm(name)` from shared/text: what search-as-you-type compares. */
  searchName: string;
  categoryId: string;
  priceMinor: number;
  vatRateBp: number;
  unit: 'piece' | 'kg' | 'l';
  active: boolean;
};

export const productSchema: RxJsonSchema<Product> = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: idField,
    tenantId: tenantField,
    barcode: { type: 'string', maxLength: 32 },
    name: { type: 'string', maxLength: 200 },
    searchName: { type: 'string', maxLength: 200 },
    categoryId: { type: 'string', maxLength: 64 },
    priceMinor: minorUnits,
    vatRateBp: { type: 'integer', minimum: 0, maximum: 10_000 },
    unit: { type: 'string', enum: ['piece', 'kg', 'l'] },
    active: { type: 'boolean' },
    updatedAt: isoDateField,
  },
  required: ['id', 'tenantId', 'barcode', 'name', 'searchName', 'categoryId', 'priceMinor', 'vatRateBp', 'unit', 'active', 'updatedAt'],
  indexes: ['barcode', 'searchName', 'categoryId'],
};
