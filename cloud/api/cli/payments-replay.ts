/**
 * `npm run payments:replay -- <event id>` applies a stored provider event again: our event id or
 * the provider's (evt_..., WH-...). The state machine makes it safe: a replay can complete what a
 * crash interrupted, never pay twice or move a final state back. With the embedded database, stop
 * the API first (one process at a time may open it).
 */
import pino from 'pino';
import { Registry } from 'prom-client';
import { openDatabasesOrExit } from './databases.js';
import { createPaymentMetrics } from '../../payments/metrics.js';
import { createPaymentProviders } from '../../payments/providers.js';
import { createPayments, PaymentRequestError } from '../../payments/service.js';
import { loadConfig } from '../config.js';

const eventId = process.argv[2]?.trim();
if (!eventId) {
  console.error('Usage : npm run payments:replay -- <identifiant de l’événement>');
  process.exit(2);
}

const config = loadConfig();
const logger = pino({ level: config.logLevel === 'silent' ? 'silent' : 'warn' });
const databases = await openDatabasesOrExit(config, { migrate: config.migrateOnStart });
const payments = createPayments({
  databases,
  providers: createPaymentProviders(config.payments),
  metrics: createPaymentMetrics(new Registry()),
  logger,
  publicUrl: () => config.publicUrl ?? `http://${config.host}:${config.port}`,
});

let code = 1;
try {
  const { rows } = await databases.master.query<{ id: string; code: string }>('SELECT id, code FROM tenants ORDER BY code');
  for (const tenant of rows) {
    try {
      const outcome = await payments.replay(tenant.id, eventId);
      console.log(`Événement ${eventId} (entreprise ${tenant.code}) rejoué : ${outcome}`);
      code = 0;
      break;
    } catch (error) {
      if (!(error instanceof PaymentRequestError && error.code === 'PAYMENT_NOT_FOUND')) throw error;
    }
  }
  if (code !== 0) console.error(`Aucun événement de paiement « ${eventId} » / no stored payment event with this id.`);
} catch (error) {
  console.error(`Échec du rejeu / replay failed: ${(error as Error).message}`);
} finally {
  await databases.close();
}
process.exit(code);
