import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createBridgeClient, hostBridgeUrl, webSocketTransport, type WebSocketLike } from '../bridge/client.js';
import { BridgeError } from '../bridge/errors.js';
import { BRIDGE_PATH, startHost, type RunningHost } from './host.js';

function connect(host: RunningHost, token: string | null, origin?: string): WebSocket {
  const port = new URL(host.url).port;
  return new WebSocket(`ws://127.0.0.1:${port}${BRIDGE_PATH}${token === null ? '' : `?token=${encodeURIComponent(token)}`}`, origin === undefined ? {} : { origin });
}

const closeCode = (ws: WebSocket) => new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));

function get(url: string, host?: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: host ? { host } : {} }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('browser host', () => {
  let directory: string;
  let host: RunningHost;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'afrigest-host-'));
    const renderer = join(directory, 'renderer');
    mkdirSync(renderer);
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Caisse</title>');
    // Nothing listens on port 9: the till is offline, which the host does not mind.
    host = await startHost({ port: 0, dataDirectory: join(directory, 'till'), cloudUrl: 'http://127.0.0.1:9', rendererDirectory: renderer, sync: { live: false } });
  });
  afterAll(async () => {
    await host.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('closes a bridge socket with a wrong or missing token (4401) and refuses foreign pages', async () => {
    expect(await closeCode(connect(host, 'not-the-token'))).toBe(4401);
    expect(await closeCode(connect(host, null))).toBe(4401);
    const foreign = connect(host, host.token, 'http://evil.example');
    const status = await new Promise<number>((resolve) => foreign.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(403);
  });

  it('answers bridge calls and pushes events with the right token, from its own origin', async () => {
    const origin = host.url.replace(/\/$/, '');
    // What the page does: the bridge address from its own location, token from the fragment.
    const page = new URL(host.openUrl);
    const address = hostBridgeUrl(page);
    expect(address).toBe(`ws://${page.host}/bridge?token=${host.token}`);
    expect(hostBridgeUrl({ protocol: page.protocol, host: page.host, hash: '' })).toBeNull();
    const transport = webSocketTransport(() => new WebSocket(address!, { origin }) as unknown as WebSocketLike, { reconnectMs: 0 });
    const bridge = createBridgeClient(transport);
    try {
      expect(await bridge.call('app.state', {})).toEqual({ enrolled: false, till: null, user: null, locale: 'fr' });
      const changed = new Promise((resolve) => bridge.on('app.changed', resolve));
      await bridge.call('app.setLocale', { locale: 'en' });
      expect(await changed).toMatchObject({ locale: 'en' });
      // Refusals arrive in the error format, in the chosen language.
      const refused = await bridge.call('catalog.search', { text: 'riz' }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(BridgeError);
      expect((refused as BridgeError).body).toEqual({ code: 'UNAUTHENTICATED', message: 'Sign-in required.' });
      const invalid = await bridge.call('auth.signIn', { email: 'x', password: '' }).catch((e: unknown) => e);
      expect((invalid as BridgeError).code).toBe('VALIDATION_FAILED');
    } finally {
      transport.close();
    }
  });

  it('serves the renderer with a strict CSP, and only under its own host name', async () => {
    const page = await get(host.url);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Caisse');
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    expect((await get(`${host.url}some/route`)).body).toContain('Caisse');
    expect((await get(host.url, 'afrigest.attacker.example')).status).toBe(421);
    expect((await get(`${host.url}files/unknown/x.pdf?token=${host.token}`)).status).toBe(404);
  });
});
