/**
 * `npm run desktop:web`: the till in a browser. Environment: AFRIGEST_TILL_DIR (the till's data,
 * default ./data/till), AFRIGEST_CLOUD_URL (default http://127.0.0.1:4000), AFRIGEST_POS_PORT
 * (default 4100), AFRIGEST_POS_DEV=1 to serve the renderer through Vite with hot reload.
 */
import { resolve } from 'node:path';
import { startHost } from './host.js';

const host = await startHost({
  dataDirectory: resolve(process.env.AFRIGEST_TILL_DIR ?? 'data/till'),
  cloudUrl: process.env.AFRIGEST_CLOUD_URL ?? 'http://127.0.0.1:4000',
  port: Number(process.env.AFRIGEST_POS_PORT ?? 4100),
  dev: process.env.AFRIGEST_POS_DEV === '1',
});
// The token is the key to this till: printed for the person who launched it, never logged elsewhere.
process.stdout.write(`AfriGest Caisse : ouvrez / open ${host.openUrl}\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  host.close().then(() => process.exit(0), () => process.exit(1));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
