/** `npm run migrate`: applies pending master and tenant migrations, also to tenants with their own database. */
import { databaseConfigOf, loadConfig } from '../config.js';
import { migrate } from '../../db/migrate.js';
import { migrateAsOwner } from '../../db/tenancy.js';
import { openDatabasesOrExit } from './databases.js';

const config = loadConfig();
const databaseConfig = databaseConfigOf(config);
const databases = await openDatabasesOrExit(config, { migrate: false });
try {
  const { master, tenant } = await migrateAsOwner(databaseConfig, databases.master, databases.tenantDefault);
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
