import type { Request, Response } from 'express';
import { WEB_SESSION_COOKIE_PATH, WEB_SESSION_HEADER, WEB_SESSION_HEADER_VALUE } from '../../../shared/web-session.js';
import type { Config } from '../config.js';
import { forbidden } from '../http/errors.js';
import type { Session } from './service.js';

/**
 * The web admin's session transport: the refresh token goes into an httpOnly, SameSite=Strict
 * cookie sent to the auth routes only, and never into a body a script could read. Tills and
 * curl keep the token in the body, untouched by any of this.
 */
export const REFRESH_COOKIE = 'afrigest_refresh';

export type WebSession = Omit<Session, 'refreshToken'>;

function cookieOptions(config: Config) {
  return { httpOnly: true, sameSite: 'strict' as const, secure: config.env === 'production', path: WEB_SESSION_COOKIE_PATH };
}

/** Every request that sets, uses or clears the cookie must carry the header (see shared/web-session.ts). */
export function assertWebRequest(req: Request): void {
  if (req.headers[WEB_SESSION_HEADER] !== WEB_SESSION_HEADER_VALUE) throw forbidden('CSRF_HEADER_REQUIRED');
}

/** A request without a token in its body that shows it comes from a browser session. */
export function asksForCookie(req: Request): boolean {
  return req.headers[WEB_SESSION_HEADER] !== undefined || refreshCookieOf(req) !== null;
}

export function refreshCookieOf(req: Request): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== REFRESH_COOKIE) continue;
    try {
      const value = decodeURIComponent(part.slice(eq + 1).trim());
      return value || null;
    } catch {
      return null;
    }
  }
  return null;
}

/** Puts the refresh token in the cookie and answers the rest of the session. */
export function sendWebSession(res: Response, config: Config, session: Session): WebSession {
  res.cookie(REFRESH_COOKIE, session.refreshToken, { ...cookieOptions(config), maxAge: config.refreshTtlSeconds * 1000 });
  return { accessToken: session.accessToken, user: session.user };
}

export function clearRefreshCookie(res: Response, config: Config): void {
  res.clearCookie(REFRESH_COOKIE, cookieOptions(config));
}
