/** What the tests of core through the bridge share: a till's enrolment, staff and catalogue. */
import { randomBytes, scryptSync } from 'node:crypto';
import type { BridgeResult } from '../../bridge/wire.js';
import type { OfflineVerifier, TillUser } from '../../../shared/schema/index.js';
import { searchForm } from '../../../shared/text.js';
import type { Enrolment } from '../app/enrolment.js';

/** An offline verifier as the cloud makes them, with a cheap scrypt cost for tests. */
export function verifierOf(password: string): OfflineVerifier {
  const salt = randomBytes(16);
  const params = { N: 1024, r: 8, p: 1, keyLength: 32 };
  return { algorithm: 'scrypt', salt: salt.toString('base64'), ...params, hash: scryptSync(password, salt, 32, params).toString('base64') };
}

/** A member of staff as the till receives them, with the demo password `Demo123!`. */
export function testUser(id: string, email: string, name: string, role: TillUser['role'], boutiqueIds = ['b1']): TillUser {
  return { id, tenantId: 'tenant-1', email, name, role, boutiqueIds, active: true, updatedAt: '2026-11-25T10:00:00Z', offlineVerifier: verifierOf('Demo123!') };
}

/** Till C01 of boutique Kaloum (b1), tenant-1, as the cloud answered its enrolment. */
export function testEnrolment(cloudUrl: string, boutique: Partial<Enrolment['boutique']> = {}): Enrolment {
  return {
    cloudUrl, deviceId: 'dev-1', deviceCode: 'C01', credential: 'tenant-1.dev-1.secret-credential',
    tenant: { id: 'tenant-1', code: 'demo', name: 'Demo SARL', currency: 'GNF', timeZone: 'Africa/Conakry' },
    boutique: { id: 'b1', code: 'KAL', name: 'Boutique Kaloum', ...boutique },
    enrolledAt: '2026-11-25T08:00:00Z',
  };
}

export const testProduct = (id: string, name: string, barcode: string, priceMinor: number) => ({
  id, tenantId: 'tenant-1', sku: `SKU-${id}`, barcode, barcodes: [barcode], name, searchName: searchForm(name), categoryId: 'c1', priceMinor, vatRateBp: 1800,
  unit: 'piece', lowStockMilli: 0, boutiquePrices: [] as Array<{ boutiqueId: string; priceMinor: number }>, active: true, updatedAt: '2026-11-25T00:00:00Z',
});

/** The output of an accepted bridge call; a refusal fails the test with its error. */
export const bridgeOutput = <T = Record<string, unknown>>(result: BridgeResult): T => {
  if (!result.ok) throw new Error(`call refused: ${JSON.stringify(result.error)}`);
  return result.output as T;
};
