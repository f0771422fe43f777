import type { Request, Response } from 'express';
import { z } from 'zod';
import { unauthenticated } from '../http/errors.js';
import { defineRoute, type RouteDef } from '../http/route.js';
import type { Services } from '../services.js';
import { changePasswordBody, eitherSessionResponse, loginBody, refreshBody, refreshOrCookieBody, sessionUser } from './schemas.js';
import * as service from './service.js';
import { asksForCookie, assertWebRequest, clearRefreshCookie, refreshCookieOf, sendWebSession } from './web-session.js';

type TokenTransport = { kind: 'body'; refreshToken: string } | { kind: 'cookie'; refreshToken: string | null };

/**
 * Where a refresh or logout finds its token: in the body as always (tills, curl), or, with no
 * token in the body, in the browser's cookie, and only with the web session header. A request
 * with neither gets the validation error it always got.
 */
function transportOf(req: Request, body: { refreshToken?: string | undefined } | undefined): TokenTransport {
  if (body?.refreshToken !== undefined) return { kind: 'body', refreshToken: body.refreshToken };
  if (!asksForCookie(req)) refreshBody.parse(body);
  assertWebRequest(req);
  return { kind: 'cookie', refreshToken: refreshCookieOf(req) };
}

/** A failed refresh by cookie also drops the cookie: the page will not try it again. */
async function refreshByCookie(services: Services, res: Response, refreshToken: string | null) {
  try {
    if (!refreshToken) throw unauthenticated('REFRESH_TOKEN_INVALID');
    return sendWebSession(res, services.config, await service.refresh(services, refreshToken));
  } catch (error) {
    clearRefreshCookie(res, services.config);
    throw error;
  }
}

export const authRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/api/auth/login',
    summary: 'Connexion : entreprise, e-mail, mot de passe (session: "cookie" pour l’administration web)',
    tags: ['auth'],
    access: { kind: 'public' },
    body: loginBody,
    response: eitherSessionResponse,
    handler: async ({ body, services, req, res }) => {
      const cookie = body.session === 'cookie';
      if (cookie) assertWebRequest(req);
      const session = await service.login(services, body, req.ip ?? 'unknown');
      await services.audit.platform({ tenantId: session.user.tenantId, principal: null, action: 'auth.login', target: session.user.id, req });
      return cookie ? sendWebSession(res, services.config, session) : session;
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/auth/refresh',
    summary: 'Nouveau jeton d’accès (le jeton de rafraîchissement tourne à chaque usage ; sans jeton dans le corps : le cookie de l’administration web)',
    tags: ['auth'],
    access: { kind: 'public' },
    body: refreshOrCookieBody,
    response: eitherSessionResponse,
    handler: async ({ body, services, req, res }) => {
      const transport = transportOf(req, body);
      if (transport.kind === 'body') return service.refresh(services, transport.refreshToken);
      return refreshByCookie(services, res, transport.refreshToken);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/auth/logout',
    summary: 'Déconnexion : révoque la session (sans jeton dans le corps : celle du cookie, qui est effacé)',
    tags: ['auth'],
    access: { kind: 'public' },
    body: refreshOrCookieBody,
    handler: async ({ body, services, req, res }) => {
      const transport = transportOf(req, body);
      if (transport.kind === 'cookie') clearRefreshCookie(res, services.config);
      if (transport.refreshToken) await service.logout(services, transport.refreshToken);
      return undefined;
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/auth/password',
    summary: 'Changer son mot de passe',
    tags: ['auth'],
    access: { kind: 'signed-in' },
    allowedBeforePasswordChange: true,
    body: changePasswordBody,
    response: eitherSessionResponse,
    handler: async ({ body, services, user, req, res }) => {
      const cookie = body.session === 'cookie';
      if (cookie) assertWebRequest(req);
      const session = await service.changePassword(services, user!, body);
      await services.audit.platform({ tenantId: user!.tenantId, principal: user, action: 'auth.password_changed', target: user!.userId, req });
      // The change ended every other session, the cookie's too: the new one replaces it.
      return cookie ? sendWebSession(res, services.config, session) : session;
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/auth/me',
    summary: 'L’utilisateur connecté',
    tags: ['auth'],
    access: { kind: 'signed-in' },
    allowedBeforePasswordChange: true,
    response: z.object({ user: sessionUser.omit({ email: true, name: true, tenantCode: true }) }),
    handler: async ({ user }) => ({
      user: { id: user!.userId, role: user!.role, tenantId: user!.tenantId, boutiqueIds: user!.boutiqueIds, mustChangePassword: user!.mustChangePassword },
    }),
  }),
];
