/**
 * The till's host in its own process, so a test can kill it without warning (SIGKILL) as a power
 * cut would, and start it again on the same data. Prints one JSON line: `{ "openUrl": … }`.
 * Environment: TILL_DIR, CLOUD_URL, RENDERER_DIR.
 */
import { startHost } from '../../../desktop/host/host.js';

const host = await startHost({
  port: 0,
  dataDirectory: process.env.TILL_DIR!,
  cloudUrl: process.env.CLOUD_URL!,
  rendererDirectory: process.env.RENDERER_DIR!,
  // Short timings: the test waits for sync, and a real till would simply be slower to notice.
  sync: { retryTime: 300, pollInterval: 500 },
  mobileMoneyPollMs: 300,
  log: (entry) => process.stderr.write(`${JSON.stringify(entry)}\n`),
});
process.stdout.write(`${JSON.stringify({ openUrl: host.openUrl })}\n`);

const stop = () => void host.close().then(() => process.exit(0), () => process.exit(1));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
