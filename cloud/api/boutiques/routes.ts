import { z } from 'zod';
import { text, timeZone } from '../../../shared/validation.js';
import { defineRoute, tenantIdParam, type RouteDef } from '../http/route.js';
import * as boutiques from './service.js';

const tenantParams = z.object({ tenantId: tenantIdParam });

export const boutiqueBody = z.object({
  code: z.string().trim().toUpperCase().regex(/^[A-Z0-9]{2,8}$/, 'code : 2 à 8 lettres ou chiffres'),
  name: text({ min: 2, max: 120 }),
  address: text({ max: 300 }).default(''),
  phone: text({ max: 40 }).default(''),
  taxId: text({ max: 60 }).default(''),
  timeZone: timeZone().default('Africa/Conakry'),
});

const boutique = z.object({ id: z.string(), code: z.string(), name: z.string(), address: z.string(), phone: z.string(), taxId: z.string(), timeZone: z.string(), currency: z.string() });

export const boutiqueRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/boutiques',
    summary: 'Lister les boutiques',
    tags: ['boutiques'],
    access: { kind: 'permission', module: 'boutiques', action: 'read' },
    params: tenantParams,
    response: z.object({ boutiques: z.array(boutique) }),
    handler: async ({ params, tx }) => ({ boutiques: await boutiques.listBoutiques(tx, params.tenantId) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/tenants/:tenantId/boutiques',
    summary: 'Créer une boutique',
    tags: ['boutiques'],
    access: { kind: 'permission', module: 'boutiques', action: 'write' },
    params: tenantParams,
    body: boutiqueBody,
    status: 201,
    handler: async ({ params, body, tx, tenant, audit }) => {
      const created = await boutiques.createBoutique(tx, params.tenantId, tenant.currency, body);
      audit.target = created.id;
      return created;
    },
  }),
];
