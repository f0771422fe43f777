import type { RxJsonSchema } from 'rxdb';
import { idField, isoDateField, tenantField, type Owned } from './common.js';

export type Category = Owned & { code: string; name: string };

export const categorySchema: RxJsonSchema<Category> = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: { id: idField, tenantId: tenantField, code: { type: 'string', maxLength: 16 }, name: { type: 'string', maxLength: 120 }, updatedAt: isoDateField },
  required: ['id', 'tenantId', 'code', 'name', 'updatedAt'],
};
