import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, startTestApi, type TestApi } from '../test-support.js';

describe('auth', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => api?.close());

  it('lets every demo user sign in', async () => {
    for (const user of Object.values(DEMO_USERS)) {
      const session = await api.login(user.email, user.password);
      expect(session.user.role).toBe(user.role);
      expect(session.accessToken.split('.')).toHaveLength(3);
      const me = await api.call('get', '/api/auth/me', { token: session.accessToken });
      expect(me.status).toBe(200);
      expect(me.body.user.role).toBe(user.role);
    }
  });

  it('answers a wrong password with the same 401 as an unknown account', async () => {
    const wrong = await api.call('post', '/api/auth/login', { body: { tenant: 'demo', email: DEMO_USERS.pdg.email, password: 'nope' } });
    const unknown = await api.call('post', '/api/auth/login', { body: { tenant: 'demo', email: 'personne@demo.local', password: 'nope' } });
    const noTenant = await api.call('post', '/api/auth/login', { body: { tenant: 'inconnue', email: DEMO_USERS.pdg.email, password: 'nope' } });
    for (const res of [wrong, unknown, noTenant]) {
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('INVALID_CREDENTIALS');
    }
    expect(wrong.body.error.message).toMatch(/mot de passe/);
  });

  it('locks an account after five failures, even for the right password', async () => {
    const body = { tenant: 'demo', email: DEMO_USERS.dg.email, password: 'mauvais' };
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await api.call('post', '/api/auth/login', { body })).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
    const right = await api.call('post', '/api/auth/login', { body: { ...body, password: DEMO_USERS.dg.password }, headers: { 'accept-language': 'en' } });
    expect(right.status).toBe(429);
    expect(right.body.error.code).toBe('ACCOUNT_LOCKED');
    expect(right.body.error.message).toMatch(/Try again in \d+ min/);
  });

  it('rotates the refresh token on every use and revokes the family when one is replayed', async () => {
    const first = await api.login(DEMO_USERS.employee.email, DEMO_USERS.employee.password);
    const second = await api.call('post', '/api/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    const third = await api.call('post', '/api/auth/refresh', { body: { refreshToken: second.body.refreshToken } });
    expect(third.status).toBe(200);

    // The first token is replayed (stolen copy): refused, and the live descendant dies with it.
    const replay = await api.call('post', '/api/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('REFRESH_TOKEN_REUSED');
    const descendant = await api.call('post', '/api/auth/refresh', { body: { refreshToken: third.body.refreshToken } });
    expect(descendant.status).toBe(401);

    // Another login (another family) is untouched.
    const other = await api.login(DEMO_USERS.employee.email, DEMO_USERS.employee.password);
    expect((await api.call('post', '/api/auth/refresh', { body: { refreshToken: other.refreshToken } })).status).toBe(200);
  });

  it('gives one winner when the same refresh token is used twice at once', async () => {
    const session = await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password);
    const results = await Promise.all([1, 2].map(() => api.call('post', '/api/auth/refresh', { body: { refreshToken: session.refreshToken } })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('ends a session on logout', async () => {
    const session = await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password);
    expect((await api.call('post', '/api/auth/logout', { body: { refreshToken: session.refreshToken } })).status).toBe(204);
    expect((await api.call('post', '/api/auth/refresh', { body: { refreshToken: session.refreshToken } })).status).toBe(401);
  });

  it('forces a reset with a reason, then requires a password change before anything else', async () => {
    const admin = await api.login(DEMO_USERS.admin.email, DEMO_USERS.admin.password);
    const pdg = await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password);
    const users = await api.call('get', `/api/tenants/${api.demoTenantId}/users`, { token: pdg.accessToken });
    const employee = users.body.users.find((u: { email: string }) => u.email === DEMO_USERS.employee.email);
    const before = await api.login(DEMO_USERS.employee.email, DEMO_USERS.employee.password);

    const path = `/api/tenants/${api.demoTenantId}/users/${employee.id}/reset-password`;
    expect((await api.call('post', path, { token: pdg.accessToken, body: { reason: 'mot de passe oublié' } })).status).toBe(403);
    expect((await api.call('post', path, { token: admin.accessToken, body: {} })).status).toBe(400);
    const reset = await api.call('post', path, { token: admin.accessToken, body: { reason: 'mot de passe oublié au téléphone' } });
    expect(reset.status).toBe(200);
    const temporary = reset.body.temporaryPassword as string;

    expect((await api.call('post', '/api/auth/refresh', { body: { refreshToken: before.refreshToken } })).status).toBe(401);
    const session = await api.login(DEMO_USERS.employee.email, temporary);
    expect(session.user.mustChangePassword).toBe(true);
    const blocked = await api.call('get', `/api/tenants/${api.demoTenantId}/boutiques`, { token: session.accessToken });
    expect(blocked.body.error.code).toBe('PASSWORD_CHANGE_REQUIRED');

    const weak = await api.call('post', '/api/auth/password', { token: session.accessToken, body: { currentPassword: temporary, newPassword: 'court' } });
    expect(weak.body.error.code).toBe('PASSWORD_TOO_WEAK');
    const changed = await api.call('post', '/api/auth/password', { token: session.accessToken, body: { currentPassword: temporary, newPassword: 'NouveauPass2026' } });
    expect(changed.status).toBe(200);
    expect((await api.call('get', `/api/tenants/${api.demoTenantId}/boutiques`, { token: changed.body.accessToken })).status).toBe(200);

    const audit = await api.call('get', `/api/tenants/${api.demoTenantId}/audit`, { token: pdg.accessToken });
    const entry = audit.body.entries.find((e: { action: string }) => e.action === 'users.password_reset');
    expect(entry).toMatchObject({ actorRole: 'super_admin', target: employee.id, details: { reason: 'mot de passe oublié au téléphone' } });
  });
});
