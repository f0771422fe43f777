import type { RxJsonSchema } from 'rxdb';
import { DOCUMENT_LIMITS, idField, isoDateField, tenantField } from './common.js';

export const TRANSFER_STATUSES = ['draft', 'sent', 'received', 'cancelled'] as const;
export type TransferStatus = (typeof TRANSFER_STATUSES)[number];

/**
 * A line of a transfer: what leaves the source, and once received, what arrived (`receivedMilli`)
 * with the reason of a difference.
 */
export type TransferLine = {
  productId: string;
  name: string;
  quantityMilli: number;
  receivedMilli?: number | null;
  reason?: string | null;
};

/**
 * A transfer of goods between two boutiques of a company: a shared record whose steps are facts
 * (ARCHITECTURE §4). Written in the cloud (draft, sent, received by a manager) and pulled by the
 * tills of the destination (`boutiqueId` is the destination), which confirm reception by writing
 * the `transfer_in` movements themselves, offline if need be: the cloud then marks it received.
 */
export type Transfer = {
  id: string;
  tenantId: string;
  /** The destination: the boutique whose tills pull the transfer. */
  boutiqueId: string;
  /** Readable, per company: TR-000012. */
  number: string;
  fromBoutiqueId: string;
  toBoutiqueId: string;
  status: TransferStatus;
  lines: TransferLine[];
  note?: string;
  createdBy: string;
  createdAt: string;
  sentAt?: string | null;
  receivedAt?: string | null;
  /** `admin` (a manager in the back office) or `till` (the destination's counter). */
  receivedVia?: 'admin' | 'till' | null;
  /** The user (admin) or the till (device id) that received it. */
  receivedBy?: string | null;
  cancelledAt?: string | null;
  updatedAt: string;
};

const lineSchema = {
  type: 'object',
  properties: {
    productId: { type: 'string', maxLength: 64 },
    name: { type: 'string', maxLength: 200 },
    quantityMilli: { type: 'integer', minimum: 1, maximum: DOCUMENT_LIMITS.quantityMilli },
    receivedMilli: { type: ['integer', 'null'], minimum: 0, maximum: DOCUMENT_LIMITS.quantityMilli },
    reason: { type: ['string', 'null'], maxLength: 300 },
  },
  required: ['productId', 'name', 'quantityMilli'],
} as const;

export const transferSchema: RxJsonSchema<Transfer> = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: idField,
    tenantId: tenantField,
    boutiqueId: { type: 'string', maxLength: 64 },
    number: { type: 'string', maxLength: 20 },
    fromBoutiqueId: { type: 'string', maxLength: 64 },
    toBoutiqueId: { type: 'string', maxLength: 64 },
    status: { type: 'string', enum: [...TRANSFER_STATUSES], maxLength: 12 },
    lines: { type: 'array', maxItems: DOCUMENT_LIMITS.items, items: lineSchema },
    note: { type: 'string', maxLength: 300 },
    createdBy: { type: 'string', maxLength: 64 },
    createdAt: isoDateField,
    sentAt: { type: ['string', 'null'], maxLength: 40 },
    receivedAt: { type: ['string', 'null'], maxLength: 40 },
    receivedVia: { type: ['string', 'null'], enum: ['admin', 'till', null] },
    receivedBy: { type: ['string', 'null'], maxLength: 64 },
    cancelledAt: { type: ['string', 'null'], maxLength: 40 },
    updatedAt: isoDateField,
  },
  required: ['id', 'tenantId', 'boutiqueId', 'number', 'fromBoutiqueId', 'toBoutiqueId', 'status', 'lines', 'createdBy', 'createdAt', 'updatedAt'],
  indexes: ['status'],
};

/**
 * The id of a transfer's movement of a line: derived from the transfer and the line's place, so
 * every writer of one step (the admin, a till, a retry) writes the same fact and the store keeps
 * one. The line's place rather than its product id: two UUIDs do not fit the 64 characters of an
 * id, and the lines of a sent transfer never change.
 */
export function transferMovementId(transferId: string, direction: 'out' | 'in', lineIndex: number): string {
  return `${transferId}:${direction}:${lineIndex}`;
}

/** The transfer and line a movement id names, or null when it is not a transfer movement's. */
export function parseTransferMovementId(id: string): { transferId: string; direction: 'out' | 'in'; lineIndex: number } | null {
  const match = /^(.+):(out|in):(0|[1-9]\d{0,2})$/.exec(id);
  return match ? { transferId: match[1]!, direction: match[2] as 'out' | 'in', lineIndex: Number(match[3]) } : null;
}

/** What arrived of each line, as a reception gives it (in the order of the transfer's lines). */
export type ReceivedLine = { productId: string; receivedMilli: number; reason?: string | null };

export const TRANSFER_REASON_MAX = 300;

/**
 * Why a reception of a transfer cannot be taken, as an error code of the catalogues (both the
 * cloud and the till check it the same way), or null. A reason is required wherever the quantity
 * received differs from the quantity sent.
 */
export function receptionProblem(transfer: Pick<Transfer, 'lines'>, received: readonly ReceivedLine[]): { code: 'TRANSFER_RECEPTION_LINES' | 'QUANTITY_INVALID' | 'TRANSFER_REASON_REQUIRED' | 'REASON_TOO_LONG'; productId?: string } | null {
  if (received.length !== transfer.lines.length) return { code: 'TRANSFER_RECEPTION_LINES' };
  for (const [i, line] of transfer.lines.entries()) {
    const got = received[i]!;
    if (got.productId !== line.productId) return { code: 'TRANSFER_RECEPTION_LINES' };
    if (!Number.isSafeInteger(got.receivedMilli) || got.receivedMilli < 0 || got.receivedMilli > DOCUMENT_LIMITS.quantityMilli) return { code: 'QUANTITY_INVALID', productId: line.productId };
    const reason = got.reason?.trim() ?? '';
    if (reason.length > TRANSFER_REASON_MAX) return { code: 'REASON_TOO_LONG', productId: line.productId };
    if (got.receivedMilli !== line.quantityMilli && reason === '') return { code: 'TRANSFER_REASON_REQUIRED', productId: line.productId };
  }
  return null;
}
