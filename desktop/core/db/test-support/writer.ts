/**
 * Child process of the durability test: inserts documents one by one and prints each id once
 * RxDB has acknowledged the write. The parent kills it with SIGKILL at a random moment.
 */
import { createRxDatabase } from 'rxdb';
import { getRxStorageSQLite } from '../index.js';
import { itemSchema } from './random-workload.js';

const directory = process.argv[2]!;
const db = await createRxDatabase({ name: 'durable', storage: getRxStorageSQLite({ directory }), multiInstance: false });
const { items } = await db.addCollections({ items: { schema: itemSchema } });
for (let i = 0; ; i++) {
  const id = `doc-${String(i).padStart(6, '0')}`;
  await items!.insert({ id, name: `n${i}`, age: i % 100, score: 1, active: true, tags: [], nested: { city: 'Conakry', zip: i } });
  process.stdout.write(`${id}\n`);
}
