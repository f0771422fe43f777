import { z } from 'zod';
import { pendingMigrations } from '../../db/migrate.js';
import { AppError } from '../http/errors.js';
import { defineRoute, type RouteDef } from '../http/route.js';

export const healthRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/healthz',
    summary: 'Le processus répond',
    tags: ['health'],
    access: { kind: 'public' },
    response: z.object({ status: z.literal('ok') }),
    handler: async () => ({ status: 'ok' as const }),
  }),
  defineRoute({
    method: 'get',
    path: '/readyz',
    summary: 'Base joignable et migrations à jour',
    tags: ['health'],
    access: { kind: 'public' },
    handler: async ({ services }) => {
      const { master, tenantDefault } = services.databases;
      try {
        await master.query('SELECT 1');
        const pending = [...(await pendingMigrations(master, 'master')), ...(await pendingMigrations(tenantDefault, 'tenant'))];
        if (pending.length > 0) throw new AppError(503, 'SERVICE_UNAVAILABLE', { pendingMigrations: pending });
      } catch (error) {
        if (error instanceof AppError) throw error;
        services.logger.warn({ err: error }, 'readiness check failed');
        throw new AppError(503, 'SERVICE_UNAVAILABLE', { database: 'unreachable' });
      }
      return { status: 'ready', database: services.databases.embedded ? 'embedded' : 'postgresql' };
    },
  }),
];
