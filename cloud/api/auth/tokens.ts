import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createSigner, createVerifier } from 'fast-jwt';
import { isRole } from '../../../shared/rbac.js';
import type { Config } from '../config.js';
import type { UserPrincipal } from '../http/principal.js';

const ISSUER = 'afrigest';

export type AccessTokens = {
  sign(user: UserPrincipal): Promise<string>;
  verify(token: string): Promise<UserPrincipal | null>;
};

/**
 * HS256 access tokens through fast-jwt: synchronous node:crypto and a cache of verified tokens,
 * because every request verifies one (WebCrypto-based libraries cost a key import and a thread
 * hop per call on this hot path).
 */
export function accessTokens(config: Pick<Config, 'accessSecret' | 'accessTtlSeconds'>, isRevoked: (sessionId: string) => boolean): AccessTokens {
  const signer = createSigner({ key: config.accessSecret, algorithm: 'HS256', iss: ISSUER, expiresIn: config.accessTtlSeconds * 1000 });
  const verifier = createVerifier({ key: config.accessSecret, algorithms: ['HS256'], allowedIss: ISSUER, cache: 10_000 });
  return {
    sign: async (user) =>
      signer({ sub: user.userId, tid: user.tenantId, role: user.role, bids: user.boutiqueIds, uk: user.userKind, mcp: user.mustChangePassword, sid: user.sessionId }),
    async verify(token) {
      let payload: Record<string, unknown>;
      try {
        payload = verifier(token) as Record<string, unknown>;
      } catch {
        return null;
      }
      if (typeof payload.sub !== 'string' || typeof payload.tid !== 'string' || !isRole(payload.role)) return null;
      // Every token names its session: without one it cannot be revoked, so it is not accepted.
      if (typeof payload.sid !== 'string' || isRevoked(payload.sid)) return null;
      return {
        kind: 'user',
        userId: payload.sub,
        tenantId: payload.tid,
        role: payload.role,
        boutiqueIds: Array.isArray(payload.bids) ? payload.bids.filter((b): b is string => typeof b === 'string') : [],
        userKind: payload.uk === 'platform' ? 'platform' : 'tenant',
        mustChangePassword: payload.mcp === true,
        sessionId: payload.sid,
      };
    },
  };
}

/** Opaque, random, stored only as an HMAC keyed by JWT_REFRESH_SECRET (a stolen table is useless). */
export function newOpaqueToken(id: string): string {
  return `${id}.${randomBytes(32).toString('base64url')}`;
}

export function refreshTokenHash(secret: string, token: string): string {
  return createHmac('sha256', secret).update(token).digest('base64url');
}

export function splitOpaqueToken(token: string): { id: string } | null {
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return null;
  return { id: token.slice(0, dot) };
}

/** Device credentials are long random secrets, so a plain SHA-256 is enough and cheap on every sync call. */
export function credentialHash(credential: string): string {
  return createHash('sha256').update(credential).digest('base64url');
}

export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
