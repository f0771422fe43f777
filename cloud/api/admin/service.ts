import { v7 as uuidv7 } from 'uuid';
import type { Databases } from '../../db/tenancy.js';
import { hashPassword, temporaryPassword } from '../auth/passwords.js';
import { conflict } from '../http/errors.js';
import { offlineVerifier, publishTillUser } from '../users/till-users.js';

export type ProvisionInput = {
  code: string;
  name: string;
  currency: string;
  locale: string;
  timeZone: string;
  owner?: { email: string; name: string; password?: string | undefined } | undefined;
};

export type Provisioned = { tenantId: string; code: string; owner?: { id: string; email: string; temporaryPassword?: string } };

/** Creates a company: its registry entry, a trial subscription and, if given, its owner (pdg). */
export async function provisionTenant(databases: Databases, input: ProvisionInput): Promise<Provisioned> {
  const tenantId = uuidv7();
  try {
    await databases.master.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO tenants (id, code, name, currency, locale, time_zone) VALUES ($1, $2, $3, $4, $5, $6)`,
        [tenantId, input.code, input.name, input.currency, input.locale, input.timeZone],
      );
      await tx.query(`INSERT INTO subscriptions (id, tenant_id, plan, status) VALUES ($1, $2, 'standard', 'trial')`, [uuidv7(), tenantId]);
    });
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw conflict('TENANT_CODE_TAKEN', { code: input.code });
    throw error;
  }
  if (!input.owner) return { tenantId, code: input.code };
  const password = input.owner.password ?? temporaryPassword();
  const passwordHash = await hashPassword(password);
  const ownerId = uuidv7();
  const verifier = await offlineVerifier(password);
  await databases.withTenant(tenantId, async (tx) => {
    await tx.query(
      `INSERT INTO users (tenant_id, id, email, name, role, password_hash, must_change_password) VALUES ($1, $2, $3, $4, 'pdg', $5, $6)`,
      [tenantId, ownerId, input.owner!.email, input.owner!.name, passwordHash, !input.owner!.password],
    );
    await publishTillUser(tx, tenantId, ownerId, verifier);
  });
  return {
    tenantId,
    code: input.code,
    owner: { id: ownerId, email: input.owner.email, ...(input.owner.password ? {} : { temporaryPassword: password }) },
  };
}
