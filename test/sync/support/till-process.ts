/**
 * A till in its own process, for the kill test: sells offline (once), then syncs, prints
 * "pushing" once the cloud has taken the first push request and "synced" when everything went
 * through. The parent kills it with SIGKILL mid-sync.
 */
import { openTill, sellOffline, syncTill } from './till.js';

const [directory, baseUrl, credential, tenantId, boutiqueId, deviceId, count] = process.argv.slice(2) as [string, string, string, string, string, string, string];
const db = await openTill(directory);
await sellOffline(db, { tenantId, boutiqueId, deviceId }, 'kill', Number(count));
process.stdout.write('sold\n');
const sync = syncTill(db, baseUrl, credential);
let most = 0;
const progress = sync.status$.subscribe(({ waiting }) => {
  most = Math.max(most, waiting);
  if (waiting < most) {
    process.stdout.write('pushing\n');
    progress.unsubscribe();
  }
});
await sync.awaitInSync();
process.stdout.write('synced\n');
await sync.stop();
await db.close();
