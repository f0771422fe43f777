/**
 * `npm run simulators`: the four payment simulators on PAYMENT_SIMULATOR_PORT (default 4010) and
 * the next three ports, where an API with no provider keys looks for them. Switches and test
 * numbers: README.md beside this file.
 */
import { DEFAULT_SIMULATOR_PORT } from './credentials.js';
import { startPaymentSimulators } from './index.js';
import { MTN_TEST_NUMBERS } from './mtn-momo-simulator.js';

const port = Number(process.env.PAYMENT_SIMULATOR_PORT ?? DEFAULT_SIMULATOR_PORT);
const host = process.env.PAYMENT_SIMULATOR_HOST;
const sims = await startPaymentSimulators({ port, ...(host ? { host } : {}) });
console.log('Simulateurs de paiement (aucun argent réel) / payment simulators (no real money):');
for (const [name, url] of Object.entries(sims.urls)) console.log(`  ${name.padEnd(12)} ${url}`);
console.log(`  MTN phone    ${sims.mtnPhonePageUrl('224620000000')}`);
console.log('MTN MoMo sandbox numbers:');
for (const [msisdn, { scenario }] of Object.entries(MTN_TEST_NUMBERS)) console.log(`  ${msisdn}  ${scenario}`);
const stop = () => void sims.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
