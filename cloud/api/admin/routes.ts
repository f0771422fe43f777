import { z } from 'zod';
import { text, timeZone } from '../../../shared/validation.js';
import { CURRENCY_EXPONENTS } from '../../../shared/money.js';
import { email } from '../auth/schemas.js';
import { defineRoute, idParam, pageQuery, type RouteDef } from '../http/route.js';
import { notFound } from '../http/errors.js';
import { provisionTenant } from './service.js';

export const tenantCode = z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9-]{1,30}$/, 'code : lettres minuscules, chiffres et tirets (2 à 31)');

export const provisionBody = z.object({
  code: tenantCode,
  name: text({ min: 2, max: 120 }),
  currency: z.enum(Object.keys(CURRENCY_EXPONENTS) as [keyof typeof CURRENCY_EXPONENTS]).default('GNF'),
  locale: z.enum(['fr', 'en']).default('fr'),
  timeZone: timeZone().default('Africa/Conakry'),
  owner: z.object({ email, name: text({ min: 2, max: 120 }), password: z.string().min(8).max(200).optional() }).optional(),
});

const tenantSummary = z.object({
  id: z.string(), code: z.string(), name: z.string(), currency: z.string(), locale: z.string(), timeZone: z.string(), status: z.string(), createdAt: z.string(),
});

export const adminRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/api/admin/tenants',
    summary: 'Créer une entreprise (super_admin)',
    tags: ['admin'],
    access: { kind: 'permission', module: 'admin.companies', action: 'write' },
    body: provisionBody,
    status: 201,
    handler: async ({ body, services, user, req }) => {
      const created = await provisionTenant(services.databases, body);
      await services.audit.platform({ tenantId: created.tenantId, principal: user, action: 'tenants.provision', target: created.code, req });
      return created;
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/admin/tenants',
    summary: 'Lister les entreprises (super_admin)',
    tags: ['admin'],
    access: { kind: 'permission', module: 'admin.companies', action: 'read' },
    response: z.object({ tenants: z.array(tenantSummary) }),
    handler: async ({ services }) => {
      const { rows } = await services.databases.master.query<Record<string, string | Date>>(
        `SELECT id, code, name, currency, locale, time_zone, status, created_at FROM tenants ORDER BY code`,
      );
      return {
        tenants: rows.map((r) => ({
          id: String(r.id), code: String(r.code), name: String(r.name), currency: String(r.currency), locale: String(r.locale),
          timeZone: String(r.time_zone), status: String(r.status), createdAt: new Date(r.created_at!).toISOString(),
        })),
      };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/api/admin/tenants/:id',
    summary: 'Suspendre ou réactiver une entreprise (super_admin)',
    tags: ['admin'],
    access: { kind: 'permission', module: 'admin.companies', action: 'write' },
    params: z.object({ id: idParam }),
    body: z.object({ status: z.enum(['active', 'suspended']), reason: text({ min: 3, max: 500 }) }),
    handler: async ({ params, body, services, user, req }) => {
      const { rowCount } = await services.databases.master.query(`UPDATE tenants SET status = $2 WHERE id = $1`, [params.id, body.status]);
      if (rowCount === 0) throw notFound('TENANT_NOT_FOUND');
      services.tenants.forget(params.id);
      await services.audit.platform({ tenantId: params.id, principal: user, action: `tenants.${body.status}`, target: params.id, details: { reason: body.reason }, req });
      return { id: params.id, status: body.status };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/admin/audit',
    summary: 'Journal de la plateforme (super_admin)',
    tags: ['admin'],
    access: { kind: 'permission', module: 'admin.companies', action: 'read' },
    query: pageQuery,
    handler: async ({ query, services }) => {
      const { rows } = await services.databases.master.query(
        `SELECT id, at, actor_id, actor_role, tenant_id, action, target, ip, request_id, details FROM platform_audit
         WHERE ($1::bigint IS NULL OR id < $1) ORDER BY id DESC LIMIT $2`,
        [query.before ?? null, query.limit],
      );
      return { entries: rows };
    },
  }),
];
