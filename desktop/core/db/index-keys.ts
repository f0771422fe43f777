import { getIndexMeta, getStartIndexStringFromLowerBound, getStartIndexStringFromUpperBound, type RxJsonSchema } from 'rxdb';

/**
 * The keys our SQLite indexes hold: RxDB's order, in fewer bytes.
 *
 * RxDB orders documents by an "indexable string": each indexed field padded to its schema's
 * maxLength (strings with spaces, numbers with zeros), the parts put end to end. Stored as they
 * are, a product's four keys take about 600 bytes, mostly spaces, written twice (column and
 * index): most of what a till writes when it takes the catalogue. We store, for each string
 * part, the text without its padding and an end mark, encoded so that SQLite's byte order of our
 * keys is exactly RxDB's order of its padded strings; numbers and booleans stay as RxDB makes
 * them (fixed width, digits only). Any RxDB bound (start and end keys of a query plan) is encoded
 * the same way, so range scans return what they would on padded strings.
 *
 * A padded string compares as if its text went on with spaces forever. So in our text a run of
 * spaces counts for nothing at the end, and inside it says which way the comparison goes: a
 * string that ends sorts after one that goes on with a character below the space (tab, control
 * characters, the \x00 RxDB fills its lowest bounds with) and before one that goes on with
 * anything above it. Characters above the space are copied (those from U+D800 up shifted, see
 * compactString); the rest becomes a token, each starting with a code below every copied
 * character:
 *
 *   \x01 <0x21 + spaces> <0x21 + c>   spaces (maybe none) then a character c below the space
 *   \x02                               the end of the part
 *   \x03 <RUN_TOP - spaces>            one or more spaces, then a character above the space
 *
 * Two keys first differ in a token of the same kind (compared as their padded texts would be: a
 * longer run loses to a character above the space and wins over one below) or in tokens of two
 * kinds, ordered \x01 < \x02 < \x03 < copied characters as their padded texts are; and since no
 * part's encoding is the beginning of another's, the next field's part never takes part in a
 * comparison the first has decided. index-keys.test.ts checks this against RxDB's strings.
 */

const BELOW_SPACE = '\x01';
const END = '\x02';
const SPACES_THEN_ABOVE = '\x03';
/** Runs of spaces are counted in one UTF-16 unit, below the surrogates. */
const RUN_TOP = 0xd7ff;
const MAX_RUN = 0xd000;
/** Characters that are not copied as they are: the space and below, and from U+D800 up. */
const NOT_COPIED = /[\x00-\x20\uD800-\uFFFF]/;

/**
 * One string field's part of a key: `value` as RxDB would pad it, in our encoding.
 *
 * Also, RxDB compares JavaScript strings, by UTF-16 code unit; SQLite compares UTF-8 bytes, i.e.
 * by code point. The two disagree only between surrogates (emoji, U+10000 and up) and
 * U+E000..U+FFFF, which includes RxDB's INDEX_MAX bound (U+FFFF): left as is, '🍊' would sort
 * after the bound and fall out of range scans. So every code unit from U+D800 up is shifted by
 * 0x800 (to U+E000..U+107FF), which puts code point order back in code unit order; Latin text,
 * digits and our tokens never reach U+D800 and pass through untouched.
 */
export function compactString(value: string): string {
  if (!NOT_COPIED.test(value)) return value + END;
  let out = '';
  let spaces = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit === 0x20) {
      if (++spaces >= MAX_RUN) throw new Error(`index value with a run of ${MAX_RUN} spaces or more`);
      continue;
    }
    if (unit < 0x20) {
      out += BELOW_SPACE + String.fromCharCode(0x21 + spaces) + String.fromCharCode(0x21 + unit);
      spaces = 0;
      continue;
    }
    if (spaces > 0) out += SPACES_THEN_ABOVE + String.fromCharCode(RUN_TOP - spaces);
    spaces = 0;
    out += unit < 0xd800 ? value[i] : String.fromCodePoint(unit + 0x800);
  }
  // Spaces at the end are RxDB's padding, or count as if they were.
  return out + END;
}

export type IndexKeys = {
  /** The key of a document. */
  ofDocument(doc: unknown): string;
  /** The key of a query plan's start keys (RxDB's lower bound). */
  lowerBound(startKeys: unknown[]): string;
  /** The key of a query plan's end keys (RxDB's upper bound). */
  upperBound(endKeys: unknown[]): string;
};

type Bound = Parameters<typeof getStartIndexStringFromLowerBound>[2][number];

/** Keys of one index (its fields, in order) of a filled RxDB schema. */
export function indexKeys(schema: RxJsonSchema<unknown>, fields: string[]): IndexKeys {
  const meta = getIndexMeta(schema as never, fields);
  const isString = meta.map((field) => field.schemaPart.type === 'string');
  const parts = meta.map((field, i) => {
    if (!isString[i]) return field.getIndexStringPart as (doc: unknown) => string;
    const value = field.getValue as (doc: unknown) => unknown;
    return (doc: unknown) => compactString(String(value(doc) || ''));
  });
  const bound = (rxdbPart: typeof getStartIndexStringFromLowerBound) => (keys: unknown[]) => {
    let key = '';
    for (let i = 0; i < fields.length; i++) {
      const part = rxdbPart(schema, [fields[i]!], [keys[i] as Bound]);
      key += isString[i] ? compactString(part) : part;
    }
    return key;
  };
  return {
    ofDocument(doc) {
      let key = '';
      for (let i = 0; i < parts.length; i++) key += parts[i]!(doc);
      return key;
    },
    lowerBound: bound(getStartIndexStringFromLowerBound),
    upperBound: bound(getStartIndexStringFromUpperBound),
  };
}
