import { fillWithDefaultSettings, getIndexableStringMonad, getStartIndexStringFromLowerBound, getStartIndexStringFromUpperBound, INDEX_MAX, INDEX_MIN, type RxJsonSchema } from 'rxdb';
import { describe, expect, it } from 'vitest';
import { compactString, indexKeys } from './index-keys.js';
import { random } from './test-support/random-workload.js';

type Doc = { id: string; name: string; age: number; active: boolean };

const schema = fillWithDefaultSettings({
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 12 },
    name: { type: 'string', maxLength: 10 },
    age: { type: 'integer', minimum: 0, maximum: 150, multipleOf: 1 },
    active: { type: 'boolean' },
  },
  required: ['id', 'name', 'age', 'active'],
} as RxJsonSchema<Doc>) as RxJsonSchema<unknown>;

const FIELDS = ['name', 'active', 'age', 'id'];
// Spaces inside and at the end, characters just below and above the space, RxDB's \x00 and
// U+FFFF bound characters, and text SQLite orders differently from JavaScript (surrogates).
const ALPHABET = [' ', ' ', ' ', '\t', '\x00', '\x1f', '!', 'a', 'b', '~', 'é', '\uE000', '\uFFFD', '\uFFFF', '🍊'];

function randomText(rand: () => number, maxUnits: number): string {
  let text = '';
  const length = Math.floor(rand() * 7);
  for (let i = 0; i < length; i++) {
    const next = ALPHABET[Math.floor(rand() * ALPHABET.length)]!;
    if (text.length + next.length <= maxUnits) text += next;
  }
  return text;
}

/** RxDB's order: JavaScript's comparison of its padded strings. */
const rxdbOrder = (a: string, b: string) => Math.sign(a < b ? -1 : a > b ? 1 : 0);
/** SQLite's order of TEXT (BINARY collation): the UTF-8 bytes. */
const sqliteOrder = (a: string, b: string) => Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));

describe('index keys', () => {
  it('order documents and query bounds in SQLite exactly as RxDB orders its padded strings', () => {
    const rand = random(7);
    const padded = getIndexableStringMonad(schema as never, FIELDS) as (doc: unknown) => string;
    const keys = indexKeys(schema, FIELDS);
    const entries: Array<{ rxdb: string; ours: string; what: string }> = [];
    for (let i = 0; i < 400; i++) {
      const doc = { id: `d${randomText(rand, 10)}x`, name: randomText(rand, 10), age: Math.floor(rand() * 3) * 50, active: rand() < 0.5 };
      entries.push({ rxdb: padded(doc), ours: keys.ofDocument(doc), what: JSON.stringify(doc) });
    }
    // Bounds as RxDB's query planner makes them: values, its lowest and highest, on every field.
    const boundValue = () => {
      const roll = rand();
      return roll < 0.15 ? INDEX_MIN : roll < 0.3 ? INDEX_MAX : null;
    };
    for (let i = 0; i < 200; i++) {
      const bound = [boundValue() ?? randomText(rand, 10), boundValue() ?? rand() < 0.5, boundValue() ?? Math.floor(rand() * 150), boundValue() ?? `d${randomText(rand, 10)}`];
      const lower = getStartIndexStringFromLowerBound(schema, FIELDS, bound as never);
      const upper = getStartIndexStringFromUpperBound(schema, FIELDS, bound as never);
      entries.push({ rxdb: lower, ours: keys.lowerBound(bound), what: `lower ${JSON.stringify(bound)}` });
      entries.push({ rxdb: upper, ours: keys.upperBound(bound), what: `upper ${JSON.stringify(bound)}` });
    }
    let compared = 0;
    for (const a of entries) {
      for (const b of entries) {
        if (rxdbOrder(a.rxdb, b.rxdb) !== sqliteOrder(a.ours, b.ours)) {
          expect.fail(`${a.what} vs ${b.what}: RxDB ${rxdbOrder(a.rxdb, b.rxdb)}, ours ${sqliteOrder(a.ours, b.ours)}`);
        }
        compared++;
      }
    }
    expect(compared).toBe(800 * 800);
  });

  it('store a field without its padding: an ordinary value costs one byte more than its text', () => {
    expect(compactString('3000000000001')).toBe('3000000000001\x02');
    expect(compactString('riz parfume   ')).toBe(compactString('riz parfume'));
    expect(compactString('riz parfume').length).toBeLessThan(15);
    const keys = indexKeys(schema, FIELDS);
    expect(keys.ofDocument({ id: 'abc', name: 'riz', age: 7, active: true }).length).toBeLessThan(getIndexableStringMonad(schema as never, FIELDS)({ id: 'abc', name: 'riz', age: 7, active: true } as never).length);
  });
});
