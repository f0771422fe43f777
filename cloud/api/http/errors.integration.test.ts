import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isErrorBody } from '../../../shared/errors.js';
import { createPgliteDatabase, type Database } from '../../db/database.js';
import { answerClientError, errorHandler } from './errors.js';

/**
 * The error handler's last line of defence: a value PostgreSQL itself refuses is the caller's 400
 * and our warning, never a 500; what Node's parser refuses still comes in the error format.
 */
describe('error handler', () => {
  const lines: Array<{ level: number; msg: string; sqlState?: string }> = [];
  let db: Database;
  let server: Server;
  let url = '';

  beforeAll(async () => {
    db = await createPgliteDatabase(null);
    const sink = new Writable({ write(chunk, _encoding, done) { lines.push(JSON.parse(String(chunk))); done(); } });
    const logger = pino({ level: 'info' }, sink);
    const app = express();
    app.use((req, _res, next) => {
      req.log = logger;
      next();
    });
    // Real refusals of the embedded PostgreSQL, thrown as a route's query would throw them.
    app.get('/nul', async () => void (await db.query('SELECT $1::text', ['a\u0000b'])));
    app.get('/escape', async () => void (await db.query('SELECT $1::jsonb', ['{"a":"\\u0000"}'])));
    app.get('/range', async () => void (await db.query('SELECT $1::bigint', ['100000000000000000000'])));
    app.get('/ours', async () => void (await db.query('SELECT * FROM no_such_table')));
    app.get('/items/:id', (_req, res) => void res.json({ ok: true }));
    app.use(errorHandler);
    server = createServer(app);
    server.on('clientError', answerClientError);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.close();
    await db?.close();
  });

  it('answers a value the database refuses with 400 and logs it as a warning', async () => {
    for (const [path, sqlState] of [['/nul', '22021'], ['/escape', '22P05'], ['/range', '22003']] as const) {
      const res = await fetch(`${url}${path}`);
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
      expect(lines.at(-1)).toMatchObject({ level: 40, sqlState });
    }
  });

  it('keeps our own database faults as 500s, logged as errors', async () => {
    const res = await fetch(`${url}/ours`);
    expect(res.status).toBe(500);
    expect(lines.at(-1)).toMatchObject({ level: 50, msg: 'unhandled error' });
  });

  it('answers a path segment that cannot be decoded with 400 in the error format', async () => {
    for (const segment of ['%', '%zz', '%ED%A0%80', '%C0%80']) {
      const res = await fetch(`${url}/items/${segment}`);
      expect(res.status, segment).toBe(400);
      expect(isErrorBody(await res.json())).toBe(true);
    }
  });

  it('answers an address past what Node reads with 431 in the error format', async () => {
    const res = await fetch(`${url}/items/1?q=${'a'.repeat(20_000)}`);
    expect(res.status).toBe(431);
    const body = await res.json();
    expect(isErrorBody(body)).toBe(true);
    expect((body as { error: { code: string } }).error.code).toBe('HEADERS_TOO_LARGE');
  });
});
