import { RateLimiterRes } from 'rate-limiter-flexible';
import { v7 as uuidv7 } from 'uuid';
import type { Queryable } from '../../db/database.js';
import { AppError, badRequest, unauthenticated } from '../http/errors.js';
import type { UserPrincipal } from '../http/principal.js';
import type { Services, Tenant } from '../services.js';
import { offlineVerifier, publishTillUser } from '../users/till-users.js';
import { decoyHash, hashPassword, isStrongEnough, verifyPassword } from './passwords.js';
import * as repo from './repository.js';
import type { SessionUser } from './schemas.js';
import { newOpaqueToken, refreshTokenHash, sameHash, splitOpaqueToken } from './tokens.js';

export type Session = { accessToken: string; refreshToken: string; user: SessionUser };

function principalOf(account: repo.AccountRow, tenant: Tenant, sessionId: string): UserPrincipal {
  return {
    sessionId,
    kind: 'user',
    userId: account.id,
    tenantId: tenant.id,
    role: account.role,
    boutiqueIds: account.boutique_ids,
    userKind: account.kind,
    mustChangePassword: account.must_change_password,
  };
}

async function issueSession(services: Services, master: Queryable, account: repo.AccountRow, tenant: Tenant, familyId: string): Promise<Session> {
  const id = uuidv7();
  const refreshToken = newOpaqueToken(id);
  await repo.insertRefreshToken(master, {
    id,
    family_id: familyId,
    tenant_id: tenant.id,
    user_id: account.id,
    user_kind: account.kind,
    token_hash: refreshTokenHash(services.config.refreshSecret, refreshToken),
    expires_at: new Date(Date.now() + services.config.refreshTtlSeconds * 1000),
  });
  const accessToken = await services.tokens.sign(principalOf(account, tenant, familyId));
  return {
    accessToken,
    refreshToken,
    user: {
      id: account.id,
      email: account.email,
      name: account.name,
      role: account.role,
      tenantId: tenant.id,
      tenantCode: tenant.code,
      boutiqueIds: account.boutique_ids,
      mustChangePassword: account.must_change_password,
    },
  };
}

async function findAccount(services: Services, tenant: Tenant, email: string): Promise<repo.AccountRow | null> {
  const member = await services.databases.withTenant(tenant.id, (tx) => repo.findTenantAccountByEmail(tx, tenant.id, email));
  return member ?? (await repo.findPlatformAccountByEmail(services.databases.master, email));
}

async function loadAccount(services: Services, tenantId: string, userId: string, kind: repo.AccountRow['kind']): Promise<repo.AccountRow | null> {
  return kind === 'platform'
    ? repo.findPlatformAccountById(services.databases.master, userId)
    : services.databases.withTenant(tenantId, (tx) => repo.findTenantAccountById(tx, tenantId, userId));
}

function lockedError(res: RateLimiterRes): AppError {
  return new AppError(429, 'ACCOUNT_LOCKED', { retryAfterSeconds: Math.ceil(res.msBeforeNext / 1000) }, { minutes: Math.max(1, Math.ceil(res.msBeforeNext / 60_000)) });
}

/**
 * The key that failed sign-ins count against: the account itself, whatever company code was
 * typed (a platform account can be named under every code). Unknown e-mails count per code
 * and e-mail, so guessing them still runs into the limit.
 */
function lockoutKey(input: { tenant: string; email: string }, account: repo.AccountRow | null): string {
  return account ? `${account.kind}:${account.id}` : `unknown:${input.tenant.toLowerCase()}:${input.email}`;
}

export async function login(services: Services, input: { tenant: string; email: string; password: string }, ip: string): Promise<Session> {
  const { loginIp, loginAccount } = services.limiters;
  try {
    await loginIp.consume(ip);
  } catch (error) {
    if (error instanceof RateLimiterRes) throw new AppError(429, 'TOO_MANY_REQUESTS', { retryAfterSeconds: Math.ceil(error.msBeforeNext / 1000) });
    throw error;
  }
  const tenant = await services.tenants.byCode(input.tenant);
  const account = tenant ? await findAccount(services, tenant, input.email) : null;
  const accountKey = lockoutKey(input, account);
  const state = await loginAccount.get(accountKey);
  if (state && state.remainingPoints <= 0) throw lockedError(state);

  // Verify against a decoy when there is no account, so the answer takes as long either way.
  const valid = await verifyPassword(account?.password_hash ?? (await decoyHash()), input.password);
  if (!tenant || !account || !valid || !account.active) {
    services.metrics.loginAttempts.inc({ outcome: 'failure' });
    try {
      await loginAccount.consume(accountKey);
    } catch (error) {
      if (error instanceof RateLimiterRes) throw lockedError(error);
      throw error;
    }
    throw unauthenticated('INVALID_CREDENTIALS');
  }
  if (tenant.status !== 'active' && account.kind !== 'platform') throw new AppError(403, 'TENANT_SUSPENDED');
  await loginAccount.delete(accountKey);
  services.metrics.loginAttempts.inc({ outcome: 'success' });
  return issueSession(services, services.databases.master, account, tenant, uuidv7());
}

