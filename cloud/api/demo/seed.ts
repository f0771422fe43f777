import { v7 as uuidv7 } from 'uuid';
import type { Databases } from '../../db/tenancy.js';
import { hashPassword } from '../auth/passwords.js';
import { provisionTenant } from '../admin/service.js';
import { publishTillBoutiques } from '../boutiques/service.js';
import type { Product } from '../../../shared/schema/products.js';
import { writeDocuments } from '../../../sync/server/store.js';
import { saveProductCosts } from '../catalog/repository.js';
import { searchForm } from '../../../shared/text.js';
import { offlineVerifier, publishTillUser } from '../users/till-users.js';
import { DEMO_CATEGORIES, demoCatalogue } from './catalogue.js';

export const DEMO_TENANT = 'demo';
export const DEMO_USERS = {
  admin: { email: 'admin@demo.local', password: 'Admin123!', role: 'super_admin' },
  pdg: { email: 'pdg@demo.local', password: 'Demo123!', role: 'pdg' },
  dg: { email: 'dg@demo.local', password: 'Demo123!', role: 'dg' },
  employee: { email: 'employe@demo.local', password: 'Demo123!', role: 'employee' },
} as const;

/** Creates the demo company once; a second run finds it and changes nothing. */
export async function seedDemo(databases: Databases): Promise<{ created: boolean; tenantId: string }> {
  const { rows } = await databases.master.query<{ id: string }>(`SELECT id FROM tenants WHERE code = $1`, [DEMO_TENANT]);
  if (rows[0]) return { created: false, tenantId: rows[0].id };

  const { tenantId } = await provisionTenant(databases, {
    code: DEMO_TENANT, name: 'Démo Boutiques Conakry', currency: 'GNF', locale: 'fr', timeZone: 'Africa/Conakry',
  });
  const adminHash = await hashPassword(DEMO_USERS.admin.password);
  await databases.master.query(
    `INSERT INTO platform_users (id, email, name, password_hash) VALUES ($1, $2, 'Admin plateforme', $3) ON CONFLICT DO NOTHING`,
    [uuidv7(), DEMO_USERS.admin.email, adminHash],
  );
  const boutiques = [
    { id: uuidv7(), code: 'KAL', name: 'AfriGest Kaloum', address: 'Avenue de la République, Kaloum, Conakry', phone: '+224 620 00 00 01', taxId: 'NIF 1234567-KAL' },
    { id: uuidv7(), code: 'RAT', name: 'AfriGest Ratoma', address: 'Route Le Prince, Ratoma, Conakry', phone: '+224 620 00 00 02', taxId: 'NIF 1234567-RAT' },
  ];
  const staffHash = await hashPassword(DEMO_USERS.pdg.password);
  await databases.withTenant(tenantId, async (tx) => {
    for (const b of boutiques) {
      await tx.query(
        `INSERT INTO boutiques (tenant_id, id, code, name, address, phone, tax_id) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [tenantId, b.id, b.code, b.name, b.address, b.phone, b.taxId],
      );
    }
    await publishTillBoutiques(tx, tenantId);
    const staff = [
      { email: DEMO_USERS.pdg.email, name: 'Mamadou Diallo', role: 'pdg', boutiqueIds: boutiques.map((b) => b.id) },
      { email: DEMO_USERS.dg.email, name: 'Fatoumata Camara', role: 'dg', boutiqueIds: [boutiques[0]!.id] },
      { email: DEMO_USERS.employee.email, name: 'Ibrahima Sow', role: 'employee', boutiqueIds: [boutiques[0]!.id] },
    ];
    for (const u of staff) {
      const id = uuidv7();
      await tx.query(
        `INSERT INTO users (tenant_id, id, email, name, role, boutique_ids, password_hash) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [tenantId, id, u.email, u.name, u.role, u.boutiqueIds, staffHash],
      );
      await publishTillUser(tx, tenantId, id, await offlineVerifier(DEMO_USERS.pdg.password));
    }
  });
  await seedCatalogue(databases, tenantId, boutiques.map((b) => b.id));
  return { created: true, tenantId };
}

/** Categories, products, tenant settings and the opening stock of each boutique (receipt movements). */
async function seedCatalogue(databases: Databases, tenantId: string, boutiqueIds: string[]): Promise<void> {
  const now = new Date().toISOString();
  const categoryIds = new Map(DEMO_CATEGORIES.map((c) => [c.code, uuidv7()]));
  const products = demoCatalogue().map((p) => ({ ...p, id: uuidv7() }));
  await databases.withTenant(tenantId, async (tx) => {
    await writeDocuments(tx, tenantId, 'settings', [
      { id: `settings-${tenantId}`, tenantId, vatRateBp: 1800, currency: 'GNF', locale: 'fr', timeZone: 'Africa/Conakry', receiptFooter: 'Merci de votre visite !', updatedAt: now },
    ]);
    await writeDocuments(tx, tenantId, 'categories', DEMO_CATEGORIES.map((c) => ({ id: categoryIds.get(c.code)!, tenantId, code: c.code, name: c.name, updatedAt: now })));
    const second = boutiqueIds[1];
    await writeDocuments(tx, tenantId, 'products', products.map((p): Product => ({
      id: p.id, tenantId, sku: p.sku, barcode: p.barcode, barcodes: p.barcodes, name: p.name, searchName: searchForm(p.name),
      categoryId: categoryIds.get(p.categoryCode)!, priceMinor: p.priceMinor, vatRateBp: p.vatRateBp, unit: p.unit,
      lowStockMilli: p.lowStockMilli,
      boutiquePrices: second && p.secondBoutiqueMarkup !== null ? [{ boutiqueId: second, priceMinor: Math.round((p.priceMinor * (1 + p.secondBoutiqueMarkup)) / 500) * 500 }] : [],
      active: true, updatedAt: now,
    })));
    await saveProductCosts(tx, tenantId, products.map((p) => ({ id: p.id, costMinor: p.costMinor })));
    for (const [b, boutiqueId] of boutiqueIds.entries()) {
      await writeDocuments(tx, tenantId, 'stock_movements', products.map((p) => ({
        id: uuidv7(), tenantId, boutiqueId, productId: p.id, quantityMilli: (p.openingStock + b * 3) * 1000,
        kind: 'receipt', reason: 'Stock initial', refId: null, deviceId: null, createdAt: now,
      })));
    }
  });
}
