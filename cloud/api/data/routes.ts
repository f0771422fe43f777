import { z } from 'zod';
import yazl from 'yazl';
import { DOCUMENT_TABLES } from '../../db/migrations/tenant.js';
import { defineRoute, tenantIdParam, type RouteDef } from '../http/route.js';

/** Tenant tables in the export, with the columns that are secrets and never leave. */
export const EXPORTED_TABLES: Record<string, string[]> = {
  boutiques: [],
  users: ['password_hash'],
  devices: ['credential_hash'],
  audit_log: [],
  ...Object.fromEntries([...DOCUMENT_TABLES, 'stock_levels', 'sync_rejections'].map((table) => [table, []])),
  transfers: [],
  stock_adjustments: [],
  stock_counts: [],
  stock_count_lines: [],
  suppliers: [],
  purchase_orders: [],
  purchase_order_lines: [],
  purchase_receptions: [],
  purchase_reception_lines: [],
  orders: [],
  ecommerce_settings: [],
  payments: ['notif_token', 'secrets'],
  payment_events: [],
  payment_claims: [],
  payment_anomalies: [],
};

export const dataRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/export',
    summary: 'Export de toutes les données de l’entreprise (zip, un JSON par table)',
    tags: ['data'],
    access: { kind: 'permission', module: 'data', action: 'read' },
    params: z.object({ tenantId: tenantIdParam }),
    handler: async ({ params, tx, res }) => {
      const zip = new yazl.ZipFile();
      for (const [table, secret] of Object.entries(EXPORTED_TABLES)) {
        const { rows } = await tx.query<Record<string, unknown>>(`SELECT * FROM ${table} WHERE tenant_id = $1`, [params.tenantId]);
        for (const row of rows) for (const column of secret) delete row[column];
        zip.addBuffer(Buffer.from(JSON.stringify(rows, null, 2)), `${table}.json`);
      }
      zip.end();
      res.setHeader('Content-Type', 'application/zip');
      res.setHeader('Content-Disposition', `attachment; filename="afrigest-export-${params.tenantId}.zip"`);
      const chunks: Buffer[] = [];
      for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
      res.end(Buffer.concat(chunks));
      return undefined;
    },
  }),
];
