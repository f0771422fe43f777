/**
 * Core in Electron's utilityProcess: better-sqlite3 is synchronous, so it runs here, never on
 * the window's main thread. Main posts bridge requests on `process.parentPort`; answers and
 * events go back the same way. Nothing Electron is imported: parentPort is a plain message port.
 */
import { isBridgeRequest } from '../bridge/wire.js';
import { startCore, type Core } from './app.js';

type ParentPort = { on(event: 'message', listener: (event: { data: unknown }) => void): void; postMessage(message: unknown): void };
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!parentPort) throw new Error('utility-entry runs inside an Electron utilityProcess');
const port = parentPort;

const dataDirectory = process.env.AFRIGEST_TILL_DIR;
if (!dataDirectory) throw new Error('AFRIGEST_TILL_DIR is not set');

// Listen at once: calls made while the database opens wait for it instead of being lost.
const ready: Promise<Core> = startCore({ dataDirectory, ...(process.env.AFRIGEST_CLOUD_URL ? { cloudUrl: process.env.AFRIGEST_CLOUD_URL } : {}) });

port.on('message', ({ data }) => {
  if (typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'close') {
    void ready.then((core) => core.close()).finally(() => process.exit(0));
    return;
  }
  if (!isBridgeRequest(data)) return;
  void ready.then((core) => core.call(data.method, data.input)).then((result) => port.postMessage({ id: data.id, ...result }));
});

void ready.then(
  (core) => core.onAny((event, payload) => port.postMessage({ event, payload })),
  (error: unknown) => {
    process.stderr.write(`AfriGest core failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
