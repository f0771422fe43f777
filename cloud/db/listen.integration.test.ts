import { describe, expect, it } from 'vitest';
import { startFlakyProxy } from '../../test/support/flaky-proxy.js';
import { waitFor } from '../../test/support/wait-for.js';
import { createPgDatabase } from './database.js';
import { createScratchDatabase } from './test-databases.js';

// The embedded database listens in-process: there is no connection to lose.
describe.skipIf(!process.env.TEST_DATABASE_URL)('LISTEN on PostgreSQL', () => {
  it('listens again once the server is back, however many tries that takes, and says to catch up', async () => {
    const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!, 'afrigest_test');
    const server = new URL(scratch.url);
    const proxy = await startFlakyProxy(Number(server.port || 5432), { dropRate: 0, seed: 1 });
    const throughProxy = new URL(scratch.url);
    throughProxy.host = new URL(proxy.url).host;
    const listening = createPgDatabase(throughProxy.toString());
    const direct = createPgDatabase(scratch.url);
    try {
      const messages: string[] = [];
      const stop = await listening.listen('afrigest_test_changes', (payload) => messages.push(payload));
      expect(messages).toEqual(['*']);
      // The server is away for longer than one retry: several attempts to listen again fail.
      proxy.setOffline(true);
      await new Promise((r) => setTimeout(r, 2_500));
      proxy.setOffline(false);
      await waitFor(() => messages.length === 2, 10_000);
      expect(messages).toEqual(['*', '*']);
      await direct.query(`NOTIFY afrigest_test_changes, 'tenant-1'`);
      await waitFor(() => messages.includes('tenant-1'), 5_000);
      await stop();
    } finally {
      await listening.close();
      await direct.close();
      await proxy.close();
      await scratch.drop();
    }
  });
});
