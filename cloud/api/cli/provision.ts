/**
 * `npm run provision -- --code acme --name "Acme SARL" --owner-email pdg@acme.gn --owner-name "Awa Bah"`
 * creates a company (GNF, fr, Africa/Conakry unless told) and its owner with a temporary password.
 */
import { parseArgs } from 'node:util';
import { ZodError } from 'zod';
import { provisionBody } from '../admin/routes.js';
import { provisionTenant } from '../admin/service.js';
import { loadConfig } from '../config.js';
import { AppError } from '../http/errors.js';
import { openDatabasesOrExit } from './databases.js';

const { values } = parseArgs({
  options: {
    code: { type: 'string' },
    name: { type: 'string' },
    currency: { type: 'string' },
    locale: { type: 'string' },
    'time-zone': { type: 'string' },
    'owner-email': { type: 'string' },
    'owner-name': { type: 'string' },
  },
});

let input;
try {
  input = provisionBody.parse({
    code: values.code,
    name: values.name,
    currency: values.currency,
    locale: values.locale,
    timeZone: values['time-zone'],
    owner: values['owner-email'] ? { email: values['owner-email'], name: values['owner-name'] ?? values['owner-email'] } : undefined,
  });
} catch (error) {
  if (error instanceof ZodError) {
    console.error('Paramètres invalides / invalid arguments:');
    for (const issue of error.issues) console.error(`  --${issue.path.join('.')}: ${issue.message}`);
    console.error('Usage: npm run provision -- --code CODE --name NOM [--currency GNF] [--locale fr] [--time-zone Africa/Conakry] [--owner-email E --owner-name N]');
    process.exit(2);
  }
  throw error;
}

const config = loadConfig();
const databases = await openDatabasesOrExit(config, { migrate: config.migrateOnStart });
try {
  const created = await provisionTenant(databases, input);
  console.log(JSON.stringify(created, null, 2));
} catch (error) {
  if (error instanceof AppError) {
    console.error(`Refusé / refused: ${error.code}`);
    process.exitCode = 1;
  } else throw error;
} finally {
  await databases.close();
}
