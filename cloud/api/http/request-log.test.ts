import express from 'express';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Counter, Histogram, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Metrics } from './metrics.js';
import { observeRequests } from './request-log.js';

describe('request observation', () => {
  const lines: Array<Record<string, unknown>> = [];
  const registry = new Registry();
  const metrics: Metrics = {
    registry,
    httpDuration: new Histogram({ name: 'test_http_seconds', help: 'h', labelNames: ['route', 'method', 'status'] as const, registers: [registry] }),
    loginAttempts: new Counter({ name: 'test_logins', help: 'c', labelNames: ['outcome'] as const, registers: [registry] }),
  };
  let url = '';
  let close = () => {};
  beforeAll(async () => {
    const sink = new Writable({ write(chunk, _encoding, done) { lines.push(JSON.parse(String(chunk))); done(); } });
    const app = express();
    observeRequests(app, pino({ level: 'info' }, sink), metrics);
    app.get('/items/:id', (_req, res) => void res.json({ ok: true }));
    app.get('/refused', (_req, res) => void res.status(403).json({ error: 'no' }));
    app.get('/noted', (req, res) => {
      req.log.info({ detail: 1 }, 'a handler speaks');
      res.json({ ok: true });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => close());

  it('times every request under its route template, logs refusals with the request id, and leaves fast successes to nginx', async () => {
    await fetch(`${url}/items/42`);
    const refused = await fetch(`${url}/refused`, { headers: { 'x-request-id': 'caisse-7' } });
    expect(refused.headers.get('x-request-id')).toBe('caisse-7');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.filter((l) => l.msg === 'request')).toEqual([]);
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'request refused', reqId: 'caisse-7', status: 403, url: '/refused', level: 40 }));
    const exposition = await registry.metrics();
    expect(exposition).toContain('route="/items/:id"');
    expect(exposition).not.toContain('route="/items/42"');
  });

  it('gives handlers a logger whose lines carry the request id', async () => {
    const response = await fetch(`${url}/noted`);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'a handler speaks', detail: 1, reqId: response.headers.get('x-request-id') }));
  });
});
