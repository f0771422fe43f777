import type { RxDatabase } from 'rxdb';
import type { Settings, TillBoutique } from '../../../shared/schema/index.js';
import type { Enrolment } from './enrolment.js';

/** What a receipt or a Z report says about the shop. */
export type ShopDetails = {
  name: string;
  tenantName: string;
  address?: string;
  phone?: string;
  taxId?: string;
  timeZone: string;
  currency: string;
  footer?: string;
};

/**
 * The one place that decides the shop's details on paper: the till's boutique as the cloud
 * publishes it (synced `boutiques`), else the enrolment answer, completed by the synced settings.
 */
export async function shopDetails(db: RxDatabase, enrolment: Enrolment): Promise<ShopDetails> {
  const settingsDoc = await db.collections.settings?.findOne().exec();
  const settings = settingsDoc?.toJSON() as (Settings & { taxId?: string; address?: string }) | undefined;
  const boutiqueDoc = await db.collections.boutiques?.findOne(enrolment.boutique.id).exec();
  const boutique = boutiqueDoc?.toJSON() as TillBoutique | undefined;
  const address = boutique?.address || enrolment.boutique.address || settings?.address;
  const taxId = boutique?.taxId || settings?.taxId;
  return {
    name: boutique?.name ?? enrolment.boutique.name,
    tenantName: enrolment.tenant.name,
    ...(address ? { address } : {}),
    ...(boutique?.phone ? { phone: boutique.phone } : {}),
    ...(taxId ? { taxId } : {}),
    timeZone: boutique?.timeZone || settings?.timeZone || enrolment.tenant.timeZone || 'Africa/Conakry',
    currency: settings?.currency ?? enrolment.tenant.currency,
    ...(settings?.receiptFooter ? { footer: settings.receiptFooter } : {}),
  };
}
