import { z } from 'zod';
import { text } from '../../../shared/validation.js';
import { v7 as uuidv7 } from 'uuid';
import { MANAGEABLE_ROLES } from '../../../shared/rbac.js';
import { hashPassword, isStrongEnough, temporaryPassword } from '../auth/passwords.js';
import { revokeUserSessions } from '../auth/repository.js';
import { email } from '../auth/schemas.js';
import type { Queryable } from '../../db/database.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../http/errors.js';
import { defineRoute, idParam, tenantIdParam, type RouteDef } from '../http/route.js';
import { offlineVerifier, publishTillUser } from './till-users.js';

const tenantParams = z.object({ tenantId: tenantIdParam });
const userParams = z.object({ tenantId: tenantIdParam, userId: idParam });
const tenantRole = z.enum(['pdg', 'dg', 'employee']);

const userView = z.object({
  id: z.string(), email: z.string(), name: z.string(), phone: z.string(), role: tenantRole, boutiqueIds: z.array(z.string()),
  active: z.boolean(), mustChangePassword: z.boolean(), anonymised: z.boolean(),
});
const COLUMNS = `id, email, name, phone, role, boutique_ids AS "boutiqueIds", active, must_change_password AS "mustChangePassword", anonymised_at IS NOT NULL AS anonymised`;

export const createUserBody = z.object({
  email,
  name: text({ min: 2, max: 120 }),
  phone: text({ max: 40 }).default(''),
  role: tenantRole,
  boutiqueIds: z.array(idParam).max(50).default([]),
  password: z.string().min(1).max(200).optional(),
});

