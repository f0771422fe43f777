/**
 * The till without Electron: core under plain Node, the renderer served over HTTP on loopback,
 * and the same bridge over a WebSocket. A per-launch token (given only in the printed URL's
 * fragment) and an Origin check keep other pages and local users' browsers out.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { BRIDGE_PATH, CLOSE_UNAUTHORIZED, isBridgeRequest, type BridgeEventMessage, type BridgeResponse } from '../bridge/wire.js';
import { startCore, type Core, type StartCoreOptions } from '../core/app.js';

export type HostOptions = Omit<StartCoreOptions, 'dataDirectory'> & {
  dataDirectory: string;
  /** 0 picks a free port (tests). */
  port?: number;
  /** The built renderer (`vite build --config desktop/renderer/vite.config.ts`). */
  rendererDirectory?: string;
  /** Serve the renderer through Vite's dev middleware instead of the built files. */
  dev?: boolean;
};

export type RunningHost = {
  /** The page, without the token. */
  url: string;
  token: string;
  /** What to open in a browser: the page with the token in its fragment (never sent over HTTP). */
  openUrl: string;
  core: Core;
  close(): Promise<void>;
};

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const DEFAULT_RENDERER_DIRECTORY = join(ROOT, 'dist', 'renderer');
export { BRIDGE_PATH };
const FILE_TTL_MS = 10 * 60_000;
const MAX_MESSAGE_BYTES = 1024 * 1024;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.webp': 'image/webp', '.map': 'application/json',
};

function sameSecret(given: string | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const token = randomBytes(24).toString('base64url');
  const { port = 0, rendererDirectory = DEFAULT_RENDERER_DIRECTORY, dev = false, ...coreOptions } = options;
  const core = await startCore(coreOptions);
  const files = new Map<string, { bytes: Buffer; name: string; expires: number }>();
  let origins = new Set<string>();
  let hosts = new Set<string>();

  type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
  type ViteLike = { middlewares: Middleware; close(): Promise<void> };
  // Filled once listening (Vite's HMR socket needs the server); read by the request handler.
  const dev$: { vite: ViteLike | null } = { vite: null };

  const server: Server = createServer((req, res) => {
    // DNS rebinding: a foreign name resolving to 127.0.0.1 must not reach the till.
    if (!hosts.has(req.headers.host ?? '')) {
      res.writeHead(421).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/files/')) return serveFile(url, res);
    if (dev$.vite) return dev$.vite.middlewares(req, res, () => res.writeHead(404).end());
    serveStatic(url.pathname, res);
  });

  function securityHeaders(res: ServerResponse): void {
    const address = server.address() as AddressInfo;
    res.setHeader(
      'content-security-policy',
      [
        "default-src 'self'",
        "script-src 'self'",
        // Receipts are HTML documents with their own <style>; inline styles carry no script.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        `connect-src 'self' ws://127.0.0.1:${address.port} ws://localhost:${address.port}`,
        "frame-src 'self' blob: data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'none'",
      ].join('; '),
    );
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('cache-control', 'no-store');
  }

  function serveStatic(pathname: string, res: ServerResponse): void {
    securityHeaders(res);
    const root = resolve(rendererDirectory);
    let file = normalize(join(root, decodeURIComponent(pathname)));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(404).end();
      return;
    }
    // A single-page app: unknown paths get the page.
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
        '<!doctype html><meta charset="utf-8"><title>AfriGest Caisse</title><p>Interface non construite : lancez <code>npx vite build --config desktop/renderer/vite.config.ts</code>. / Renderer not built.</p>',
      );
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  }

  function serveFile(url: URL, res: ServerResponse): void {
    const id = url.pathname.split('/')[2] ?? '';
    const file = files.get(id);
    if (!sameSecret(url.searchParams.get('token'), token) || !file || file.expires < Date.now()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="${file.name.replace(/[^\w.-]/g, '_')}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    }).end(file.bytes);
  }

  /** A PDF answer is also offered as a short-lived tokened link, for a plain download in the browser. */
  function withDownload(result: BridgeResponse): BridgeResponse {
    if (!result.ok) return result;
    const output = result.output as { pdfBase64?: unknown; fileName?: unknown } | null;
    if (!output || typeof output.pdfBase64 !== 'string') return result;
    const now = Date.now();
    for (const [key, value] of files) if (value.expires < now) files.delete(key);
    const id = randomBytes(16).toString('base64url');
    const name = typeof output.fileName === 'string' ? output.fileName : 'document.pdf';
    files.set(id, { bytes: Buffer.from(output.pdfBase64, 'base64'), name, expires: now + FILE_TTL_MS });
    return { ...result, output: { ...output, downloadUrl: `/files/${id}/${encodeURIComponent(name)}?token=${token}` } };
  }

  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== BRIDGE_PATH) return; // Vite's HMR socket, in dev, handles its own path.
    const origin = req.headers.origin;
    // Browsers always send Origin: a page from anywhere else never gets the bridge. Local tools
    // without a browser send none and still need the token.
    if (!hosts.has(req.headers.host ?? '') || (origin !== undefined && !origins.has(origin))) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (!sameSecret(url.searchParams.get('token'), token)) {
        ws.close(CLOSE_UNAUTHORIZED, 'token');
        return;
      }
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data, isBinary) => {
        let request: unknown;
        try {
          request = isBinary ? null : JSON.parse(String(data));
        } catch {
          request = null;
        }
        if (!isBridgeRequest(request)) {
          ws.close(1003, 'bad message');
          return;
        }
        void core.call(request.method, request.input).then((result) => {
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(withDownload({ id: request.id, ...result })));
        });
      });
    });
  });

  const unsubscribe = core.onAny((event, payload) => {
    const message: BridgeEventMessage = { event, payload };
    const data = JSON.stringify(message);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(data);
  });

  try {
    await new Promise<void>((resolvePromise, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolvePromise());
    });
  } catch (error) {
    unsubscribe();
    await core.close();
    throw error;
  }
  const { port: actual } = server.address() as AddressInfo;
  origins = new Set([`http://127.0.0.1:${actual}`, `http://localhost:${actual}`]);
  hosts = new Set([`127.0.0.1:${actual}`, `localhost:${actual}`]);

  if (dev) {
    const { createServer: createVite } = await import('vite');
    dev$.vite = (await createVite({
      configFile: join(ROOT, 'desktop', 'renderer', 'vite.config.ts'),
      server: { middlewareMode: true, hmr: { server } },
      appType: 'spa',
    })) as unknown as ViteLike;
  }

  const url = `http://127.0.0.1:${actual}/`;
  return {
    url,
    token,
    openUrl: `${url}#token=${token}`,
    core,
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.close(1001, 'host stopping');
      wss.close();
      await dev$.vite?.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await core.close();
    },
  };
}
