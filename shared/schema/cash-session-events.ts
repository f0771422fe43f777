import type { RxJsonSchema } from 'rxdb';
import { idField, isoDateField, minorUnits, tenantField } from './common.js';

/** A fact: one step of a till's cash session (open with a float, cash in/out, close with counts). */
export type CashSessionEvent = {
  id: string;
  tenantId: string;
  boutiqueId: string;
  deviceId: string;
  sessionId: string;
  userId: string;
  type: 'open' | 'cash_in' | 'cash_out' | 'close';
  amountMinor: number;
  reason?: string;
  /** On close: what was counted, per tender method. */
  counted?: Record<string, number>;
  createdAt: string;
};

export const cashSessionEventSchema: RxJsonSchema<CashSessionEvent> = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: idField, tenantId: tenantField, boutiqueId: { type: 'string', maxLength: 64 }, deviceId: { type: 'string', maxLength: 64 },
    sessionId: { type: 'string', maxLength: 64 }, userId: { type: 'string', maxLength: 64 },
    type: { type: 'string', enum: ['open', 'cash_in', 'cash_out', 'close'] }, amountMinor: minorUnits, reason: { type: 'string', maxLength: 300 },
    counted: { type: 'object', additionalProperties: { type: 'integer' } }, createdAt: isoDateField,
  },
  required: ['id', 'tenantId', 'boutiqueId', 'deviceId', 'sessionId', 'userId', 'type', 'amountMinor', 'createdAt'],
  indexes: ['sessionId'],
};