export const updateUserBody = z
  .object({
    name: text({ min: 2, max: 120 }).optional(),
    phone: text({ max: 40 }).optional(),
    role: tenantRole.optional(),
    boutiqueIds: z.array(idParam).max(50).optional(),
    active: z.boolean().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'au moins un champ à modifier');

/**
 * A user may only be given boutiques of their own company: another company's boutique id is
 * refused like an unknown one (row-level security hides it, and the tenant filter says so).
 */
async function assertOwnBoutiques(tx: Queryable, tenantId: string, boutiqueIds: readonly string[] | undefined): Promise<void> {
  const wanted = [...new Set(boutiqueIds ?? [])];
  if (wanted.length === 0) return;
  const { rows } = await tx.query<{ id: string }>(`SELECT id FROM boutiques WHERE tenant_id = $1 AND id = ANY($2::text[])`, [tenantId, wanted]);
  const known = new Set(rows.map((row) => row.id));
  const unknown = wanted.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new AppError(422, 'BOUTIQUE_NOT_FOUND', { boutiqueIds: unknown });
}

export const userRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/users',
    summary: 'Lister les utilisateurs',
    tags: ['users'],
    access: { kind: 'permission', module: 'users', action: 'read' },
    params: tenantParams,
    response: z.object({ users: z.array(userView) }),
    handler: async ({ params, tx }) => {
      const { rows } = await tx.query(`SELECT ${COLUMNS} FROM users WHERE tenant_id = $1 ORDER BY name`, [params.tenantId]);
      return { users: rows };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/tenants/:tenantId/users',
    summary: 'Créer un utilisateur',
    tags: ['users'],
    access: { kind: 'permission', module: 'users', action: 'write' },
    params: tenantParams,
    body: createUserBody,
    status: 201,
    handler: async ({ params, body, tx, user, audit }) => {
      if (!MANAGEABLE_ROLES[user!.role].includes(body.role)) throw forbidden('ROLE_NOT_ALLOWED');
      if (body.password !== undefined && !isStrongEnough(body.password)) throw badRequest('PASSWORD_TOO_WEAK');
      await assertOwnBoutiques(tx, params.tenantId, body.boutiqueIds);
      const password = body.password ?? temporaryPassword();
      const id = uuidv7();
      const { rows } = await tx.query(
        `INSERT INTO users (tenant_id, id, email, name, phone, role, boutique_ids, password_hash, must_change_password)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9
         WHERE NOT EXISTS (SELECT 1 FROM users WHERE tenant_id = $1 AND lower(email) = $3)
         RETURNING ${COLUMNS}`,
        [params.tenantId, id, body.email, body.name, body.phone, body.role, body.boutiqueIds, await hashPassword(password), body.password === undefined],
      );
      if (!rows[0]) throw conflict('EMAIL_TAKEN');
      await publishTillUser(tx, params.tenantId, id, await offlineVerifier(password));
      audit.target = id;
      audit.details = { role: body.role };
      return { user: rows[0], ...(body.password === undefined ? { temporaryPassword: password } : {}) };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/api/tenants/:tenantId/users/:userId',
    summary: 'Modifier un utilisateur',
    tags: ['users'],
    access: { kind: 'permission', module: 'users', action: 'write' },
    params: userParams,
    body: updateUserBody,
    handler: async ({ params, body, tx, user, services, audit, afterCommit }) => {
      if (body.role && !MANAGEABLE_ROLES[user!.role].includes(body.role)) throw forbidden('ROLE_NOT_ALLOWED');
      await assertOwnBoutiques(tx, params.tenantId, body.boutiqueIds);
      const { rows } = await tx.query(
        `UPDATE users SET name = coalesce($3, name), phone = coalesce($4, phone), role = coalesce($5, role),
           boutique_ids = coalesce($6, boutique_ids), active = coalesce($7, active), updated_at = now()
         WHERE tenant_id = $1 AND id = $2 AND anonymised_at IS NULL RETURNING ${COLUMNS}`,
        [params.tenantId, params.userId, body.name ?? null, body.phone ?? null, body.role ?? null, body.boutiqueIds ?? null, body.active ?? null],
      );
      if (!rows[0]) throw notFound('USER_NOT_FOUND');
      await publishTillUser(tx, params.tenantId, params.userId);
      // Access tokens carry the role and boutiques: a change of either, or a deactivation, ends
      // the person's sessions now rather than when their tokens expire.
      if (body.role !== undefined || body.boutiqueIds !== undefined || body.active === false) {
        afterCommit(async () => services.revocations.add(await revokeUserSessions(services.databases.master, params.tenantId, params.userId, 'rights changed')));
      }
      audit.target = params.userId;
      audit.details = { changed: Object.keys(body) };
      return { user: rows[0] };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/tenants/:tenantId/users/:userId/anonymise',
    summary: 'Anonymiser un utilisateur (l’historique des ventes est conservé)',
    tags: ['users'],
    action: 'users.anonymise',
    access: { kind: 'permission', module: 'data', action: 'write' },
    params: userParams,
    handler: async ({ params, tx, services, audit, afterCommit }) => {
      // The row stays, so every sale still points at it; only what identifies the person goes.
      const { rows } = await tx.query(
        `UPDATE users SET email = 'anonyme-' || id || '@invalid', name = 'Utilisateur anonymisé', phone = '',
           password_hash = NULL, active = false, anonymised_at = now(), updated_at = now()
         WHERE tenant_id = $1 AND id = $2 AND anonymised_at IS NULL RETURNING ${COLUMNS}`,
        [params.tenantId, params.userId],
      );
      if (!rows[0]) throw notFound('USER_NOT_FOUND');
      await publishTillUser(tx, params.tenantId, params.userId);
      afterCommit(async () => services.revocations.add(await revokeUserSessions(services.databases.master, params.tenantId, params.userId, 'anonymised')));
      audit.target = params.userId;
      return { user: rows[0] };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/tenants/:tenantId/users/:userId/reset-password',
    summary: 'Réinitialisation forcée du mot de passe, avec motif (super_admin)',
    tags: ['users'],
    action: 'users.password_reset',
    access: { kind: 'permission', module: 'admin.companies', action: 'write' },
    params: userParams,
    body: z.object({ reason: text({ max: 500 }).min(5, 'motif obligatoire (5 caractères minimum)') }),
    handler: async ({ params, body, tx, services, audit, afterCommit }) => {
      const password = temporaryPassword();
      const { rowCount } = await tx.query(
        `UPDATE users SET password_hash = $3, must_change_password = true, updated_at = now()
         WHERE tenant_id = $1 AND id = $2 AND anonymised_at IS NULL`,
        [params.tenantId, params.userId, await hashPassword(password)],
      );
      if (rowCount === 0) throw notFound('USER_NOT_FOUND');
      await publishTillUser(tx, params.tenantId, params.userId, await offlineVerifier(password));
      afterCommit(async () => services.revocations.add(await revokeUserSessions(services.databases.master, params.tenantId, params.userId, 'forced reset')));
      audit.target = params.userId;
      audit.details = { reason: body.reason };
      return { temporaryPassword: password, mustChangePassword: true };
    },
  }),
];
