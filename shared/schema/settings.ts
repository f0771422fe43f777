import type { RxJsonSchema } from 'rxdb';
import { idField, isoDateField, tenantField, type Owned } from './common.js';

export type Settings = Owned & { vatRateBp: number; currency: string; locale: string; timeZone: string; receiptFooter: string };

export const settingsSchema: RxJsonSchema<Settings> = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: idField, tenantId: tenantField, vatRateBp: { type: 'integer', minimum: 0, maximum: 10_000 }, currency: { type: 'string', maxLength: 3 },
    locale: { type: 'string', maxLength: 5 }, timeZone: { type: 'string', maxLength: 64 }, receiptFooter: { type: 'string', maxLength: 500 }, updatedAt: isoDateField,
  },
  required: ['id', 'tenantId', 'vatRateBp', 'currency', 'locale', 'timeZone', 'updatedAt'],
};
