/** `npm run migrate`: applies pending master and tenant migrations, also to tenants with their own database. */
import { loadConfig } from '../config.js';
import { migrate } from '../../db/migrate.js';
import { openDatabases } from '../../db/tenancy.js';

const config = loadConfig();
const databases = await openDatabases(
  { masterUrl: config.masterDatabaseUrl, tenantUrl: config.tenantDatabaseUrl, embeddedDir: config.dataDir },
  { migrate: false },
);
try {
  const master = await migrate(databases.master, 'master');
  const tenant = await migrate(databases.tenantDefault, 'tenant');
  console.log(`master: ${master.length ? master.join(', ') : 'à jour / up to date'}`);
  console.log(`tenant: ${tenant.length ? tenant.join(', ') : 'à jour / up to date'}`);
  const { rows } = await databases.master.query<{ id: string; code: string }>(`SELECT id, code FROM tenants WHERE database_url IS NOT NULL`);
  for (const row of rows) {
    const applied = await migrate(await databases.forTenant(row.id), 'tenant');
    console.log(`tenant ${row.code}: ${applied.length ? applied.join(', ') : 'à jour / up to date'}`);
  }
} finally {
  await databases.close();
}
