import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { startPaymentJobs } from '../payments/jobs.js';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { seedDemo } from './demo/seed.js';
import { answerClientError } from './http/errors.js';
import { createServices, type Services } from './services.js';

export type RunningApi = { services: Services; server: Server; url: string; stop(): Promise<void> };

/** Opens the databases (migrating them), seeds the demo when asked and empty, and listens. */
export async function startApi(config: Config, options: { logger?: Logger } = {}): Promise<RunningApi> {
  const services = await createServices(config, options);
  if (config.seedDemoOnEmpty) {
    const { rows } = await services.databases.master.query<{ n: number }>('SELECT count(*)::int AS n FROM tenants');
    if (rows[0]?.n === 0) {
      const seeded = await seedDemo(services.databases);
      services.logger.info({ tenantId: seeded.tenantId }, 'empty database: demo tenant "demo" created');
    }
  }
  const app = createApp(services);
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.port, config.host, () => resolve(listening));
    listening.once('error', reject);
  });
  server.on('clientError', answerClientError);
  // Behind nginx keep-alive connections outlive requests; close them promptly on shutdown.
  server.keepAliveTimeout = 65_000;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  services.listeningUrl = `http://${config.host}:${port}`;
  if (services.config.payments.mode !== 'live') services.logger.warn(services.config.payments.notice);
  const jobs = config.paymentJobs.enabled
    ? startPaymentJobs({ payments: services.payments, master: services.databases.master, embedded: services.databases.embedded, logger: services.logger, ...config.paymentJobs })
    : null;
  let stopping: Promise<void> | null = null;
  return {
    services,
    server,
    url: `http://${config.host}:${port}`,
    stop() {
      stopping ??= (async () => {
        // Live sync streams never finish by themselves: end them, the tills reconnect elsewhere.
        await services.changes.close();
        await jobs?.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          setTimeout(() => server.closeAllConnections(), 10_000).unref();
        });
        await services.close();
      })();
      return stopping;
    },
  };
}
