/** `npm run seed:demo`: the demo company, its users, boutiques and catalogue (once). */
import { loadConfig } from '../config.js';
import { DEMO_USERS, seedDemo } from '../demo/seed.js';
import { openDatabasesOrExit } from './databases.js';

const config = loadConfig();
const databases = await openDatabasesOrExit(config, { migrate: config.migrateOnStart });
try {
  const { created, tenantId } = await seedDemo(databases);
  console.log(created ? `Entreprise démo créée / demo company created (${tenantId})` : `Déjà présente / already there (${tenantId})`);
  for (const user of Object.values(DEMO_USERS)) console.log(`  ${user.role.padEnd(12)} ${user.email} / ${user.password}`);
} finally {
  await databases.close();
}
