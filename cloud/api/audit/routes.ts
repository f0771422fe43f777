import { z } from 'zod';
import { defineRoute, pageQuery, type RouteDef, tenantIdParam } from '../http/route.js';

export const auditRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/audit',
    summary: 'Journal des modifications de l’entreprise',
    tags: ['audit'],
    access: { kind: 'permission', module: 'audit', action: 'read' },
    params: z.object({ tenantId: tenantIdParam }),
    query: pageQuery,
    handler: async ({ params, query, tx }) => {
      const { rows } = await tx.query(
        `SELECT id, at, actor_id AS "actorId", actor_role AS "actorRole", action, target, ip, request_id AS "requestId", details
         FROM audit_log WHERE tenant_id = $1 AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
        [params.tenantId, query.before ?? null, query.limit],
      );
      return { entries: rows };
    },
  }),
];
