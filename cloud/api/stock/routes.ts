import { z } from 'zod';
import { defineRoute, idParam, tenantIdParam, type RouteDef } from '../http/route.js';

export const stockRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/stock',
    summary: 'Stock par produit d’une boutique (somme des mouvements)',
    tags: ['stock'],
    access: { kind: 'permission', module: 'stock', action: 'read' },
    params: z.object({ tenantId: tenantIdParam }),
    query: z.object({
      boutiqueId: idParam,
      below: z.coerce.number().int().optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(200),
    }),
    handler: async ({ params, query, tx }) => {
      const { rows } = await tx.query(
        `SELECT l.product_id AS "productId", p.doc->>'name' AS name, p.doc->>'barcode' AS barcode,
                l.quantity_milli AS "quantityMilli"
         FROM stock_levels l JOIN products p ON p.tenant_id = l.tenant_id AND p.id = l.product_id
         WHERE l.tenant_id = $1 AND l.boutique_id = $2 AND ($3::bigint IS NULL OR l.quantity_milli < $3 * 1000)
         ORDER BY l.quantity_milli, name LIMIT $4`,
        [params.tenantId, query.boutiqueId, query.below ?? null, query.limit],
      );
      return { stock: rows };
    },
  }),
];
