import type { MangoQuery, RxJsonSchema } from 'rxdb';

/** Seeded PRNG (mulberry32): the same seed gives both storages the same workload. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Item = {
  id: string;
  name: string;
  age: number;
  score: number;
  active: boolean;
  tags: string[];
  nested: { city: string; zip: number };
  note?: string;
};

export const itemSchema: RxJsonSchema<Item> = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 40 },
    name: { type: 'string', maxLength: 60 },
    age: { type: 'integer', minimum: 0, maximum: 150, multipleOf: 1 },
    score: { type: 'number', minimum: 0, maximum: 1000, multipleOf: 0.5 },
    active: { type: 'boolean' },
    tags: { type: 'array', items: { type: 'string' } },
    nested: { type: 'object', properties: { city: { type: 'string' }, zip: { type: 'integer' } } },
    note: { type: 'string' },
  },
  required: ['id', 'name', 'age', 'score', 'active', 'tags', 'nested'],
  indexes: ['name', ['age', 'score'], 'active'],
};

// Emoji (surrogate pairs) next to U+E000..U+FFFD: JavaScript and SQLite order these differently.
// Runs of spaces, a tab, a character just above the space, trailing spaces: RxDB pads strings with
// spaces, and our index keys leave the padding out (see index-keys.ts).
const NAMES = ['Aïssatou', 'Bah', 'Camara', 'Diallo', 'Éric', 'Fofana', 'Keïta', 'Sow', 'Touré', 'Condé', 'zeta', 'alpha', 'Jus 🍊', 'Jus \uFFFD', 'Jus \uE000', '🌾 Riz', '𝒜bdou', 'Bah  Sow', 'Bah\tSow', 'Bah!', 'Sow   '];
const CITIES = ['Conakry', 'Kindia', 'Labé', 'Kankan', 'Boké'];
const TAGS = ['vip', 'gros', 'nouveau', 'fidèle', 'crédit'];

export function makeItem(rand: () => number, id: string): Item {
  const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)]!;
  const item: Item = {
    id,
    name: `${pick(NAMES)} ${Math.floor(rand() * 50)}`,
    age: Math.floor(rand() * 100),
    score: Math.floor(rand() * 400) / 2,
    active: rand() < 0.5,
    tags: Array.from({ length: Math.floor(rand() * 3) }, () => pick(TAGS)),
    nested: { city: pick(CITIES), zip: Math.floor(rand() * 1000) },
  };
  if (rand() < 0.5) item.note = `note ${Math.floor(rand() * 10)}`;
  return item;
}

/** A random Mango query over every operator the storages must agree on. */
export function makeQuery(rand: () => number): MangoQuery<Item> {
  const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)]!;
  const conditions: Array<() => Record<string, unknown>> = [
    () => ({ age: { $eq: Math.floor(rand() * 100) } }),
    () => ({ age: { $ne: Math.floor(rand() * 100) } }),
    () => ({ age: { $gt: Math.floor(rand() * 100) } }),
    () => ({ age: { $gte: Math.floor(rand() * 100) } }),
    () => ({ score: { $lt: Math.floor(rand() * 200) } }),
    () => ({ score: { $lte: Math.floor(rand() * 200) } }),
    () => ({ age: { $gte: 20, $lt: 60 } }),
    () => ({ name: { $in: [`${pick(NAMES)} 1`, `${pick(NAMES)} 2`, `${pick(NAMES)} 3`] } }),
    () => ({ 'nested.city': { $nin: [pick(CITIES), pick(CITIES)] } }),
    () => ({ name: { $regex: `^${pick(NAMES).slice(0, 2)}` } }),
    // The till's search-as-you-type shape: a prefix range up to RxDB's INDEX_MAX character.
    () => {
      const prefix = pick(NAMES).slice(0, 1 + Math.floor(rand() * 4));
      return { name: { $gte: prefix, $lt: `${prefix}\uffff` } };
    },
    () => ({ name: { $gt: pick(NAMES) } }),
    () => ({ note: { $exists: rand() < 0.5 } }),
    () => ({ active: { $eq: rand() < 0.5 } }),
    () => ({ tags: { $in: [pick(TAGS)] } }),
    () => ({ 'nested.zip': { $gt: Math.floor(rand() * 1000) } }),
    () => ({ $or: [{ age: { $lt: 10 } }, { 'nested.city': pick(CITIES) }] }),
    () => ({ $and: [{ age: { $gt: 30 } }, { score: { $lte: 150 } }] }),
  ];
  const selector: Record<string, unknown> = {};
  const count = Math.floor(rand() * 3);
  for (let i = 0; i < count; i++) Object.assign(selector, pick(conditions)());
  const sorts: Array<Array<Record<string, 'asc' | 'desc'>>> = [
    [],
    [{ name: 'asc' }],
    [{ age: 'desc' }, { score: 'asc' }],
    [{ age: 'asc' }, { score: 'asc' }],
    [{ 'nested.city': 'asc' }, { age: 'desc' }],
    [{ score: 'desc' }],
  ];
  const query: MangoQuery<Item> = { selector: selector as never };
  const sort = pick(sorts);
  if (sort.length) query.sort = sort as never;
  if (rand() < 0.5) query.skip = Math.floor(rand() * 10);
  if (rand() < 0.6) query.limit = 1 + Math.floor(rand() * 30);
  // findOne's shape (a barcode scanned at the counter): one document, from the start.
  if (rand() < 0.15) {
    query.limit = 1;
    delete query.skip;
  }
  return query;
}
