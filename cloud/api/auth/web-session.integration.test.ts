import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_SESSION_HEADER } from '../../../shared/web-session.js';
import { DEMO_USERS, startTestApi, type TestApi } from '../test-support.js';
import { REFRESH_COOKIE } from './web-session.js';

const WEB = { [WEB_SESSION_HEADER]: '1' };
const ADMIN_ORIGIN = 'http://admin.afrigest.test:5173';

/** The refresh cookie a response sets: its value and its attributes, as the browser reads them. */
function refreshCookie(headers: Headers): { value: string; attributes: string[] } | null {
  const line = headers.getSetCookie().find((c) => c.startsWith(`${REFRESH_COOKIE}=`));
  if (!line) return null;
  const [pair, ...attributes] = line.split(';').map((p) => p.trim());
  return { value: decodeURIComponent(pair!.slice(REFRESH_COOKIE.length + 1)), attributes };
}

const cookieHeader = (value: string) => ({ cookie: `${REFRESH_COOKIE}=${encodeURIComponent(value)}` });

describe('web admin sessions: refresh token in an httpOnly cookie', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ ALLOWED_ORIGINS: ADMIN_ORIGIN });
  });
  afterAll(async () => api?.close());

  async function webLogin(user: { email: string; password: string } = DEMO_USERS.pdg) {
    const res = await api.call('post', '/api/auth/login', { body: { tenant: 'demo', email: user.email, password: user.password, session: 'cookie' }, headers: WEB });
    expect(res.status).toBe(200);
    const cookie = refreshCookie(res.headers);
    expect(cookie).not.toBeNull();
    return { body: res.body, cookie: cookie! };
  }

  it('signs in with the cookie: httpOnly, SameSite=Strict, scoped to the auth routes, no token in the body', async () => {
    const { body, cookie } = await webLogin();
    expect(body.refreshToken).toBeUndefined();
    expect(JSON.stringify(body)).not.toContain(cookie.value);
    expect(body.accessToken.split('.')).toHaveLength(3);
    expect(body.user).toMatchObject({ role: 'pdg', tenantCode: 'demo', mustChangePassword: false });
    const attributes = cookie.attributes.map((a) => a.toLowerCase());
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('samesite=strict');
    expect(attributes).toContain('path=/api/auth');
    expect(attributes.some((a) => a.startsWith('max-age='))).toBe(true);
    // Not in tests: Secure is for production (plain http on a laptop would drop the cookie).
    expect(attributes).not.toContain('secure');
    expect((await api.call('get', `/api/tenants/${api.demoTenantId}/boutiques`, { token: body.accessToken })).status).toBe(200);
  });

  it('refuses a cookie-mode sign-in without the web session header', async () => {
    const res = await api.call('post', '/api/auth/login', { body: { tenant: 'demo', email: DEMO_USERS.pdg.email, password: DEMO_USERS.pdg.password, session: 'cookie' } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('CSRF_HEADER_REQUIRED');
    expect(refreshCookie(res.headers)).toBeNull();
  });

  it('refreshes by cookie only with the header, rotating the cookie, and a reused cookie ends the family', async () => {
    const { cookie } = await webLogin();

    // What a forged cross-site request would look like: the cookie, no header.
    const forged = await api.call('post', '/api/auth/refresh', { headers: cookieHeader(cookie.value) });
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('CSRF_HEADER_REQUIRED');

    // The token was not spent by the refused request.
    const first = await api.call('post', '/api/auth/refresh', { headers: { ...WEB, ...cookieHeader(cookie.value) } });
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).toBeUndefined();
    expect(first.body.user.role).toBe('pdg');
    const rotated = refreshCookie(first.headers)!;
    expect(rotated.value).not.toBe(cookie.value);

    const second = await api.call('post', '/api/auth/refresh', { headers: { ...WEB, ...cookieHeader(rotated.value) } });
    expect(second.status).toBe(200);
    const latest = refreshCookie(second.headers)!;

    // The first cookie again (a stolen copy): refused, cleared, and the live one dies with it.
    const replay = await api.call('post', '/api/auth/refresh', { headers: { ...WEB, ...cookieHeader(cookie.value) } });
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('REFRESH_TOKEN_REUSED');
    expect(refreshCookie(replay.headers)?.value).toBe('');
    expect((await api.call('post', '/api/auth/refresh', { headers: { ...WEB, ...cookieHeader(latest.value) } })).status).toBe(401);
  });

  it('answers a refresh with the header and no cookie as signed out, in the asked language', async () => {
    const res = await api.call('post', '/api/auth/refresh', { headers: { ...WEB, 'accept-language': 'en' } });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: 'REFRESH_TOKEN_INVALID', message: 'Session expired: sign in again.' });
  });

  it('logs out by cookie: the session is revoked and the cookie cleared', async () => {
    const { body, cookie } = await webLogin();
    const withoutHeader = await api.call('post', '/api/auth/logout', { headers: cookieHeader(cookie.value) });
    expect(withoutHeader.status).toBe(403);

    const res = await api.call('post', '/api/auth/logout', { headers: { ...WEB, ...cookieHeader(cookie.value) } });
    expect(res.status).toBe(204);
    const cleared = refreshCookie(res.headers)!;
    expect(cleared.value).toBe('');
    expect(cleared.attributes.map((a) => a.toLowerCase())).toContain('path=/api/auth');
    expect(cleared.attributes.some((a) => /^expires=thu, 01 jan 1970/i.test(a))).toBe(true);
    expect((await api.call('post', '/api/auth/refresh', { headers: { ...WEB, ...cookieHeader(cookie.value) } })).status).toBe(401);
    // The access token of the ended session stops too (revocation), not only the refresh.
    const after = await api.call('get', `/api/tenants/${api.demoTenantId}/boutiques`, { token: body.accessToken });
    expect(after.status).toBe(401);
  });

  it('changes a password in cookie mode: the new session goes to the cookie, the old cookie is dead', async () => {
    const { body, cookie } = await webLogin(DEMO_USERS.dg);
    const changed = await api.call('post', '/api/auth/password', {
      token: body.accessToken,
      headers: WEB,
      body: { currentPassword: DEMO_USERS.dg.password, newPassword: 'GerantNeuf2026', session: 'cookie' },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.refreshToken).toBeUndefined();
    const fresh = refreshCookie(changed.headers)!;
    expect((await api.call('post', '/api/auth/refresh', { headers: { ...WEB, ...cookieHeader(cookie.value) } })).status).toBe(401);
    expect((await api.call('post', '/api/auth/refresh', { headers: { ...WEB, ...cookieHeader(fresh.value) } })).status).toBe(200);
    // Put the demo password back for the other tests of this file.
    const again = await api.login(DEMO_USERS.dg.email, 'GerantNeuf2026');
    expect((await api.call('post', '/api/auth/password', { token: again.accessToken, body: { currentPassword: 'GerantNeuf2026', newPassword: DEMO_USERS.dg.password } })).status).toBe(200);
  });

  it('leaves the tills’ body tokens exactly as they were, whatever cookie comes along', async () => {
    const session = await api.login(DEMO_USERS.employee.email, DEMO_USERS.employee.password);
    expect(typeof session.refreshToken).toBe('string');
    const refreshed = await api.call('post', '/api/auth/refresh', { body: { refreshToken: session.refreshToken }, headers: cookieHeader('someone-elses-cookie-value') });
    expect(refreshed.status).toBe(200);
    expect(typeof refreshed.body.refreshToken).toBe('string');
    expect(refreshCookie(refreshed.headers)).toBeNull();
    // No token and no cookie: the validation error a till always got.
    for (const body of [{}, undefined]) {
      const res = await api.call('post', '/api/auth/refresh', body === undefined ? {} : { body });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    const logout = await api.call('post', '/api/auth/logout', { body: { refreshToken: refreshed.body.refreshToken } });
    expect(logout.status).toBe(204);
    expect(refreshCookie(logout.headers)).toBeNull();
  });

  it('lets the admin on another allowed origin send credentials and the header, and no one else', async () => {
    const preflight = await fetch(`${api.url}/api/auth/refresh`, {
      method: 'OPTIONS',
      headers: { origin: ADMIN_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': `content-type,${WEB_SESSION_HEADER}` },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ADMIN_ORIGIN);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(WEB_SESSION_HEADER);

    const stranger = await fetch(`${api.url}/api/auth/refresh`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': WEB_SESSION_HEADER },
    });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });
});
