import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { NextFunction, Request, Response, Router } from 'express';
import { z, type ZodType } from 'zod';
import type { ErrorCode } from '../../../shared/i18n/index.js';
import { can, type Action, type Module } from '../../../shared/rbac.js';
import { findUnsafeValue, VALUE_LIMITS } from '../../../shared/text.js';
import type { Queryable } from '../../db/database.js';
import type { Services, Tenant } from '../services.js';
import { AppError, fieldIssues, forbidden, unauthenticated } from './errors.js';
import type { DevicePrincipal, Principal, UserPrincipal } from './principal.js';

/** Who may call a route. Every route says it; `permission` is checked against shared/rbac. */
export type Access =
  | { kind: 'public' }
  | { kind: 'signed-in' }
  | { kind: 'permission'; module: Module; action: Action }
  | { kind: 'device' };

export type HandlerContext<P, Q, B> = {
  params: P;
  query: Q;
  body: B;
  principal: Principal | null;
  user: UserPrincipal | null;
  device: DevicePrincipal | null;
  services: Services;
  req: Request;
  res: Response;
  /** For tenant routes: the transaction scoped to the tenant (row-level security on). */
  tx: Queryable;
  /** For tenant routes: the tenant, already checked active and the caller's own. */
  tenant: Tenant;
  /**
   * Work to run once the tenant transaction has committed (master-database writes: the embedded
   * database runs one transaction at a time, so they cannot run inside it).
   */
  afterCommit: (work: () => Promise<unknown>) => void;
  /** Answers with another success status than the route's (a replayed creation is 200, not 201). */
  setStatus: (status: number) => void;
  /** What the audit entry of a mutation names as its target and details. */
  audit: { target?: string; details?: unknown; skip?: boolean };
};

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export type RouteDef<P = unknown, Q = unknown, B = unknown> = {
  method: Method;
  path: string;
  summary: string;
  tags: string[];
  access: Access;
  params?: ZodType<P>;
  query?: ZodType<Q>;
  body?: ZodType<B>;
  response?: ZodType;
  /**
   * Media types of a body the handler reads itself as a stream (no JSON parser touches it) and of
   * an answer it writes itself, for the OpenAPI document: `response` describes JSON only.
   */
  content?: { request?: string; response?: string; description?: string };
  status?: number;
  /** Audit action name of a mutation; defaults to "<tag>.<method>". */
  action?: string;
  /**
   * `false`: a tenant route whose handler opens its own transactions (it calls a payment provider
   * between two of them, and a provider's latency must not hold a connection). It records its own
   * trail (the payment and event tables), so no audit entry is written for it.
   */
  transaction?: false;
  /**
   * The body is a batch of documents that the route's own layer checks one by one against the text
   * rule, setting a refused one aside and keeping the others (sync pushes): the root check leaves
   * the body to it, where refusing the whole batch would block a till's queue on one document.
   */
  bodyCheckedPerDocument?: true;
  /** A user who must change their password may still call this route. */
  allowedBeforePasswordChange?: boolean;
  handler: (ctx: HandlerContext<P, Q, B>) => Promise<unknown>;
};

export function defineRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined>(route: RouteDef<P, Q, B>): RouteDef {
  return route as unknown as RouteDef;
}

export const tenantIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'identifiant invalide');
export const idParam = tenantIdParam;
/** Newest first, by pages: `before` is the last id of the previous page. */
export const pageQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), before: z.coerce.number().int().positive().optional() });

export function isTenantRoute(route: RouteDef): boolean {
  return route.path.includes(':tenantId');
}

const UNSAFE_VALUE_MESSAGES = {
  text: 'caractère interdit (octet nul ou demi-caractère Unicode)',
  depth: `valeur trop imbriquée (${VALUE_LIMITS.depth} niveaux au plus)`,
  size: `valeur trop grande (${VALUE_LIMITS.keys} éléments au plus)`,
  key: 'nom de champ interdit',
} as const;

/**
 * The one text rule of shared/text.ts, applied to every part of every request before a schema,
 * a service or the database sees it: hostile text is the caller's fault, answered 400 with the
 * place it was found.
 */
function assertSafeValue(value: unknown, part: string): void {
  const found = findUnsafeValue(value);
  if (found) throw new AppError(400, 'VALIDATION_FAILED', [{ path: found.path ? `${part}.${found.path}` : part, message: UNSAFE_VALUE_MESSAGES[found.reason] }]);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A body kept as bytes (provider callbacks, for their signatures) obeys the same rule once read:
 * UTF-8 text without NUL, and, when it is JSON (every provider's is), a value without hostile text.
 */
function assertSafeBytes(bytes: Buffer): void {
  if (bytes.length === 0) return;
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw new AppError(400, 'VALIDATION_FAILED', [{ path: 'body', message: 'texte UTF-8 invalide' }]);
  }
  assertSafeValue(text, 'body');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return; // Not JSON: the adapter refuses it on its own terms.
  }
  assertSafeValue(parsed, 'body');
}

