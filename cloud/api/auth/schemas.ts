import { z } from 'zod';
import { text } from '../../../shared/validation.js';
import { ROLES } from '../../../shared/rbac.js';

export const email = z.string().trim().toLowerCase().email('adresse e-mail invalide').max(200);

/** `cookie`: a browser session, its refresh token in an httpOnly cookie rather than in the answer. */
const sessionMode = z.enum(['token', 'cookie']).optional();

export const loginBody = z.object({
  tenant: text({ min: 2, max: 31 }).toLowerCase(),
  email,
  password: z.string().min(1).max(200),
  session: sessionMode,
});

export const refreshBody = z.object({ refreshToken: z.string().min(10).max(300) });
/** Refresh and logout: the token in the body (tills, curl), or none and the browser's cookie. */
export const refreshOrCookieBody = refreshBody.partial().optional();

export const changePasswordBody = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: z.string().min(1).max(200),
  session: sessionMode,
});

export const sessionUser = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  tenantId: z.string(),
  tenantCode: z.string(),
  boutiqueIds: z.array(z.string()),
  mustChangePassword: z.boolean(),
});
export type SessionUser = z.infer<typeof sessionUser>;

export const sessionResponse = z.object({ accessToken: z.string(), refreshToken: z.string(), user: sessionUser });
/** The same session for a browser: the refresh token went into the cookie. */
export const webSessionResponse = sessionResponse.omit({ refreshToken: true });
export const eitherSessionResponse = z.union([sessionResponse, webSessionResponse]);
