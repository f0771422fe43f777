import type { RxDatabase } from 'rxdb';
import type { Settings } from '../../../shared/schema/index.js';
import type { Enrolment } from './enrolment.js';

/** What a receipt or a Z report says about the shop. */
export type ShopDetails = {
  name: string;
  tenantName: string;
  address?: string;
  taxId?: string;
  timeZone: string;
  currency: string;
  footer?: string;
};

/**
 * The one place that decides the shop's details on paper: the enrolment answer (boutique and
 * tenant) completed by the synced settings. A synced `boutiques` collection, when it exists,
 * belongs here too.
 */
export async function shopDetails(db: RxDatabase, enrolment: Enrolment): Promise<ShopDetails> {
  const settingsDoc = await db.collections.settings?.findOne().exec();
  const settings = settingsDoc?.toJSON() as (Settings & { taxId?: string; address?: string }) | undefined;
  const address = enrolment.boutique.address ?? settings?.address;
  return {
    name: enrolment.boutique.name,
    tenantName: enrolment.tenant.name,
    ...(address ? { address } : {}),
    ...(settings?.taxId ? { taxId: settings.taxId } : {}),
    timeZone: settings?.timeZone ?? enrolment.tenant.timeZone ?? 'Africa/Conakry',
    currency: settings?.currency ?? enrolment.tenant.currency,
    ...(settings?.receiptFooter ? { footer: settings.receiptFooter } : {}),
  };
}
