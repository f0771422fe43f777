import type { RxJsonSchema } from 'rxdb';
import { idField, isoDateField, tenantField, type Owned } from './common.js';

/** Cloud-owned: the tenant's shops as the tills see them (receipts print their own's details). */
export type TillBoutique = Owned & {
  code: string;
  name: string;
  address: string;
  phone: string;
  taxId: string;
  timeZone: string;
  currency: string;
};

export const tillBoutiqueSchema: RxJsonSchema<TillBoutique> = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: idField,
    tenantId: tenantField,
    code: { type: 'string', maxLength: 8 },
    name: { type: 'string', maxLength: 120 },
    address: { type: 'string', maxLength: 300 },
    phone: { type: 'string', maxLength: 40 },
    taxId: { type: 'string', maxLength: 60 },
    timeZone: { type: 'string', maxLength: 64 },
    currency: { type: 'string', maxLength: 3 },
    updatedAt: isoDateField,
  },
  required: ['id', 'tenantId', 'code', 'name', 'address', 'phone', 'taxId', 'timeZone', 'currency', 'updatedAt'],
};
