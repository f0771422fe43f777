import { z } from 'zod';
import { REPLICATED_COLLECTIONS, replicatedCollection } from '../../../sync/collections.js';
import { pullQuerySchema, pushBodySchema, type PushRow, type SyncDocument } from '../../../sync/protocol.js';
import { pull, pullResponseJson, push } from '../../../sync/server/handlers.js';
import { recordPaymentClaims, type ClaimingSale } from '../../payments/claims.js';
import { notFound } from '../http/errors.js';
import { receiveFromTill, vetTillMovements } from '../transfers/service.js';
import { defineRoute, pageQuery, type RouteDef, tenantIdParam } from '../http/route.js';

const collectionParams = z.object({ collection: z.enum(REPLICATED_COLLECTIONS.map((c) => c.name) as [string, ...string[]]) });

/** Replication endpoints of the tills, authenticated by their device credential. */
const HEARTBEAT_MS = 25_000;

export const syncRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/sync/stream',
    summary: 'Réplication : flux en direct (server-sent events), RESYNC à chaque changement',
    tags: ['sync'],
    access: { kind: 'device' },
    handler: async ({ device, services, res }) => {
      const tenantId = device!.tenantId;
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
      const resync = () => res.write('data: RESYNC\n\n');
      // A till gone while the subscription was being made leaves nothing subscribed.
      let gone = false;
      res.once('close', () => (gone = true));
      const unsubscribe = await services.changes.subscribe(tenantId, device!.deviceId, resync, () => res.end());
      if (gone) {
        unsubscribe();
        return undefined;
      }
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
      res.once('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
      });
      // After every (re)connection the till catches up from its checkpoint: told so only once the
      // stream is subscribed (the first subscriber of a process waits for its LISTEN connection),
      // so that a change committed meanwhile is either read by that catch-up or announced here.
      resync();
      return undefined;
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/sync/:collection/pull',
    summary: 'Réplication : documents modifiés depuis le point de contrôle',
    tags: ['sync'],
    access: { kind: 'device' },
    params: collectionParams,
    query: pullQuerySchema,
    handler: async ({ params, query, device, services, res }) => {
      const collection = replicatedCollection(params.collection);
      if (!collection) throw notFound();
      const page = await services.databases.withTenant(device!.tenantId, (tx) => pull(tx, device!, collection, query.seq, query.limit, query.own), { readOnly: true });
      res.type('application/json').send(pullResponseJson(page));
      return undefined;
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/sync/:collection/push',
    summary: 'Réplication : documents écrits hors ligne par la caisse',
    tags: ['sync'],
    access: { kind: 'device' },
    params: collectionParams,
    body: pushBodySchema,
    bodyCheckedPerDocument: true,
    handler: async ({ params, body, device, services, req }) => {
      const collection = replicatedCollection(params.collection);
      if (!collection) throw notFound();
      const scope = device!;
      return services.databases.withTenant(scope.tenantId, async (tx) => {
        // Refused documents are filed in sync_rejections by the push itself, in this transaction.
        // A till's reception of a transfer is checked against the transfer (locked until commit)
        // before its movements are stored, and marks the transfer received in the same transaction.
        const movements = collection.name === 'stock_movements';
        const vet = movements ? (docs: SyncDocument[]) => vetTillMovements(tx, scope, docs) : undefined;
        const { response, valid } = await push(tx, scope, collection, body.rows as PushRow[], (event, details) => req.log.warn(details, event), vet);
        if (movements && valid.length > 0) {
          const received = await receiveFromTill(tx, scope, valid);
          if (received.length) req.log.info({ deviceId: scope.deviceId, transfers: received }, 'transfers received at the till');
        }
        if (response.rejected.length) req.log.warn({ collection: collection.name, rejected: response.rejected.length }, 'sync documents set aside');
        if (collection.name === 'sales' && valid.length > 0) {
          const anomalies = await recordPaymentClaims(tx, scope.tenantId, scope.deviceId, valid as unknown as ClaimingSale[]);
          if (anomalies) req.log.warn({ deviceId: scope.deviceId, anomalies }, 'sales claim payments that do not hold');
        }
        return response;
      });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/sync/rejections',
    summary: 'Documents envoyés par les caisses et refusés par le cloud, avec la raison',
    tags: ['sync'],
    access: { kind: 'permission', module: 'devices', action: 'read' },
    params: z.object({ tenantId: tenantIdParam }),
    query: pageQuery,
    handler: async ({ params, query, tx }) => {
      const { rows } = await tx.query(
        `SELECT r.id, r.at, r.device_id AS "deviceId", d.name AS "deviceName", d.boutique_id AS "boutiqueId", r.collection,
                r.document_id AS "documentId", r.reason, r.document
         FROM sync_rejections r LEFT JOIN devices d ON d.tenant_id = r.tenant_id AND d.id = r.device_id
         WHERE r.tenant_id = $1 AND ($2::bigint IS NULL OR r.id < $2) ORDER BY r.id DESC LIMIT $3`,
        [params.tenantId, query.before ?? null, query.limit],
      );
      return { rejections: rows };
    },
  }),
];
