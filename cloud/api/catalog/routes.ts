import { z } from 'zod';
import { text } from '../../../shared/validation.js';
import { searchForm } from '../../../shared/text.js';
import { defineRoute, tenantIdParam, type RouteDef } from '../http/route.js';

export const catalogRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/products',
    summary: 'Chercher des produits (nom ou code-barres)',
    tags: ['products'],
    access: { kind: 'permission', module: 'products', action: 'read' },
    params: z.object({ tenantId: tenantIdParam }),
    query: z.object({
      q: text({ max: 100 }).default(''),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
    handler: async ({ params, query, tx }) => {
      const term = searchForm(query.q);
      const { rows } = await tx.query<{ doc: unknown }>(
        `SELECT doc FROM products WHERE tenant_id = $1 AND NOT deleted
           AND ($2 = '' OR doc->>'barcode' = $2 OR doc->>'searchName' LIKE '%' || $2 || '%')
         ORDER BY doc->>'searchName' LIMIT $3`,
        [params.tenantId, term, query.limit],
      );
      return { products: rows.map((r) => r.doc) };
    },
  }),
];