function assertSafeBody(body: unknown): void {
  if (Buffer.isBuffer(body)) assertSafeBytes(body);
  else assertSafeValue(body, 'body');
}

function parsePart<T>(schema: ZodType<T> | undefined, value: unknown, part: string): T {
  if (!schema) return (part === 'body' ? undefined : {}) as T;
  const result = schema.safeParse(value ?? (part === 'body' ? undefined : {}));
  if (!result.success) throw new AppError(400, 'VALIDATION_FAILED', fieldIssues(result.error, part));
  return result.data;
}

/** Checks the route's access rule; the caller has already been authenticated (or not). */
export function authorize(route: RouteDef, principal: Principal | null, authError?: ErrorCode): void {
  const access = route.access;
  if (access.kind === 'public') return;
  if (!principal) throw unauthenticated(authError ?? 'UNAUTHENTICATED');
  if (access.kind === 'device') {
    if (principal.kind !== 'device') throw forbidden();
    return;
  }
  if (principal.kind !== 'user') throw forbidden();
  if (principal.mustChangePassword && !route.allowedBeforePasswordChange) throw forbidden('PASSWORD_CHANGE_REQUIRED');
  if (access.kind === 'permission' && !can(principal.role, access.module, access.action)) throw forbidden();
}

function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

export function registerOpenApi(registry: OpenAPIRegistry, route: RouteDef): void {
  const errorResponse = { description: 'Erreur au format { error: { code, message, details } }' };
  registry.registerPath({
    method: route.method,
    path: openApiPath(route.path),
    summary: route.summary,
    tags: route.tags,
    ...(route.access.kind === 'public' ? {} : { security: [{ [route.access.kind === 'device' ? 'device' : 'bearer']: [] }] }),
    request: {
      ...(route.params ? { params: route.params as never } : {}),
      ...(route.query ? { query: route.query as never } : {}),
      ...(route.body ? { body: { content: { 'application/json': { schema: route.body } } } } : {}),
      ...(route.content?.request ? { body: { content: { [route.content.request]: { schema: z.string() } } } } : {}),
    },
    responses: {
      [route.status ?? 200]: {
        description: route.content?.description ?? 'OK',
        ...(route.response ? { content: { 'application/json': { schema: route.response } } } : {}),
        ...(route.content?.response ? { content: { [route.content.response]: { schema: z.string() } } } : {}),
      },
      400: errorResponse,
      ...(route.access.kind === 'public' ? {} : { 401: errorResponse, 403: errorResponse }),
    },
  });
}

export function mountRoute(router: Pick<Router, RouteDef['method']>, route: RouteDef, services: Services): void {
  const tenantRoute = isTenantRoute(route);
  router[route.method](route.path, async (req: Request, res: Response, next: NextFunction) => {
    try {
      const principal = req.principal ?? null;
      authorize(route, principal, req.authError);
      assertSafeValue(req.params, 'params');
      const params = parsePart(route.params, req.params, 'params');
      // Another tenant's caller learns nothing, not even which of its inputs would be invalid.
      const tenant = tenantRoute ? await services.tenants.assertAccess((params as { tenantId: string }).tenantId, principal) : null;
      const rawQuery: unknown = req.query;
      assertSafeValue(rawQuery, 'query');
      if (!route.bodyCheckedPerDocument) assertSafeBody(req.body);
      const query = parsePart(route.query, rawQuery, 'query');
      const body = parsePart(route.body, req.body, 'body');
      const audit: HandlerContext<unknown, unknown, unknown>['audit'] = {};
      const afterCommit: Array<() => Promise<unknown>> = [];
      let status = route.status ?? 200;
      const ctx = {
        setStatus: (code: number) => void (status = code),
        params, query, body, principal, afterCommit: (work: () => Promise<unknown>) => void afterCommit.push(work),
        user: principal?.kind === 'user' ? principal : null,
        device: principal?.kind === 'device' ? principal : null,
        services, req, res, audit,
      } as HandlerContext<unknown, unknown, unknown>;

      let result: unknown;
      if (tenantRoute && route.transaction === false) {
        ctx.tenant = tenant!;
        result = await route.handler(ctx);
      } else if (tenantRoute) {
        const tenantId = (params as { tenantId: string }).tenantId;
        ctx.tenant = tenant!;
        result = await services.databases.withTenant(tenantId, async (tx) => {
          ctx.tx = tx;
          const value = await route.handler(ctx);
          if (route.method !== 'get' && !audit.skip) {
            await services.audit.tenant(tx, {
              tenantId,
              principal,
              action: route.action ?? `${route.tags[0]}.${route.method}`,
              target: audit.target ?? null,
              details: audit.details,
              req,
            });
          }
          return value;
        }, { readOnly: route.method === 'get' });
        for (const work of afterCommit) await work();
      } else {
        result = await route.handler(ctx);
      }
      if (res.headersSent || result === undefined) {
        if (!res.headersSent) res.status(204).end();
        return;
      }
      res.status(status).json(result);
    } catch (error) {
      next(error);
    }
  });
}
