import { z } from 'zod';
import { text, timeZone } from '../../../shared/validation.js';
import { v7 as uuidv7 } from 'uuid';
import { conflict } from '../http/errors.js';
import { defineRoute, tenantIdParam, type RouteDef } from '../http/route.js';
import { publishTillBoutiques } from './till-boutiques.js';

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

const COLUMNS = `id, code, name, address, phone, tax_id AS "taxId", time_zone AS "timeZone", currency`;

export const boutiqueRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/boutiques',
    summary: 'Lister les boutiques',
    tags: ['boutiques'],
    access: { kind: 'permission', module: 'boutiques', action: 'read' },
    params: tenantParams,
    response: z.object({ boutiques: z.array(boutique) }),
    handler: async ({ params, tx }) => {
      const { rows } = await tx.query(`SELECT ${COLUMNS} FROM boutiques WHERE tenant_id = $1 ORDER BY code`, [params.tenantId]);
      return { boutiques: rows };
    },
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
      const id = uuidv7();
      const { rows } = await tx.query(
        `INSERT INTO boutiques (tenant_id, id, code, name, address, phone, tax_id, time_zone, currency)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (tenant_id, code) DO NOTHING RETURNING ${COLUMNS}`,
        [params.tenantId, id, body.code, body.name, body.address, body.phone, body.taxId, body.timeZone, tenant.currency],
      );
      if (!rows[0]) throw conflict('BOUTIQUE_CODE_TAKEN', { code: body.code });
      await publishTillBoutiques(tx, params.tenantId, [id]);
      audit.target = id;
      return rows[0];
    },
  }),
];
