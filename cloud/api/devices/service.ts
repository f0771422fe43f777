import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { Queryable } from '../../db/database.js';
import { credentialHash, sameHash } from '../auth/tokens.js';
import { publishTillBoutiques } from '../boutiques/service.js';
import { AppError, unauthenticated } from '../http/errors.js';
import type { DevicePrincipal } from '../http/principal.js';
import type { Services } from '../services.js';

/** Unambiguous characters only: the code is read from a screen and typed at the till. */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const CODE_TTL_HOURS = 24;

export function newEnrolmentCode(): string {
  const bytes = randomBytes(12);
  let code = '';
  for (const byte of bytes) code += CODE_ALPHABET[byte % CODE_ALPHABET.length];
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8, 12)}`;
}

const normaliseCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');

export async function createEnrolmentCode(tx: Queryable, input: { tenantId: string; boutiqueId: string; deviceName: string; createdBy: string }) {
  const code = newEnrolmentCode();
  const expiresAt = new Date(Date.now() + CODE_TTL_HOURS * 3600_000);
  await tx.query(
    `INSERT INTO enrolment_codes (tenant_id, code_hash, boutique_id, device_name, created_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
    [input.tenantId, credentialHash(normaliseCode(code)), input.boutiqueId, input.deviceName, input.createdBy, expiresAt],
  );
  return { code, expiresAt: expiresAt.toISOString() };
}

/**
 * The boutique's next till code (C01, C02…), part of every receipt number the till prints. The
 * boutique's row lock makes enrolments of one boutique take turns, so two at the same moment
 * cannot read the same highest code; the unique index (tenant, boutique, code) stands behind it.
 */
async function nextTillCode(tx: Queryable, tenantId: string, boutiqueId: string): Promise<string> {
  await tx.query(`SELECT 1 FROM boutiques WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, [tenantId, boutiqueId]);
  const { rows } = await tx.query<{ n: number }>(
    `SELECT coalesce(max(substring(code FROM 2)::int), 0)::int AS n FROM devices WHERE tenant_id = $1 AND boutique_id = $2 AND code ~ '^C[0-9]{1,6}$'`,
    [tenantId, boutiqueId],
  );
  return `C${String((rows[0]?.n ?? 0) + 1).padStart(2, '0')}`;
}

/** Credentials carry the tenant and device ids, so a request finds its tenant database before any lookup. */
function formatCredential(tenantId: string, deviceId: string): string {
  return `${tenantId}.${deviceId}.${randomBytes(32).toString('base64url')}`;
}

export async function enrolDevice(services: Services, tenantId: string, code: string) {
  return services.databases.withTenant(tenantId, async (tx) => {
    const { rows } = await tx.query<{ boutique_id: string; device_name: string; created_by: string }>(
      `UPDATE enrolment_codes SET used_at = now() WHERE tenant_id = $1 AND code_hash = $2 AND used_at IS NULL AND expires_at > now()
       RETURNING boutique_id, device_name, created_by`,
      [tenantId, credentialHash(normaliseCode(code))],
    );
    const grant = rows[0];
    if (!grant) throw new AppError(400, 'ENROLMENT_CODE_INVALID');
    const deviceId = uuidv7();
    const credential = formatCredential(tenantId, deviceId);
    const deviceCode = await nextTillCode(tx, tenantId, grant.boutique_id);
    await tx.query(
      `INSERT INTO devices (tenant_id, id, boutique_id, code, name, credential_hash, enrolled_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [tenantId, deviceId, grant.boutique_id, deviceCode, grant.device_name, credentialHash(credential), grant.created_by],
    );
    await tx.query(`UPDATE enrolment_codes SET device_id = $3 WHERE tenant_id = $1 AND code_hash = $2`, [tenantId, credentialHash(normaliseCode(code)), deviceId]);
    // Tenants older than the tills' boutiques view get it filled here, before their first till syncs.
    await publishTillBoutiques(tx, tenantId);
    const { rows: boutiques } = await tx.query<{ id: string; code: string; name: string }>(
      `SELECT id, code, name FROM boutiques WHERE tenant_id = $1 AND id = $2`, [tenantId, grant.boutique_id],
    );
    return { deviceId, deviceCode, credential, boutique: boutiques[0]! };
  });
}

const LAST_SEEN_EVERY_MS = 60_000;

/** Checked on every request, so a revocation takes effect on the device's very next call. */
export async function authenticateDevice(services: Services, credential: string): Promise<DevicePrincipal> {
  const [tenantId, deviceId] = credential.split('.');
  if (!tenantId || !deviceId || !/^[\w-]{1,64}$/.test(tenantId) || !/^[\w-]{1,64}$/.test(deviceId)) throw unauthenticated('DEVICE_CREDENTIAL_INVALID');
  const tenant = await services.tenants.byId(tenantId);
  if (!tenant) throw unauthenticated('DEVICE_CREDENTIAL_INVALID');
  const row = await services.databases.withTenant(tenantId, async (tx) => {
    const { rows } = await tx.query<{ boutique_id: string; credential_hash: string; revoked_at: Date | null; last_seen_at: Date | null }>(
      `SELECT boutique_id, credential_hash, revoked_at, last_seen_at FROM devices WHERE tenant_id = $1 AND id = $2`, [tenantId, deviceId],
    );
    const found = rows[0];
    if (found && !found.revoked_at && (!found.last_seen_at || Date.now() - new Date(found.last_seen_at).getTime() > LAST_SEEN_EVERY_MS)) {
      await tx.query(`UPDATE devices SET last_seen_at = now() WHERE tenant_id = $1 AND id = $2`, [tenantId, deviceId]);
    }
    return found;
  });
  if (!row || !sameHash(row.credential_hash, credentialHash(credential))) throw unauthenticated('DEVICE_CREDENTIAL_INVALID');
  if (row.revoked_at) throw unauthenticated('DEVICE_REVOKED');
  return { kind: 'device', deviceId, tenantId, boutiqueId: row.boutique_id };
}
