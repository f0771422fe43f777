import type { Role } from '../../../shared/rbac.js';

/** A person signed in with an access token. super_admin is platform staff (`userKind: 'platform'`). */
export type UserPrincipal = {
  kind: 'user';
  userId: string;
  tenantId: string;
  role: Role;
  boutiqueIds: string[];
  userKind: 'tenant' | 'platform';
  mustChangePassword: boolean;
  /** The sign-in session (refresh-token family) the access token belongs to; revoking it ends the token. */
  sessionId: string | null;
};

/** An enrolled till, authenticated by its device credential. */
export type DevicePrincipal = {
  kind: 'device';
  deviceId: string;
  tenantId: string;
  boutiqueId: string;
};

export type Principal = UserPrincipal | DevicePrincipal;
