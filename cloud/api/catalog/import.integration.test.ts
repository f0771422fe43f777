import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, startTestApi, type TestApi } from '../test-support.js';

const HEADER = 'sku;code_barres;nom;categorie;unite;prix_vente;prix_achat;tva;seuil_stock;actif';

/** A line of the file from the fields of the first format (barcode first), its SKU made from the barcode. */
const line = (barcode: string, name: string, category: string, unit: string, price: string, vat: string, active: string, extra: { cost?: string; low?: string; sku?: string } = {}) =>
  [extra.sku ?? `SKU-${barcode}`, barcode, name, category, unit, price, extra.cost ?? '', vat, extra.low ?? '', active].join(';');

type ImportLine =
  | { type: 'progress'; processed: number; total: number }
  | { type: 'result'; created: number; updated: number; unchanged: number; errorCount: number; errors: { line: number; reason: string }[] }
  | { type: 'error'; error: { code: string } };

describe('the catalogue as a CSV file: export, and import by SKU', () => {
  let api: TestApi;
  let tenant: string;
  let pdg: string;
  let employee: string;
  let otherPdg: string;
  let categoryNames: string[];

  /** Sends a file as the back office does and reads the answer: NDJSON lines, or an error body. */
  const importFile = async (body: string | Buffer, options: { token?: string; mode?: string; contentType?: string } = {}) => {
    const response = await fetch(`${api.url}/api/tenants/${tenant}/products/import${options.mode ? `?mode=${options.mode}` : ''}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.token ?? pdg}`, 'content-type': options.contentType ?? 'text/csv; charset=utf-8' },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
    const text = await response.text();
    if (response.status !== 200) return { status: response.status, error: JSON.parse(text).error as { code: string; message: string }, lines: [] as ImportLine[], result: null };
    const lines = text.trim().split('\n').map((line) => JSON.parse(line) as ImportLine);
    const result = lines.at(-1) as Extract<ImportLine, { type: 'result' }>;
    return { status: response.status, error: null, lines, result };
  };
  const exportFile = async (token = pdg) => {
    const response = await fetch(`${api.url}/api/tenants/${tenant}/products/export.csv`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, type: response.headers.get('content-type'), bytes: Buffer.from(await response.arrayBuffer()) };
  };
  const catalogueState = () =>
    api.services.databases.withTenant(tenant, async (tx) =>
      (await tx.query<{ count: number; seq: string | null }>(`SELECT count(*)::int AS count, max(seq)::text AS seq FROM products WHERE tenant_id = $1`, [tenant])).rows[0]!,
    );
  const rows = (count: number, from = 0, price = (i: number) => 500 + (i % 1000) * 25) =>
    Array.from({ length: count }, (_, k) => {
      const i = from + k;
      return line(String(3_100_000_000_000 + i), `Article importé n° ${i}`, categoryNames[i % categoryNames.length]!, i % 7 === 0 ? 'kg' : 'piece', String(price(i)), i % 3 === 0 ? '10' : '18', i % 50 === 0 ? 'non' : 'oui');
    });

  beforeAll(async () => {
    api = await startTestApi();
    tenant = api.demoTenantId;
    pdg = (await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password)).accessToken;
    employee = (await api.login(DEMO_USERS.employee.email, DEMO_USERS.employee.password)).accessToken;
    const admin = (await api.login(DEMO_USERS.admin.email, DEMO_USERS.admin.password)).accessToken;
    const other = await api.call('post', '/api/admin/tenants', {
      token: admin,
      body: { code: 'autre', name: 'Autre SARL', owner: { email: 'pdg@autre.gn', name: 'Awa Bah', password: 'AutrePass2026' } },
    });
    expect(other.status).toBe(201);
    otherPdg = (await api.login('pdg@autre.gn', 'AutrePass2026', 'autre')).accessToken;
    categoryNames = (await api.call('get', `/api/tenants/${tenant}/categories`, { token: pdg })).body.categories.map((c: { name: string }) => c.name);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('imports 100,000 lines with progress, and the same file again changes nothing', { timeout: 240_000 }, async () => {
    const file = `\uFEFF${HEADER}\r\n${rows(100_000).join('\r\n')}\r\n`;
    const before = await catalogueState();
    const first = await importFile(file);
    expect(first.status).toBe(200);
    const progress = first.lines.filter((line) => line.type === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(10);
    expect(progress.at(-1)).toEqual({ type: 'progress', processed: 100_000, total: 100_000 });
    expect(first.result).toMatchObject({ type: 'result', created: 100_000, updated: 0, unchanged: 0, errorCount: 0, errors: [] });
    const after = await catalogueState();
    expect(after.count).toBe(before.count + 100_000);

    // A product as the form would have made it, found by its barcode.
    const found = await api.call('get', `/api/tenants/${tenant}/products?q=3100000000042&status=all`, { token: pdg });
    expect(found.body.products[0]).toMatchObject({
      sku: 'SKU-3100000000042', barcodes: ['3100000000042'], name: 'Article importé n° 42', searchName: 'article importe n° 42', vatRateBp: 1000, unit: 'kg',
      priceMinor: 500 + 42 * 25, lowStockMilli: 0, boutiquePrices: [], costMinor: null, active: true,
    });

    const again = await importFile(file);
    expect(again.result).toMatchObject({ created: 0, updated: 0, unchanged: 100_000, errorCount: 0 });
    // No new change number: the tills have nothing to pull.
    expect(await catalogueState()).toEqual(after);
  });

  it('reports each bad line with its number and a French reason, and writes nothing', async () => {
    const c0 = categoryNames[0]!;
    const lines = [
      HEADER,
      line('3200000000001', 'Bon produit', c0, 'piece', '1000', '18', 'oui'),
      line('3200000000002', 'Prix faux', c0, 'piece', '12,50', '18', 'oui'),
      line('3200000000003', 'Catégorie inconnue', 'Rayon fantôme', 'piece', '1000', '18', 'oui'),
      line('3200000000004', 'Unité fausse', c0, 'carton', '1000', '18', 'oui'),
      line('3200000000001', 'Doublon de code', c0, 'piece', '1000', '18', 'oui', { sku: 'AUTRE-SKU' }),
      line('3200000000006', '', c0, 'piece', '1000', '18', 'oui'),
      line('32000 00000007', 'Espace', c0, 'piece', '1000', '18', 'oui'),
      `SKU-8;3200000000008;Trop court;${c0}`,
      line('3200000000009', 'Nul\u0000caché', c0, 'piece', '1000', '18', 'oui'),
      line('3200000000010', 'TVA folle', c0, 'piece', '1000', '250', 'oui'),
      line('3200000000011', 'Autre bon', categoryNames[1]!, 'l', '2000', '', '', { cost: '1 500', low: '2,5' }),
      line('3200000000012', 'Doublon de SKU', c0, 'piece', '1000', '18', 'oui', { sku: 'SKU-3200000000001' }),
      line('3200000000013', 'Coût faux', c0, 'piece', '1000', '18', 'oui', { cost: '-3' }),
      line('3200000000014', 'Seuil faux', c0, 'piece', '1000', '18', 'oui', { low: 'beaucoup' }),
      line('3200000000015|3200000000015', 'Code répété', c0, 'piece', '1000', '18', 'oui', { sku: 'SKU-15' }),
    ];
    const before = await catalogueState();
    const answer = await importFile(lines.join('\n'));
    expect(answer.status).toBe(200);
    expect(answer.result).toMatchObject({ created: 0, updated: 0, unchanged: 0, errorCount: 13 });
    expect(answer.result!.errors.map((e) => e.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16]);
    const reasons = answer.result!.errors.map((e) => e.reason);
    expect(reasons[0]).toMatch(/^prix_vente : montant entier attendu/);
    expect(reasons[1]).toBe('categorie : catégorie inconnue « Rayon fantôme » (créez-la d’abord)');
    expect(reasons[2]).toMatch(/^unite : piece, kg ou l attendu/);
    expect(reasons[3]).toBe('code_barres : « 3200000000001 » déjà présent à la ligne 2');
    expect(reasons[4]).toMatch(/^nom : Trop petit/);
    expect(reasons[5]).toBe('code_barres : code-barres sans espace');
    expect(reasons[6]).toBe('10 colonnes attendues, 4 trouvées');
    expect(reasons[7]).toBe('nom : caractère interdit (octet nul ou demi-caractère Unicode)');
    expect(reasons[8]).toMatch(/^tva : Trop grand/);
    expect(reasons[9]).toBe('sku : déjà présent à la ligne 2');
    expect(reasons[10]).toBe('prix_achat : montant entier attendu (unités mineures, sans décimales) « -3 »');
    expect(reasons[11]).toBe('seuil_stock : quantité attendue (5 ou 2,5) « beaucoup »');
    expect(reasons[12]).toBe('code_barres : code-barres en double');
    expect(await catalogueState()).toEqual(before);

    // valid-only: the two good lines are written, the same errors reported.
    const valid = await importFile(lines.join('\n'), { mode: 'valid-only' });
    expect(valid.result).toMatchObject({ created: 2, updated: 0, unchanged: 0, errorCount: 13 });
    const written = await api.call('get', `/api/tenants/${tenant}/products?q=3200000000011`, { token: pdg });
    expect(written.body.products[0]).toMatchObject({ name: 'Autre bon', unit: 'l', priceMinor: 2000, vatRateBp: 1800, active: true, costMinor: 1500, lowStockMilli: 2500 });
    expect((await catalogueState()).count).toBe(before.count + 2);
    const trail = await api.services.databases.withTenant(tenant, async (tx) =>
      (await tx.query<{ details: unknown }>(`SELECT details FROM audit_log WHERE tenant_id = $1 AND action = 'products.import' ORDER BY id DESC LIMIT 1`, [tenant])).rows,
    );
    expect(trail[0]!.details).toMatchObject({ mode: 'valid-only', created: 2, errorCount: 13 });
  });

  it('takes a comma-separated file without a byte order mark, categories by name in any case or accents', async () => {
    const file = `sku,code_barres,nom,categorie,unite,prix_vente,prix_achat,tva,seuil_stock,actif\nSUC-1,3600000000001,"Sucre, 1 kg",${categoryNames[0]!.toUpperCase()},piece,12 500,,"18,5",,NON\n`;
    const answer = await importFile(file);
    expect(answer.result).toMatchObject({ created: 1, errorCount: 0 });
    const found = await api.call('get', `/api/tenants/${tenant}/products?q=3600000000001&status=all`, { token: pdg });
    expect(found.body.products[0]).toMatchObject({ name: 'Sucre, 1 kg', priceMinor: 12_500, vatRateBp: 1850, active: false });
  });

  it('refuses hostile or unreadable files with a 4xx, never a 5xx', { timeout: 240_000 }, async () => {
    const good = `${HEADER}\n${line('3300000000001', 'Produit', categoryNames[0]!, 'piece', '1000', '18', 'oui')}\n`;
    const cases: Array<[string, string | Buffer, number, string, string?]> = [
      ['binary', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0xff, 0xfe, 0x00, 0x00, 0x9c, 0x80]), 400, 'CSV_NOT_TEXT'],
      ['lone surrogate (CESU bytes)', Buffer.concat([Buffer.from(`${HEADER}\nS;1;a`), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(';b;piece;1;;18;;oui\n')]), 400, 'CSV_NOT_TEXT'],
      ['latin-1 text', Buffer.from(`${HEADER}\nS;1;Café;b;piece;1;;18;;oui\n`, 'latin1'), 400, 'CSV_NOT_TEXT'],
      ['huge line', `${HEADER}\nS;1;${'x'.repeat(200_000)};b;piece;1;;18;;oui\n`, 400, 'CSV_MALFORMED'],
      ['huge header', 'y'.repeat(300_000), 400, 'CSV_MALFORMED'],
      ['unclosed quote', `${HEADER}\nS;1;"abc;b;piece;1;;18;;oui\n`, 400, 'CSV_MALFORMED'],
      ['first format header', 'code_barres;nom;categorie;unite;prix_vente;tva;actif\n1;a;b;piece;1;18;oui\n', 400, 'CSV_HEADER_INVALID'],
      ['unknown boutique column', `${HEADER};prix_XYZ\n`, 400, 'CSV_HEADER_INVALID'],
      ['wrong header', 'barcode;name;category\n1;a;b\n', 400, 'CSV_HEADER_INVALID'],
      ['empty', '', 400, 'CSV_EMPTY'],
      ['JSON', JSON.stringify({ products: [] }), 415, 'UNSUPPORTED_MEDIA_TYPE', 'application/json'],
      ['over 200,000 lines', `${HEADER}\n${rows(200_001, 500_000).join('\n')}\n`, 413, 'CSV_TOO_MANY_ROWS'],
      ['over 20 MB', `${HEADER}\n${'S;1;a;b;piece;1;;18;;oui\n'.repeat(1_000_000)}`, 413, 'CSV_TOO_LARGE'],
    ];
    for (const [label, body, status, code, contentType] of cases) {
      const answer = await importFile(body, { contentType });
      expect({ label, status: answer.status, code: answer.error?.code }).toEqual({ label, status, code });
      expect(answer.error!.message.length).toBeGreaterThan(0);
    }
    // The API is still there, and a good file goes through.
    expect((await importFile(good)).result).toMatchObject({ created: 1, errorCount: 0 });
  });

  it('lets only the catalogue’s managers of the company in', async () => {
    const file = `${HEADER}\n${line('3400000000001', 'Produit', categoryNames[0]!, 'piece', '1000', '18', 'oui')}\n`;
    expect((await importFile(file, { token: employee })).status).toBe(403);
    expect((await importFile(file, { token: otherPdg })).status).toBe(403);
    expect((await exportFile(otherPdg)).status).toBe(403);
    // An employee reads the catalogue (the till's own right), so may export it.
    expect((await exportFile(employee)).status).toBe(200);
  });

  it('exports the catalogue for French Excel, and importing the export changes nothing', { timeout: 240_000 }, async () => {
    const tricky = await api.call('post', `/api/tenants/${tenant}/products`, {
      token: pdg,
      body: { barcode: '3500000000001', name: 'Lait "Nido"; boîte 400 g, promo', categoryId: (await api.call('get', `/api/tenants/${tenant}/categories`, { token: pdg })).body.categories[0].id, unit: 'piece', priceMinor: 42_000, vatRateBp: 1850 },
    });
    expect(tricky.status).toBe(201);
    // A name a spreadsheet would run as a formula goes out as text and comes back as it was.
    const formula = await api.call('post', `/api/tenants/${tenant}/products`, {
      token: pdg,
      body: { barcode: '3500000000002', name: '=HYPERLINK("http://x.example","Riz")', categoryId: tricky.body.product.categoryId, unit: 'piece', priceMinor: 1_000 },
    });
    expect(formula.status).toBe(201);
    const exported = await exportFile();
    expect(exported.status).toBe(200);
    expect(exported.type).toBe('text/csv; charset=utf-8');
    const text = exported.bytes.toString('utf8');
    expect(text.startsWith(`\uFEFF${HEADER};prix_KAL;prix_RAT\r\n`)).toBe(true);
    expect(text).toContain('3500000000001;3500000000001;"Lait ""Nido""; boîte 400 g, promo";');
    expect(text).toContain(';piece;42000;;18,5;0;oui;;\r\n');
    expect(text).toContain(`3500000000002;"'=HYPERLINK(""http://x.example"",""Riz"")";`);
    const state = await catalogueState();
    expect(text.trim().split('\r\n').length - 1).toBe(state.count);

    const back = await importFile(exported.bytes);
    expect(back.result).toMatchObject({ created: 0, updated: 0, unchanged: state.count, errorCount: 0 });
    expect(await catalogueState()).toEqual(state);
  });

  it('upserts by SKU: several barcodes, cost, threshold and boutique prices; a code of another product is that line’s error', async () => {
    const c0 = categoryNames[0]!;
    const header = `${HEADER};prix_RAT`;
    const first = [
      header,
      `RIZ-25;3700000000001|3700000000002;Riz 25 kg;${c0};piece;260 000;195 000;18;5;oui;275000`,
      `RIZ-5;3700000000003;Riz 5 kg;${c0};piece;55000;;18;;oui;`,
    ].join('\r\n');
    const created = await importFile(first);
    expect(created.result, JSON.stringify(created)).toMatchObject({ created: 2, updated: 0, unchanged: 0, errorCount: 0 });
    const riz = (await api.call('get', `/api/tenants/${tenant}/products?q=3700000000002`, { token: pdg })).body.products[0];
    const ratoma = (await api.call('get', `/api/tenants/${tenant}/boutiques`, { token: pdg })).body.boutiques.find((b: { code: string }) => b.code === 'RAT').id;
    expect(riz).toMatchObject({
      sku: 'RIZ-25', barcode: '3700000000001', barcodes: ['3700000000001', '3700000000002'], priceMinor: 260_000, costMinor: 195_000, lowStockMilli: 5_000,
      boutiquePrices: [{ boutiqueId: ratoma, priceMinor: 275_000 }],
    });
    // The same file again: nothing changes, not even a change number.
    const state = await catalogueState();
    expect((await importFile(first)).result).toMatchObject({ created: 0, updated: 0, unchanged: 2, errorCount: 0 });
    expect(await catalogueState()).toEqual(state);

    // The SKU decides which product a line is: new codes, price and cost, the Ratoma price taken back.
    const second = [header, `RIZ-25;3700000000004|3700000000001;Riz parfumé 25 kg;${c0};piece;265000;198000;18;5;oui;`].join('\r\n');
    expect((await importFile(second)).result).toMatchObject({ created: 0, updated: 1, unchanged: 0, errorCount: 0 });
    const updated = (await api.call('get', `/api/tenants/${tenant}/products/${riz.id}`, { token: pdg })).body.product;
    expect(updated).toMatchObject({ id: riz.id, barcode: '3700000000004', barcodes: ['3700000000004', '3700000000001'], name: 'Riz parfumé 25 kg', costMinor: 198_000, boutiquePrices: [] });
    // A cost alone is an update that leaves the synced document (and its change number) alone.
    const beforeCost = await catalogueState();
    const costOnly = await importFile([header, `RIZ-25;3700000000004|3700000000001;Riz parfumé 25 kg;${c0};piece;265000;199000;18;5;oui;`].join('\r\n'));
    expect(costOnly.result).toMatchObject({ updated: 1 });
    expect(await catalogueState()).toEqual(beforeCost);
    expect((await api.call('get', `/api/tenants/${tenant}/products/${riz.id}`, { token: pdg })).body.product.costMinor).toBe(199_000);

    // Another SKU claiming one of its codes: that line's error, with the holder named; nothing
    // written in all-or-nothing mode, the good lines in valid-only mode.
    const before = await catalogueState();
    const clash = [
      HEADER,
      `RIZ-1;3700000000010;Riz 1 kg;${c0};piece;12000;;18;;oui`,
      `RIZ-50;3700000000001;Riz 50 kg;${c0};piece;500000;;18;;oui`,
    ].join('\n');
    const refused = await importFile(clash);
    expect(refused.result).toMatchObject({ created: 0, updated: 0, unchanged: 0, errorCount: 1 });
    expect(refused.result!.errors).toEqual([{ line: 3, reason: 'code_barres : « 3700000000001 » est déjà celui du produit « Riz parfumé 25 kg » (sku « RIZ-25 »)' }]);
    expect(await catalogueState()).toEqual(before);
    const partly = await importFile(clash, { mode: 'valid-only' });
    expect(partly.result).toMatchObject({ created: 1, errorCount: 1 });
    expect((await catalogueState()).count).toBe(before.count + 1);
  });

  it('lets a dg import and export the prices of their own boutique only', async () => {
    const dg = (await api.login(DEMO_USERS.dg.email, DEMO_USERS.dg.password)).accessToken;
    const exported = await exportFile(dg);
    expect(exported.bytes.toString('utf8').split('\r\n', 1)[0]).toBe(`\uFEFF${HEADER};prix_KAL`);
    const refused = await importFile(`${HEADER};prix_RAT\r\n`, { token: dg });
    expect(refused).toMatchObject({ status: 400, error: { code: 'CSV_HEADER_INVALID' } });
    const mine = await importFile(`${HEADER};prix_KAL\r\nDG-1;3800000000001;Produit du dg;${categoryNames[0]};piece;1000;750;18;;oui;1200\r\n`, { token: dg });
    expect(mine.result).toMatchObject({ created: 1, errorCount: 0 });
    // What the company pays is for its managers: an employee's export leaves the column empty
    // (and has every boutique's price column: only a dg's file is bounded to their boutiques).
    expect((await exportFile(dg)).bytes.toString('utf8')).toMatch(/\r\nDG-1;3800000000001;Produit du dg;[^;]*;piece;1000;750;18;0;oui;1200\r\n/);
    expect((await exportFile(employee)).bytes.toString('utf8')).toMatch(/\r\nDG-1;3800000000001;Produit du dg;[^;]*;piece;1000;;18;0;oui;1200;\r\n/);
  });

  it('documents both routes in the OpenAPI document', async () => {
    const doc = (await api.call('get', '/api/openapi.json')).body;
    expect(Object.keys(doc.paths['/api/tenants/{tenantId}/products/export.csv'].get.responses['200'].content)).toEqual(['text/csv']);
    expect(Object.keys(doc.paths['/api/tenants/{tenantId}/products/import'].post.requestBody.content)).toEqual(['text/csv']);
  });
});
