import { z } from 'zod';
import { text } from '../../../shared/validation.js';
import { ROLES } from '../../../shared/rbac.js';

export const email = z.string().trim().toLowerCase().email('adresse e-mail invalide').max(200);

export const loginBody = z.object({
  tenant: text({ min: 2, max: 31 }).toLowerCase(),
  email,
  password: z.string().min(1).max(200),
});

export const refreshBody = z.object({ refreshToken: z.string().min(10).max(300) });

export const changePasswordBody = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: z.string().min(1).max(200),
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
