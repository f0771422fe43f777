import { z } from 'zod';
import { DOCUMENT_LIMITS } from '../../../shared/schema/common.js';
import { TRANSFER_REASON_MAX, TRANSFER_STATUSES } from '../../../shared/schema/transfers.js';
import { text } from '../../../shared/validation.js';
import { defineRoute, idParam, tenantIdParam, type RouteDef } from '../http/route.js';
import type { UserPrincipal } from '../http/principal.js';
import * as transfers from './service.js';

const tenantParams = z.object({ tenantId: tenantIdParam });
const transferParams = z.object({ tenantId: tenantIdParam, transferId: idParam });

const quantity = z.number().int().min(1).max(DOCUMENT_LIMITS.quantityMilli);

const transferBody = z
  .object({
    fromBoutiqueId: idParam,
    toBoutiqueId: idParam,
    lines: z.array(z.object({ productId: idParam, quantityMilli: quantity }).strict()).max(DOCUMENT_LIMITS.items),
    note: text({ max: 300 }).optional(),
  })
  .strict();

const receiveBody = z
  .object({
    lines: z
      .array(
        z.object({ productId: idParam, receivedMilli: z.number().int().min(0).max(DOCUMENT_LIMITS.quantityMilli), reason: text({ max: TRANSFER_REASON_MAX }).nullable().optional() }).strict(),
      )
      .max(DOCUMENT_LIMITS.items),
  })
  .strict();

const transferList = z.object({
  status: z.enum(TRANSFER_STATUSES).optional(),
  boutiqueId: idParam.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  after: z.string().max(1000).optional(),
});

const line = z.object({
  productId: z.string(), name: z.string(), quantityMilli: z.number().int(),
  receivedMilli: z.number().int().nullable().optional(), reason: z.string().nullable().optional(),
});
const transfer = z.object({
  id: z.string(), tenantId: z.string(), boutiqueId: z.string(), number: z.string(), fromBoutiqueId: z.string(), toBoutiqueId: z.string(),
  status: z.enum(TRANSFER_STATUSES), lines: z.array(line), note: z.string().optional(), createdBy: z.string(), createdAt: z.string(),
  sentAt: z.string().nullable().optional(), receivedAt: z.string().nullable().optional(), receivedVia: z.enum(['admin', 'till']).nullable().optional(),
  receivedBy: z.string().nullable().optional(), cancelledAt: z.string().nullable().optional(), updatedAt: z.string(),
});

const readTransfers = { kind: 'permission', module: 'transfers', action: 'read' } as const;
const writeTransfers = { kind: 'permission', module: 'transfers', action: 'write' } as const;

function actorOf(user: UserPrincipal | null): transfers.Actor {
  return { userId: user!.userId, role: user!.role, boutiqueIds: user!.boutiqueIds };
}

/** The audit entry of a step: the transfer, its number and its boutiques. */
function audited(audit: { target?: string; details?: unknown }, done: { id: string; number: string; fromBoutiqueId: string; toBoutiqueId: string }, extra: Record<string, unknown> = {}) {
  audit.target = done.id;
  audit.details = { number: done.number, fromBoutiqueId: done.fromBoutiqueId, toBoutiqueId: done.toBoutiqueId, ...extra };
}

export const transferRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/transfers',
    summary: 'Lister les transferts entre boutiques, les plus récents d’abord (filtre par statut et par boutique)',
    tags: ['transfers'],
    access: readTransfers,
    params: tenantParams,
    query: transferList,
    response: z.object({ transfers: z.array(transfer), nextCursor: z.string().nullable(), total: z.number().int() }),
    handler: async ({ params, query, tx, user }) =>
      transfers.listTransfers(tx, params.tenantId, actorOf(user), { status: query.status ?? null, boutiqueId: query.boutiqueId ?? null, limit: query.limit, after: query.after ?? null }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/transfers/:transferId',
    summary: 'Un transfert',
    tags: ['transfers'],
    access: readTransfers,
    params: transferParams,
    response: z.object({ transfer }),
    handler: async ({ params, tx, user }) => ({ transfer: await transfers.getTransfer(tx, params.tenantId, actorOf(user), params.transferId) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/tenants/:tenantId/transfers',
    summary: 'Créer un brouillon de transfert',
    tags: ['transfers'],
    action: 'transfers.create',
    access: writeTransfers,
    params: tenantParams,
    body: transferBody,
    status: 201,
    response: z.object({ transfer }),
    handler: async ({ params, body, tx, user, audit }) => {
      const created = await transfers.createTransfer(tx, params.tenantId, actorOf(user), body);
      audited(audit, created, { lines: created.lines.length });
      return { transfer: created };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/tenants/:tenantId/transfers/:transferId',
    summary: 'Modifier un brouillon de transfert',
    tags: ['transfers'],
    action: 'transfers.update',
    access: writeTransfers,
    params: transferParams,
    body: transferBody,
    response: z.object({ transfer }),
    handler: async ({ params, body, tx, user, audit }) => {
      const updated = await transfers.updateTransfer(tx, params.tenantId, actorOf(user), params.transferId, body);
      audited(audit, updated, { lines: updated.lines.length });
      return { transfer: updated };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/tenants/:tenantId/transfers/:transferId/send',
    summary: 'Envoyer un transfert : le stock quitte la boutique de départ',
    tags: ['transfers'],
    action: 'transfers.send',
    access: writeTransfers,
    params: transferParams,
    response: z.object({ transfer }),
    handler: async ({ params, tx, user, audit }) => {
      const sent = await transfers.sendTransfer(tx, params.tenantId, actorOf(user), params.transferId);
      audited(audit, sent);
      return { transfer: sent };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/tenants/:tenantId/transfers/:transferId/cancel',
    summary: 'Annuler un brouillon de transfert',
    tags: ['transfers'],
    action: 'transfers.cancel',
    access: writeTransfers,
    params: transferParams,
    response: z.object({ transfer }),
    handler: async ({ params, tx, user, audit }) => {
      const cancelled = await transfers.cancelTransfer(tx, params.tenantId, actorOf(user), params.transferId);
      audited(audit, cancelled);
      return { transfer: cancelled };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/tenants/:tenantId/transfers/:transferId/receive',
    summary: 'Réceptionner un transfert : quantités reçues par ligne, motif de chaque écart ; le stock entre dans la boutique d’arrivée',
    tags: ['transfers'],
    action: 'transfers.receive',
    access: writeTransfers,
    params: transferParams,
    body: receiveBody,
    response: z.object({ transfer }),
    handler: async ({ params, body, tx, user, audit }) => {
      const received = await transfers.receiveTransfer(tx, params.tenantId, actorOf(user), params.transferId, body.lines);
      audited(audit, received, { lines: received.lines.map((l) => ({ productId: l.productId, quantityMilli: l.quantityMilli, receivedMilli: l.receivedMilli, reason: l.reason })) });
      return { transfer: received };
    },
  }),
];
