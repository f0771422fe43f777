import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import cors from 'cors';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { PUSH_MAX_BODY_BYTES } from '../../sync/protocol.js';
import { adminRoutes } from './admin/routes.js';
import { auditRoutes } from './audit/routes.js';
import { authRoutes } from './auth/routes.js';
import { boutiqueRoutes } from './boutiques/routes.js';
import { catalogRoutes } from './catalog/routes.js';
import { dataRoutes } from './data/routes.js';
import { deviceRoutes } from './devices/routes.js';
import { ecommerceRoutes } from './ecommerce/routes.js';
import { healthRoutes } from './health/routes.js';
import { authenticate } from './http/authenticate.js';
import { errorBody, errorHandler } from './http/errors.js';
import { observeRequests } from './http/request-log.js';
import { paymentRoutes, RAW_BODY_PATHS } from './payments/routes.js';
import { purchasingRoutes } from './purchasing/routes.js';
import { mountRoute, registerOpenApi, type RouteDef } from './http/route.js';
import type { Services } from './services.js';
import { stockRoutes } from './stock/routes.js';
import { syncRoutes } from './sync/routes.js';
import { transferRoutes } from './transfers/routes.js';
import { userRoutes } from './users/routes.js';

// The storefront's static files: beside this file's folder in the sources, three levels up once built into dist/.
const STOREFRONT_DIR = ['../web/storefront/', '../../../cloud/web/storefront/']
  .map((relative) => fileURLToPath(new URL(relative, import.meta.url)))
  .find((dir) => existsSync(dir));

// The web admin's build (cloud/web/admin) is dist/web-admin/: two levels up from the sources,
// beside dist/cloud/ once compiled. Not required to exist yet: `npm start` may build it after.
const WEB_ADMIN_DIR = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../../dist/web-admin/' : '../../web-admin/', import.meta.url));

/** Every route of the API, in one list: mounted, documented and tested from here. */
export const apiRoutes: RouteDef[] = [
  ...authRoutes,
  ...adminRoutes,
  ...boutiqueRoutes,
  ...userRoutes,
  ...deviceRoutes,
  ...auditRoutes,
  ...catalogRoutes,
  ...stockRoutes,
  ...dataRoutes,
  ...syncRoutes,
  ...paymentRoutes,
  ...ecommerceRoutes,
  ...transferRoutes,
  ...purchasingRoutes,
];

export function openApiDocument(routes: RouteDef[]) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  registry.registerComponent('securitySchemes', 'device', { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Device <credential>' });
  for (const route of routes) registerOpenApi(registry, route);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'AfriGest API', version: '0.1.0', description: 'API du cloud AfriGest. Erreurs : { error: { code, message, details } }.' },
    servers: [{ url: '/' }],
  });
}

/**
 * The web admin at /app/: hashed assets cached for good, every other path under /app/ is the
 * page itself (the browser's router reads it). Checked per request, so a build made after the
 * API started is served, and a missing one says how to make it.
 */
function serveWebAdmin(app: Express, dir: string): void {
  // Routing is not strict, so '/app' also matches '/app/': redirect the bare one only.
  app.get('/app', (req, res, next) => (req.originalUrl.split('?')[0] === '/app' ? res.redirect(301, '/app/') : next()));
  app.use('/app/assets', express.static(join(dir, 'assets'), { index: false, immutable: true, maxAge: '1y' }));
  app.get(['/app/', '/app/*splat'], (req, res, next) => {
    if (req.path.startsWith('/app/assets/')) return next();
    if (!existsSync(join(dir, 'index.html'))) {
      res.status(503).type('text/plain; charset=utf-8').send('Administration web non construite : lancez `npm start` (qui la construit) ou `npx vite build --config cloud/web/admin/vite.config.ts`.\n');
      return;
    }
    // The page changes with every build: always asked again, its assets never.
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile('index.html', { root: dir });
  });
}

export function createApp(services: Services, extraRoutes: RouteDef[] = []): Express {
  const app = express();
  app.disable('x-powered-by');
  // No ETag on API answers: computing one hashes every body, and no client of the API asks with
  // If-None-Match (tills follow checkpoints). The storefront's static files keep theirs.
  app.set('etag', false);
  app.set('trust proxy', services.config.trustProxy);

  observeRequests(app, services.logger, services.metrics);
  app.use(helmet());
  const origins = new Set(services.config.allowedOrigins);
  const corsForBrowsers = cors({ origin: (origin, done) => done(null, !origin || origins.has(origin)), credentials: true, exposedHeaders: ['X-Request-Id'] });
  // Only a browser's cross-origin call carries Origin: tills, providers and curl skip the CORS
  // work, and every answer still says that it varies by Origin.
  app.use((req, res, next) => {
    if (req.headers.origin) return corsForBrowsers(req, res, next);
    res.setHeader('Vary', 'Origin');
    next();
  });
  // Provider callbacks keep their exact bytes (signatures); the JSON parser then leaves them alone.
  app.use(RAW_BODY_PATHS, express.raw({ type: () => true, limit: '256kb' }));
  // A till's push: its limit is part of the sync protocol, which the till's requests keep under.
  app.use('/api/sync', express.json({ limit: PUSH_MAX_BODY_BYTES }));
  app.use(express.json({ limit: '2mb' }));
  app.use(authenticate(services));

  const routes = [...healthRoutes, ...apiRoutes, ...extraRoutes];
  // Straight on the app, not in a nested router: one dispatch less on every request.
  for (const route of routes) mountRoute(app, route, services);

  const document = openApiDocument(routes);
  app.get('/api/openapi.json', (_req, res) => void res.json(document));
  if (STOREFRONT_DIR) {
    app.use('/boutique-assets', express.static(STOREFRONT_DIR, { index: false, maxAge: '1h' }));
    app.get(['/boutique/:code', '/boutique/:code/commande/:orderId'], (_req, res) => res.sendFile('index.html', { root: STOREFRONT_DIR }));
  }
  serveWebAdmin(app, services.config.webAdminDir ?? WEB_ADMIN_DIR);
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', services.metrics.registry.contentType);
    res.end(await services.metrics.registry.metrics());
  });

  app.use((req, res) => void res.status(404).json(errorBody(req, 'ROUTE_NOT_FOUND')));
  app.use(errorHandler);
  return app;
}
