import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isErrorBody } from '../../shared/errors.js';
import { can, ROLES, type Role } from '../../shared/rbac.js';
import { apiRoutes } from './app.js';
import { isTenantRoute, type RouteDef } from './http/route.js';
import { DEMO_USERS, startTestApi, type TestApi } from './test-support.js';

const UNKNOWN_ID = '01a20000-0000-7000-8000-000000000000';

function pathFor(route: RouteDef, tenantId: string): string {
  return route.path.replace(':tenantId', tenantId).replace(/:\w+/g, UNKNOWN_ID);
}

describe('every route', () => {
  let api: TestApi;
  const tokens = {} as Record<Role, string>;
  let otherTenantPdg: string;
  let otherTenantId: string;
  let device: string;
  /** Device routes are tried with a till's credential, every other one as super_admin. */
  const callerOf = (route: RouteDef) => (route.access.kind === 'device' ? device : tokens.super_admin);

  beforeAll(async () => {
    api = await startTestApi();
    tokens.super_admin = (await api.login(DEMO_USERS.admin.email, DEMO_USERS.admin.password)).accessToken;
    tokens.pdg = (await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password)).accessToken;
    tokens.dg = (await api.login(DEMO_USERS.dg.email, DEMO_USERS.dg.password)).accessToken;
    tokens.employee = (await api.login(DEMO_USERS.employee.email, DEMO_USERS.employee.password)).accessToken;
    const created = await api.call('post', '/api/admin/tenants', {
      token: tokens.super_admin,
      body: { code: 'autre', name: 'Autre SARL', owner: { email: 'pdg@autre.gn', name: 'Awa Bah', password: 'AutrePass2026' } },
    });
    expect(created.status).toBe(201);
    otherTenantId = created.body.tenantId;
    otherTenantPdg = (await api.login('pdg@autre.gn', 'AutrePass2026', 'autre')).accessToken;
    const boutique = (await api.call('get', `/api/tenants/${api.demoTenantId}/boutiques`, { token: tokens.pdg })).body.boutiques[0];
    const code = await api.call('post', `/api/tenants/${api.demoTenantId}/devices/enrolment-codes`, { token: tokens.pdg, body: { boutiqueId: boutique.id, deviceName: 'Caisse test' } });
    device = `Device ${(await api.call('post', '/api/devices/enrol', { body: { tenant: 'demo', code: code.body.code } })).body.credential}`;
  });
  afterAll(async () => api?.close());

  it('follows the role matrix for every role (403 exactly where shared/rbac says no)', async () => {
    const table: string[] = [];
    for (const route of apiRoutes) {
      if (route.access.kind !== 'permission') continue;
      for (const role of ROLES) {
        const res = await api.call(route.method, pathFor(route, api.demoTenantId), { token: tokens[role] });
        const allowed = can(role, route.access.module, route.access.action);
        table.push(`${route.method.toUpperCase()} ${route.path} ${role}: ${res.status}`);
        if (allowed) expect(res.status, `${role} ${route.method} ${route.path}`).not.toBe(403);
        else expect(res.status, `${role} ${route.method} ${route.path}`).toBe(403);
        expect(res.status).toBeLessThan(500);
      }
    }
    expect(table.length).toBeGreaterThan(40);
  });

  it('refuses every route to a caller without a token, except public ones', async () => {
    for (const route of apiRoutes) {
      const res = await api.call(route.method, pathFor(route, api.demoTenantId));
      if (route.access.kind === 'public') expect(res.status).not.toBe(401);
      else {
        expect(res.status, `${route.method} ${route.path}`).toBe(401);
        expect(isErrorBody(res.body)).toBe(true);
      }
    }
    const forged = await api.call('get', `/api/tenants/${api.demoTenantId}/boutiques`, { token: `${tokens.pdg.slice(0, -4)}AAAA` });
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('TOKEN_INVALID');
  });

  it('refuses every tenant route to another tenant’s token', async () => {
    const tenantRoutes = apiRoutes.filter(isTenantRoute);
    expect(tenantRoutes.length).toBeGreaterThan(8);
    for (const route of tenantRoutes) {
      const res = await api.call(route.method, pathFor(route, api.demoTenantId), { token: otherTenantPdg, body: route.method === 'get' ? undefined : {} });
      expect(res.status, `${route.method} ${route.path}`).toBe(403);
      const pdgMayCall = route.access.kind !== 'permission' || can('pdg', route.access.module, route.access.action);
      expect(res.body.error.code, `${route.method} ${route.path}`).toBe(pdgMayCall ? 'TENANT_MISMATCH' : 'FORBIDDEN');
    }
    // And the other tenant's own data is theirs alone.
    const own = await api.call('get', `/api/tenants/${otherTenantId}/users`, { token: otherTenantPdg });
    expect(own.body.users.map((u: { email: string }) => u.email)).toEqual(['pdg@autre.gn']);
  });

  it('answers bad input with 400 and the error format, never 500', async () => {
    const garbage: unknown[] = [
      '{not json',
      [],
      'texte',
      { tenant: 12, email: ['x'], password: null },
      { code: 'x'.repeat(5000), name: {}, boutiqueId: -1, reason: 1, status: 'peut-être', role: 'roi', deviceName: '' },
    ];
    const expectClearRefusal = (res: { status: number; body: unknown }, what: string) => {
      expect(res.status, what).toBeGreaterThanOrEqual(400);
      expect(res.status, what).toBeLessThan(500);
      expect(isErrorBody(res.body), what).toBe(true);
    };
    let checked = 0;
    for (const route of apiRoutes) {
      const path = pathFor(route, api.demoTenantId);
      const what = `${route.method} ${route.path}`;
      for (const param of route.path.match(/:\w+/g) ?? []) {
        const badPath = route.path.replace(param, 'pas%20un%20id').replace(':tenantId', api.demoTenantId).replace(/:\w+/g, UNKNOWN_ID);
        const res = await api.call(route.method, badPath, { token: callerOf(route), body: route.method === 'get' ? undefined : {} });
        expectClearRefusal(res, `${what} bad ${param}`);
        expect(res.status, `${what} bad ${param}`).toBe(400);
        checked++;
      }
      if (route.query) {
        expectClearRefusal(await api.call(route.method, `${path}?limit=abc&before=-3&seq=-1`, { token: callerOf(route) }), `${what} bad query`);
        checked++;
      }
      if (route.body) {
        for (const body of garbage) {
          const res = await api.call(route.method, path, { token: callerOf(route), body });
          expectClearRefusal(res, `${what} ${JSON.stringify(body).slice(0, 40)}`);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
    const badParam = await api.call('get', '/api/tenants/pas%20un%20id/users', { token: tokens.super_admin });
    expect(badParam.status).toBe(400);
    expect(badParam.body.error.details[0].path).toBe('params.tenantId');
    const unknownRoute = await api.call('get', '/api/nulle-part');
    expect(unknownRoute.status).toBe(404);
    expect(unknownRoute.body.error.code).toBe('ROUTE_NOT_FOUND');
  });
});
