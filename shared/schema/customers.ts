import type { RxJsonSchema } from 'rxdb';
import { idField, isIsoInstant, tenantField, type RuleBroken } from './common.js';

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

/** The fields a till edits, each stamped with the time of its last change. */
const STAMPED = new Set(['name', 'phone']);

/**
 * What the till's customers hold (desktop/core/pos/customers.ts): a name, a phone number as
 * digits with its country code (E.164, as the till normalises it), and a stamp per edited field
 * that the merge compares as text, so an instant. Call it on a document that has passed the schema.
 */
export function customerRuleBroken(customer: Customer): RuleBroken {
  if (customer.name.trim().length === 0) return 'a customer has a name';
  if (!/^\d{8,15}$/.test(customer.phone)) return 'phone is not 8 to 15 digits';
  for (const [field, stamp] of Object.entries(customer.fieldUpdatedAt)) {
    if (!STAMPED.has(field)) return `fieldUpdatedAt.${field} is not a customer field`;
    if (!isIsoInstant(stamp)) return `fieldUpdatedAt.${field} is not an ISO 8601 instant`;
  }
  return null;
}
