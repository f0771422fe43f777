import type { Express } from 'express';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';

declare global {
  // Express declares Request as an interface; augmenting it needs one too.
  namespace Express {
    interface Request {
      id: string;
      /** A logger whose every line carries this request's id (made on first use). */
      log: Logger;
    }
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const QUIET = new Set(['/healthz', '/readyz', '/metrics']);
/** A request slower than this is logged at info even when it succeeded. */
const SLOW_MS = 1_000;

/**
 * Request ids, the latency histogram and the access line, with one `finish` listener per request.
 * Written here rather than with pino-http: that library builds a child logger and serialises
 * request objects on every call; here the child logger is made only when a handler logs.
 * Successful fast requests are logged at debug: nginx's access log already has every request
 * (with the same request id, see cloud/deploy), and formatting a line per request cost an eighth
 * of the API's throughput in bench:api. Refusals, failures and slow requests are logged at
 * warn, error and info.
 */
export function observeRequests(app: Express, logger: Logger, metrics: Metrics): void {
  // `req.log` is a getter on the app's request prototype, defined once: defining it on every
  // request would give each request object a shape of its own.
  Object.defineProperty(app.request, 'log', {
    get(this: Express.Request & { logChild?: Logger }) {
      return (this.logChild ??= logger.child({ reqId: this.id }));
    },
    configurable: true,
  });
  app.use((req, res, next) => {
    const started = performance.now();
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    req.id = id;
    res.setHeader('X-Request-Id', id);
    res.on('finish', () => {
      const ms = performance.now() - started;
      const status = res.statusCode;
      // Labelled by route template, never the raw URL: ids would explode the label set.
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      metrics.httpDuration.observe({ route, method: req.method, status: String(status) }, ms / 1000);
      if (QUIET.has(req.path)) return;
      const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : ms >= SLOW_MS ? 'info' : 'debug';
      if (!logger.isLevelEnabled(level)) return;
      const line = { reqId: id, method: req.method, url: req.originalUrl, status, ms };
      logger[level](line, status >= 500 ? 'request failed' : status >= 400 ? 'request refused' : 'request');
    });
    next();
  });
}
