import { RateLimiterRes } from 'rate-limiter-flexible';
import { z } from 'zod';
import { text } from '../../../shared/validation.js';
import { tenantCode } from '../admin/routes.js';
import { AppError, forbidden, notFound } from '../http/errors.js';
import { defineRoute, idParam, tenantIdParam, type RouteDef } from '../http/route.js';
import { createEnrolmentCode, enrolDevice } from './service.js';

const tenantParams = z.object({ tenantId: tenantIdParam });

export const deviceRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/api/tenants/:tenantId/devices/enrolment-codes',
    summary: 'Code d’enrôlement à usage unique pour un poste de caisse',
    tags: ['devices'],
    action: 'devices.enrolment_code',
    access: { kind: 'permission', module: 'devices', action: 'write' },
    params: tenantParams,
    body: z.object({ boutiqueId: idParam, deviceName: text({ min: 2, max: 80 }) }),
    status: 201,
    handler: async ({ params, body, tx, user, audit }) => {
      // A dg enrols tills of their own boutiques only.
      if (user!.role === 'dg' && !user!.boutiqueIds.includes(body.boutiqueId)) throw forbidden();
      const { rows } = await tx.query(`SELECT 1 FROM boutiques WHERE tenant_id = $1 AND id = $2`, [params.tenantId, body.boutiqueId]);
      if (!rows[0]) throw notFound('BOUTIQUE_NOT_FOUND');
      audit.target = body.boutiqueId;
      audit.details = { deviceName: body.deviceName };
      return createEnrolmentCode(tx, { tenantId: params.tenantId, boutiqueId: body.boutiqueId, deviceName: body.deviceName, createdBy: user!.userId });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/devices/enrol',
    summary: 'Échanger un code d’enrôlement contre l’identifiant du poste',
    tags: ['devices'],
    access: { kind: 'public' },
    body: z.object({ tenant: tenantCode, code: text({ min: 8, max: 20 }) }),
    status: 201,
    handler: async ({ body, services, req }) => {
      try {
        await services.limiters.loginIp.consume(req.ip ?? 'unknown');
      } catch (error) {
        if (error instanceof RateLimiterRes) throw new AppError(429, 'TOO_MANY_REQUESTS');
        throw error;
      }
      const tenant = await services.tenants.byCode(body.tenant);
      if (!tenant || tenant.status !== 'active') throw new AppError(400, 'ENROLMENT_CODE_INVALID');
      const enrolled = await enrolDevice(services, tenant.id, body.code);
      await services.databases.withTenant(tenant.id, (tx) =>
        services.audit.tenant(tx, { tenantId: tenant.id, principal: { kind: 'device', deviceId: enrolled.deviceId, tenantId: tenant.id, boutiqueId: enrolled.boutique.id }, action: 'devices.enrolled', target: enrolled.deviceId, req }),
      );
      return { ...enrolled, tenant: { id: tenant.id, code: tenant.code, name: tenant.name, currency: tenant.currency, timeZone: tenant.timeZone } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/devices/me',
    summary: 'Le poste authentifié par son identifiant',
    tags: ['devices'],
    access: { kind: 'device' },
    handler: async ({ device }) => ({ deviceId: device!.deviceId, tenantId: device!.tenantId, boutiqueId: device!.boutiqueId }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/devices',
    summary: 'Lister les postes de caisse',
    tags: ['devices'],
    access: { kind: 'permission', module: 'devices', action: 'read' },
    params: tenantParams,
    handler: async ({ params, tx }) => {
      const { rows } = await tx.query(
        `SELECT id, boutique_id AS "boutiqueId", code, name, created_at AS "enrolledAt", revoked_at AS "revokedAt", last_seen_at AS "lastSeenAt"
         FROM devices WHERE tenant_id = $1 ORDER BY created_at`,
        [params.tenantId],
      );
      return { devices: rows };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/tenants/:tenantId/devices/:deviceId/revoke',
    summary: 'Révoquer un poste de caisse',
    tags: ['devices'],
    action: 'devices.revoke',
    access: { kind: 'permission', module: 'devices', action: 'write' },
    params: z.object({ tenantId: tenantIdParam, deviceId: idParam }),
    handler: async ({ params, tx, user, audit }) => {
      const { rows } = await tx.query<{ boutique_id: string }>(
        `UPDATE devices SET revoked_at = coalesce(revoked_at, now()), revoked_by = coalesce(revoked_by, $3) WHERE tenant_id = $1 AND id = $2 RETURNING boutique_id`,
        [params.tenantId, params.deviceId, user!.userId],
      );
      if (!rows[0]) throw notFound();
      audit.target = params.deviceId;
      return { deviceId: params.deviceId, revoked: true };
    },
  }),
];
