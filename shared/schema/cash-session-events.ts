import type { RxJsonSchema } from 'rxdb';
import { idField, isIsoInstant, isoDateField, isRef, isTenderMethod, minorUnits, tenantField, type RuleBroken } from './common.js';

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

/**
 * What the till's drawer writes (desktop/core/pos/cash-sessions.ts): amounts never negative, money
 * moved in or out is some money with its reason, and the count of a close is per tender method,
 * its cash (counted, so not negative) being the close's amount. Call it on a document that has passed the schema.
 */
export function cashSessionEventRuleBroken(event: CashSessionEvent): RuleBroken {
  if (!isRef(event.sessionId) || !isRef(event.userId)) return 'sessionId and userId must not be empty';
  if (!isIsoInstant(event.createdAt)) return 'createdAt is not an ISO 8601 instant';
  if (event.amountMinor < 0) return 'amountMinor must not be negative';
  if (event.type === 'cash_in' || event.type === 'cash_out') {
    if (event.amountMinor === 0) return `a ${event.type} moves some money`;
    if (!event.reason?.trim()) return `a ${event.type} has a reason`;
  }
  if (event.type !== 'close') return event.counted === undefined ? null : 'only a close has counted amounts';
  if (event.counted === undefined) return 'a close has counted amounts';
  // A method left uncounted is recorded at what was expected, which refunds can make negative.
  if (!Object.keys(event.counted).every(isTenderMethod)) return 'counted is by tender method';
  if (event.counted.cash !== event.amountMinor) return 'a close’s amount is the cash counted';
  return null;
}
