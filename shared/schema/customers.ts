import type { RxJsonSchema } from 'rxdb';
import { idField, tenantField } from './common.js';

/** Shared record: merged field by field, the latest `fieldUpdatedAt` of each field winning. */
export type Customer = { id: string; tenantId: string; name: string; phone: string; fieldUpdatedAt: Record<string, string> };

export const customerSchema: RxJsonSchema<Customer> = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: idField, tenantId: tenantField, name: { type: 'string', maxLength: 120 }, phone: { type: 'string', maxLength: 30 },
    fieldUpdatedAt: { type: 'object', additionalProperties: { type: 'string' } },
  },
  required: ['id', 'tenantId', 'name', 'phone', 'fieldUpdatedAt'],
  indexes: ['phone'],
};
