import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { AppError } from '../http/errors.js';

/**
 * The columns of the catalogue file, in French as the managers read them in Excel. The SKU comes
 * first: it is the key an import matches products on. After them, one `prix_<CODE>` column per
 * boutique that may sell at its own price (BOUTIQUE_PRICE_PREFIX).
 */
export const CSV_COLUMNS = ['sku', 'code_barres', 'nom', 'categorie', 'unite', 'prix_vente', 'prix_achat', 'tva', 'seuil_stock', 'actif'] as const;

export const BOUTIQUE_PRICE_PREFIX = 'prix_';

/** Several barcodes of one product in one cell, the main one first: `6111…|2900…`. */
export const BARCODE_SEPARATOR = '|';

/**
 * The boutique codes of a header's price columns, in their order, or a 400 naming what was
 * expected: our columns first, then `prix_<CODE>` columns of known boutiques, each once.
 */
export function boutiqueColumnsOf(names: string[], boutiqueCodes: readonly string[]): string[] {
  const known = new Set(boutiqueCodes.map((code) => code.toUpperCase()));
  const extra = names.slice(CSV_COLUMNS.length).map((name) => (name.startsWith(BOUTIQUE_PRICE_PREFIX) ? name.slice(BOUTIQUE_PRICE_PREFIX.length).toUpperCase() : ''));
  const fits =
    names.length >= CSV_COLUMNS.length &&
    CSV_COLUMNS.every((name, i) => names[i] === name) &&
    extra.every((code) => known.has(code)) &&
    new Set(extra).size === extra.length;
  if (!fits) {
    const expected = [...CSV_COLUMNS, ...boutiqueCodes.map((code) => `${BOUTIQUE_PRICE_PREFIX}${code}`)];
    throw new AppError(400, 'CSV_HEADER_INVALID', { expected, found: names.slice(0, 20).map((name) => name.slice(0, 100)) }, { expected: expected.join(';') });
  }
  return extra;
}

/** A quantity in milli-units as a French sheet writes it: 5000 → "5", 2500 → "2,5". */
export function formatQuantity(milli: number): string {
  return String(milli / 1000).replace('.', ',');
}

/** A quantity written by hand or by Excel ("5", "2,5", "1 000", "0.250") in milli-units, or null. */
export function parseQuantity(value: string): number | null {
  const match = /^(\d{1,12})(?:[.,](\d{1,3}))?$/.exec(value.trim().replace(/[\s\u00a0\u202f]/g, ''));
  if (!match) return null;
  return Number(match[1]) * 1000 + Number((match[2] ?? '').padEnd(3, '0'));
}

/** A file a manager sends: bounded so one upload cannot hold a process's memory or a transaction for minutes. */
export const CSV_LIMITS = { bytes: 20 * 1024 * 1024, rows: 200_000, recordChars: 16 * 1024 } as const;

/** Excel opens a file as UTF-8 only when it starts with this mark; without it, accents break. */
export const BOM = '\uFEFF';

// French Excel separates with `;` (the comma is the decimal separator there).
const SEPARATOR = ';';