/**
 * Rotation on every use. A token presented twice means it was copied: the whole family (every
 * token descended from that login) is revoked, the thief's and the owner's alike. The successor
 * is written in the transaction that holds the used token's row lock: a concurrent use of the
 * same token waits for it, finds the token used, and revokes the family successor included, so
 * no token of a family outlives a detected reuse.
 */
export async function refresh(services: Services, refreshToken: string): Promise<Session> {
  const parts = splitOpaqueToken(refreshToken);
  if (!parts) throw unauthenticated('REFRESH_TOKEN_INVALID');
  const master = services.databases.master;
  const tokenHash = refreshTokenHash(services.config.refreshSecret, refreshToken);
  // Who the token is for, read before the lock: the account may live in another database (and the
  // embedded database runs one transaction at a time), so it cannot be read inside.
  const claimed = await repo.findRefreshToken(master, parts.id);
  if (!claimed || !sameHash(claimed.token_hash, tokenHash)) throw unauthenticated('REFRESH_TOKEN_INVALID');
  const tenant = await services.tenants.byId(claimed.tenant_id);
  const account = await loadAccount(services, claimed.tenant_id, claimed.user_id, claimed.user_kind);

  const outcome = await master.transaction(async (tx) => {
    const row = await repo.lockRefreshToken(tx, parts.id);
    if (!row) return { error: 'REFRESH_TOKEN_INVALID' as const };
    if (row.used_at || row.revoked_at) return { error: 'REFRESH_TOKEN_REUSED' as const, row, revoked: await repo.revokeFamily(tx, row.family_id, 'reuse detected') };
    if (new Date(row.expires_at).getTime() <= Date.now()) return { error: 'REFRESH_TOKEN_INVALID' as const };
    if (!tenant || !account || !account.active) return { error: 'REFRESH_TOKEN_INVALID' as const, revoked: await repo.revokeFamily(tx, row.family_id, 'account disabled') };
    await repo.markRefreshTokenUsed(tx, row.id);
    return { session: await issueSession(services, tx, account, tenant, row.family_id) };
  });
  if ('error' in outcome) {
    services.revocations.add(outcome.revoked ?? []);
    if (outcome.error === 'REFRESH_TOKEN_REUSED') services.logger.warn({ family: outcome.row?.family_id, user: outcome.row?.user_id }, 'refresh token reuse: family revoked');
    throw unauthenticated(outcome.error);
  }
  return outcome.session;
}

export async function logout(services: Services, refreshToken: string): Promise<void> {
  const parts = splitOpaqueToken(refreshToken);
  if (!parts) return;
  const row = await repo.findRefreshToken(services.databases.master, parts.id);
  if (row && sameHash(row.token_hash, refreshTokenHash(services.config.refreshSecret, refreshToken))) {
    services.revocations.add(await repo.revokeFamily(services.databases.master, row.family_id, 'logout'));
  }
}

export async function changePassword(services: Services, user: UserPrincipal, input: { currentPassword: string; newPassword: string }): Promise<Session> {
  const account = await loadAccount(services, user.tenantId, user.userId, user.userKind);
  const tenant = await services.tenants.byId(user.tenantId);
  if (!account || !tenant) throw unauthenticated('TOKEN_INVALID');
  if (!(await verifyPassword(account.password_hash, input.currentPassword))) throw badRequest('CURRENT_PASSWORD_WRONG');
  if (!isStrongEnough(input.newPassword) || input.newPassword === input.currentPassword) throw badRequest('PASSWORD_TOO_WEAK');
  const hash = await hashPassword(input.newPassword);
  if (account.kind === 'platform') await repo.setPassword(services.databases.master, 'platform', user.tenantId, account.id, hash, false);
  else {
    const verifier = await offlineVerifier(input.newPassword);
    await services.databases.withTenant(user.tenantId, async (tx) => {
      await repo.setPassword(tx, 'tenant', user.tenantId, account.id, hash, false);
      await publishTillUser(tx, user.tenantId, account.id, verifier);
    });
  }
  // Every other session of this person ends: a changed password must lock out whoever had the old one.
  services.revocations.add(await repo.revokeUserSessions(services.databases.master, account.kind === 'platform' ? null : user.tenantId, account.id, 'password changed'));
  return issueSession(services, services.databases.master, { ...account, must_change_password: false }, tenant, uuidv7());
}
