import { z } from 'zod';
import { defineRoute, type RouteDef } from '../http/route.js';
import { changePasswordBody, loginBody, refreshBody, sessionResponse, sessionUser } from './schemas.js';
import * as service from './service.js';

export const authRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/api/auth/login',
    summary: 'Connexion : entreprise, e-mail, mot de passe',
    tags: ['auth'],
    access: { kind: 'public' },
    body: loginBody,
    response: sessionResponse,
    handler: async ({ body, services, req }) => {
      const session = await service.login(services, body, req.ip ?? 'unknown');
      await services.audit.platform({ tenantId: session.user.tenantId, principal: null, action: 'auth.login', target: session.user.id, req });
      return session;
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/auth/refresh',
    summary: 'Nouveau jeton d’accès (le jeton de rafraîchissement tourne à chaque usage)',
    tags: ['auth'],
    access: { kind: 'public' },
    body: refreshBody,
    response: sessionResponse,
    handler: ({ body, services }) => service.refresh(services, body.refreshToken),
  }),
  defineRoute({
    method: 'post',
    path: '/api/auth/logout',
    summary: 'Déconnexion : révoque la session',
    tags: ['auth'],
    access: { kind: 'public' },
    body: refreshBody,
    handler: async ({ body, services }) => {
      await service.logout(services, body.refreshToken);
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
    response: sessionResponse,
    handler: async ({ body, services, user, req }) => {
      const session = await service.changePassword(services, user!, body);
      await services.audit.platform({ tenantId: user!.tenantId, principal: user, action: 'auth.password_changed', target: user!.userId, req });
      return session;
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