/**
 * A text that a spreadsheet would run as a formula (`=HYPERLINK(…)` as a product name, typed by
 * anyone allowed to name products) is written behind an apostrophe, which Excel and LibreOffice
 * show as text; reading takes the apostrophe off again, so an export imports back unchanged.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const ESCAPED_FORMULA = /^'(?=[=+\-@\t\r])/;

/** One field as Excel reads it back: quoted when it holds the separator, a quote, a line break or edge spaces. */
function field(raw: string): string {
  const value = FORMULA_START.test(raw) ? `'${raw}` : raw;
  return /[;"\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvLine(values: readonly string[]): string {
  return `${values.map(field).join(SEPARATOR)}\r\n`;
}

/** VAT as a percentage with a decimal comma, as a French sheet writes it: 1800 → "18", 1850 → "18,5". */
export function formatVat(vatRateBp: number): string {
  return String(vatRateBp / 100).replace('.', ',');
}

/** A percentage written by hand or by Excel ("18", "18,5", "18.5", "18 %") in basis points, or null. */
export function parseVat(value: string): number | null {
  const match = /^(\d{1,3})(?:[.,](\d{1,2}))?\s*%?$/.exec(value.trim());
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/**
 * A price in minor units: digits, possibly grouped by spaces as French sheets print thousands
 * ("15 000", with a plain, no-break or narrow no-break space). Decimals are refused rather than
 * rounded: GNF and XOF have none, and a silent rounding would change a price.
 */
export function parsePrice(value: string): number | null {
  const digits = value.trim().replace(/[\s\u00a0\u202f]/g, '');
  return /^\d{1,16}$/.test(digits) ? Number(digits) : null;
}

export function formatActive(active: boolean): string {
  return active ? 'oui' : 'non';
}

export function parseActive(value: string): boolean | null {
  const word = value.trim().toLowerCase();
  if (['oui', 'o', '1', 'vrai', 'true', 'yes'].includes(word)) return true;
  if (['non', 'n', '0', 'faux', 'false', 'no'].includes(word)) return false;
  return null;
}

/** A data line of the file: its number in the file (the header is line 1) and its fields. */
export type CsvRecord = { line: number; fields: string[] };

/**
 * The request body as text, chunk by chunk: strict UTF-8 (a binary file or another encoding is
 * refused as a whole, and a lone surrogate cannot come out of a strict decoder), within the size
 * limit, without the byte order mark.
 */
async function* utf8Text(body: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytes = 0;
  let first = true;
  for await (const chunk of body) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    bytes += buffer.length;
    if (bytes > CSV_LIMITS.bytes) throw new AppError(413, 'CSV_TOO_LARGE', undefined, { max: CSV_LIMITS.bytes / 1024 / 1024 });
    let text: string;
    try {
      text = decoder.decode(buffer, { stream: true });
    } catch {
      throw new AppError(400, 'CSV_NOT_TEXT');
    }
    if (first && text.length > 0) {
      if (text.startsWith(BOM)) text = text.slice(1);
      first = false;
    }
    if (text.length > 0) yield text;
  }
  try {
    const rest = decoder.decode();
    if (rest.length > 0) yield rest;
  } catch {
    throw new AppError(400, 'CSV_NOT_TEXT');
  }
}

/**
 * The separator the file uses, from its header line: `;` (French Excel) or `,` (elsewhere).
 * Taken from the header only, so a comma inside a name of a `;` file stays part of the name.
 */
function separatorOf(headerLine: string): ';' | ',' {
  return headerLine.includes(';') ? ';' : ',';
}

/**
 * Reads a catalogue file as it arrives, one record at a time, through csv-parse (RFC 4180:
 * quoted fields, doubled quotes, line breaks inside quotes). `checkHeader` judges the header;
 * what makes the whole file unreadable (not text, no header, a broken quote, a record past the
 * size limit, too many lines) is thrown as a 4xx. A line with the wrong number of fields is
 * handed on: it is that line's error, not the file's.
 */
export async function* readCatalogueCsv(body: AsyncIterable<Buffer | string>, checkHeader: (names: string[]) => void): AsyncGenerator<CsvRecord> {
  const text = utf8Text(body);
  // The text up to the end of the header line decides the separator; what was read is replayed.
  let head = '';
  let done = false;
  while (!/[\r\n]/.test(head) && head.length <= CSV_LIMITS.recordChars) {
    const next = await text.next();
    if (next.done) {
      done = true;
      break;
    }
    head += next.value;
  }
  if (head.trim() === '') throw new AppError(400, 'CSV_EMPTY');
  const delimiter = separatorOf(head.split(/[\r\n]/, 1)[0]!);
  async function* replay(): AsyncGenerator<string> {
    yield head;
    if (!done) yield* text;
  }
  const parser = parse({
    delimiter,
    // Lines joined by hand from several sources mix Windows and Unix endings.
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: CSV_LIMITS.recordChars,
    info: true,
  });
  // The parser is fed from the body as a stream: the body is only read on as records are used.
  // A failure of the feed (text, size) reaches the loop through the parser, which it destroys.
  const feeding = pipeline(Readable.from(replay()), parser);
  feeding.catch(() => undefined);
  let header = true;
  let rows = 0;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (header) {
        header = false;
        checkHeader(item.record.map((name) => name.trim().toLowerCase()));
        continue;
      }
      if (++rows > CSV_LIMITS.rows) throw new AppError(413, 'CSV_TOO_MANY_ROWS', undefined, { max: CSV_LIMITS.rows });
      // The parser counts lines up to the record's end; a quoted field may span several.
      const inner = item.record.reduce((count, value) => count + (value.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
      yield { line: item.info.lines - inner, fields: item.record.map((value) => value.replace(ESCAPED_FORMULA, '')) };
    }
  } catch (error) {
    throw asFileError(error);
  }
  if (header) throw new AppError(400, 'CSV_EMPTY');
}

/** csv-parse's refusals become the caller's 400, in French, with the line. */
function asFileError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  if (error instanceof CsvError) {
    const line = (error as CsvError & { lines?: number }).lines ?? 0;
    const reason =
      error.code === 'CSV_MAX_RECORD_SIZE'
        ? `ligne de plus de ${CSV_LIMITS.recordChars.toLocaleString('fr-FR')} caractères`
        : error.code === 'CSV_QUOTE_NOT_CLOSED'
          ? 'guillemet ouvert jamais fermé'
          : 'guillemets mal placés';
    return new AppError(400, 'CSV_MALFORMED', { line, code: error.code }, { line, reason });
  }
  return error;
}
