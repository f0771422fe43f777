import type { RxJsonSchema } from 'rxdb';
import { idField, isoDateField, tenantField, type Owned } from './common.js';

/**
 * What a till needs to check a password without the network: scrypt of the password with its
 * own salt and parameters. Never the argon2 hash the cloud checks online.
 */
export type OfflineVerifier = { algorithm: 'scrypt'; salt: string; N: number; r: number; p: number; keyLength: number; hash: string };

/** Cloud-owned: the staff as the tills see them. */
export type TillUser = Owned & {
  email: string;
  name: string;
  role: 'pdg' | 'dg' | 'employee';
  boutiqueIds: string[];
  active: boolean;
  offlineVerifier: OfflineVerifier | null;
};

export const tillUserSchema: RxJsonSchema<TillUser> = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: idField,
    tenantId: tenantField,
    email: { type: 'string', maxLength: 200 },
    name: { type: 'string', maxLength: 120 },
    role: { type: 'string', enum: ['pdg', 'dg', 'employee'] },
    boutiqueIds: { type: 'array', items: { type: 'string' } },
    active: { type: 'boolean' },
    offlineVerifier: { type: ['object', 'null'] },
    updatedAt: isoDateField,
  },
  required: ['id', 'tenantId', 'email', 'name', 'role', 'boutiqueIds', 'active', 'updatedAt'],
  indexes: ['email'],
};
