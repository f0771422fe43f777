/**
 * Sessions under attack: one refresh token used by several callers at once, passwords guessed
 * under every company code, access tokens used after their session ended (on this instance and
 * on another one), and a company reaching for another company's boutique.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, startTestApi, until, type TestApi } from '../test-support.js';

let api: TestApi;
let admin: string;
let other: { tenantId: string; pdg: string; boutiqueId: string };

const me = (token: string, on: Pick<TestApi, 'call'> = api) => on.call('get', '/api/auth/me', { token });
const refresh = (refreshToken: string) => api.call('post', '/api/auth/refresh', { body: { refreshToken } });

beforeAll(async () => {
  api = await startTestApi();
  admin = (await api.login(DEMO_USERS.admin.email, DEMO_USERS.admin.password)).accessToken;
  const created = await api.call('post', '/api/admin/tenants', {
    token: admin,
    body: { code: 'autre', name: 'Autre SARL', owner: { email: 'pdg@autre.gn', name: 'Awa Bah', password: 'AutrePass2026' } },
  });
  expect(created.status).toBe(201);
  const pdg = (await api.login('pdg@autre.gn', 'AutrePass2026', 'autre')).accessToken;
  const boutique = await api.call('post', `/api/tenants/${created.body.tenantId}/boutiques`, { token: pdg, body: { code: 'BKY', name: 'Bambeto' } });
  other = { tenantId: created.body.tenantId, pdg, boutiqueId: boutique.body.id };
});
afterAll(async () => api?.close());

describe('refresh rotation under concurrency', () => {
  it('ends with one live successor or a revoked family, never a live token after a detected reuse', async () => {
    for (let round = 0; round < 5; round++) {
      const session = await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password);
      const answers = await Promise.all([1, 2, 3].map(() => refresh(session.refreshToken)));
      const winners = answers.filter((a) => a.status === 200);
      const codes = answers.filter((a) => a.status !== 200).map((a) => a.body.error.code);
      expect(winners.length, `round ${round}`).toBeLessThanOrEqual(1);
      expect(codes.every((code) => code === 'REFRESH_TOKEN_REUSED' || code === 'REFRESH_TOKEN_INVALID')).toBe(true);
      // Reuse was detected (three callers, one token): nothing of that family may still work.
      expect(codes).toContain('REFRESH_TOKEN_REUSED');
      for (const winner of winners) {
        expect((await refresh(winner.body.refreshToken)).status, `round ${round}: successor refresh`).toBe(401);
        expect((await me(winner.body.accessToken)).status, `round ${round}: successor access`).toBe(401);
      }
      expect((await me(session.accessToken)).status).toBe(401);
    }
  });
});

describe('sign-in lockout', () => {
  it('counts failures against the account, whatever company code is typed', async () => {
    const guess = (tenant: string, password = 'devinette') => api.call('post', '/api/auth/login', { body: { tenant, email: DEMO_USERS.admin.email, password } });
    for (let i = 0; i < 5; i++) expect((await guess(i % 2 ? 'demo' : 'autre')).status).toBe(401);
    for (const tenant of ['demo', 'autre']) {
      const locked = await guess(tenant);
      expect(locked.status, tenant).toBe(429);
      expect(locked.body.error.code).toBe('ACCOUNT_LOCKED');
    }
    expect((await guess('autre', DEMO_USERS.admin.password)).status).toBe(429);
    // Another account is not locked by it.
    expect((await api.call('post', '/api/auth/login', { body: { tenant: 'demo', email: DEMO_USERS.pdg.email, password: DEMO_USERS.pdg.password } })).status).toBe(200);
  });
});

describe('ending a session ends its access tokens', () => {
  it('refuses the access token at once after logout', async () => {
    const session = await api.login(DEMO_USERS.dg.email, DEMO_USERS.dg.password);
    expect((await me(session.accessToken)).status).toBe(200);
    expect((await api.call('post', '/api/auth/logout', { body: { refreshToken: session.refreshToken } })).status).toBe(204);
    const after = await me(session.accessToken);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('TOKEN_INVALID');
  });

  it('refuses a deactivated person’s and a demoted person’s tokens, and keeps other sessions', async () => {
    const pdg = (await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password)).accessToken;
    const created = await api.call('post', `/api/tenants/${api.demoTenantId}/users`, {
      token: pdg, body: { email: 'mariama@demo.local', name: 'Mariama Sow', role: 'dg', password: 'Mariama2026!' },
    });
    expect(created.status).toBe(201);
    const mariama = await api.login('mariama@demo.local', 'Mariama2026!');
    const demoted = await api.call('patch', `/api/tenants/${api.demoTenantId}/users/${created.body.user.id}`, { token: pdg, body: { role: 'employee' } });
    expect(demoted.status).toBe(200);
    expect((await me(mariama.accessToken)).status).toBe(401);
    const again = await api.login('mariama@demo.local', 'Mariama2026!');
    expect(again.user.role).toBe('employee');
    expect((await api.call('patch', `/api/tenants/${api.demoTenantId}/users/${created.body.user.id}`, { token: pdg, body: { active: false } })).status).toBe(200);
    expect((await me(again.accessToken)).status).toBe(401);
    expect((await me(pdg)).status).toBe(200);
  });

  it.runIf(process.env.TEST_DATABASE_URL)('refuses a revoked session on a second API instance within a second', async () => {
    const peer = await api.startPeer();
    let restore: (() => Promise<unknown>) | undefined;
    for (const end of ['logout', 'password'] as const) {
      const session = await api.login(DEMO_USERS.employee.email, DEMO_USERS.employee.password);
      expect((await me(session.accessToken, peer)).status).toBe(200);
      if (end === 'logout') {
        expect((await api.call('post', '/api/auth/logout', { body: { refreshToken: session.refreshToken } })).status).toBe(204);
      } else {
        // A second sign-in changes the password: the first session must end everywhere.
        const second = await api.login(DEMO_USERS.employee.email, DEMO_USERS.employee.password);
        const changed = await api.call('post', '/api/auth/password', {
          token: second.accessToken, body: { currentPassword: DEMO_USERS.employee.password, newPassword: 'Nouveau2026!x' },
        });
        expect(changed.status).toBe(200);
        restore = () => api.call('post', '/api/auth/password', { token: changed.body.accessToken, body: { currentPassword: 'Nouveau2026!x', newPassword: DEMO_USERS.employee.password } });
      }
      // Counted from the moment the revocation is committed (its answer), on the other instance.
      const started = Date.now();
      const refused = await until(() => me(session.accessToken, peer), (res) => res.status === 401, 1_000);
      expect(refused.status, `${end}: refused on the other instance`).toBe(401);
      expect(Date.now() - started, end).toBeLessThan(1_000);
      await restore?.();
    }
  });
});

describe('boutiques of another company', () => {
  it('cannot be given to a company’s own users', async () => {
    const pdg = (await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password)).accessToken;
    const users = (await api.call('get', `/api/tenants/${api.demoTenantId}/users`, { token: pdg })).body.users as Array<{ id: string; email: string }>;
    const employee = users.find((u) => u.email === DEMO_USERS.employee.email)!;
    const patched = await api.call('patch', `/api/tenants/${api.demoTenantId}/users/${employee.id}`, { token: pdg, body: { boutiqueIds: [other.boutiqueId] } });
    expect(patched.status).toBe(422);
    expect(patched.body.error.code).toBe('BOUTIQUE_NOT_FOUND');
    const created = await api.call('post', `/api/tenants/${api.demoTenantId}/users`, {
      token: pdg, body: { email: 'intrus@demo.local', name: 'Intrus', role: 'employee', boutiqueIds: [other.boutiqueId], password: 'Intrus2026!x' },
    });
    expect(created.status).toBe(422);
    const after = (await api.call('get', `/api/tenants/${api.demoTenantId}/users`, { token: pdg })).body.users as Array<{ email: string; boutiqueIds: string[] }>;
    expect(after.find((u) => u.email === 'intrus@demo.local')).toBeUndefined();
    expect(after.find((u) => u.email === DEMO_USERS.employee.email)!.boutiqueIds).not.toContain(other.boutiqueId);
  });
});
