import PDFDocument from 'pdfkit';
import type { PrintableDocument, Receipt, ZReportDocument } from './receipts.js';

/** What a document is made of once laid out: the HTML and the PDF draw the same blocks. */
type Block =
  | { t: 'title'; text: string }
  | { t: 'center'; text: string; bold?: boolean }
  | { t: 'text'; text: string; bold?: boolean }
  | { t: 'row'; left: string; right: string; bold?: boolean; indent?: boolean }
  | { t: 'rule' };

const row = (left: string, right: string, extra: { bold?: boolean; indent?: boolean } = {}): Block => ({ t: 'row', left, right, ...extra });
const RULE: Block = { t: 'rule' };

function header(doc: PrintableDocument): Block[] {
  const { shop, labels } = doc;
  return [
    { t: 'title', text: shop.name },
    ...(shop.address ? [{ t: 'center', text: shop.address } as const] : []),
    ...(shop.phone ? [{ t: 'center', text: `${labels.phone} ${shop.phone}` } as const] : []),
    ...(shop.taxId ? [{ t: 'center', text: `${labels.taxId} : ${shop.taxId}` } as const] : []),
    RULE,
    { t: 'center', text: doc.title, bold: true },
  ];
}

function receiptBlocks(r: Receipt): Block[] {
  const l = r.labels;
  const blocks: Block[] = [
    ...header(r),
    row(l.number, r.number),
    ...(r.reference ? [row(l.reference, r.reference)] : []),
    row(l.date, r.date),
    row(l.cashier, r.cashier),
    RULE,
  ];
  for (const line of r.lines) {
    blocks.push({ t: 'text', text: line.name }, row(`${line.quantity} × ${line.unitPrice}`, line.gross, { indent: true }));
    if (line.discount) blocks.push(row(l.lineDiscount, line.discount, { indent: true }));
  }
  blocks.push(RULE);
  if (r.discount) blocks.push(row(l.subtotal, r.subtotal), row(l.discount, r.discount));
  blocks.push(row(r.kind === 'return' ? l.refundTotal : l.total, r.total, { bold: true }));
  for (const vat of r.vat) blocks.push(row(`${l.vat} ${vat.rate} ${l.vatIncluded} (${l.vatBase} ${vat.base})`, vat.amount, { indent: true }));
  blocks.push(RULE, { t: 'text', text: r.kind === 'return' ? l.refund : l.payment, bold: true });
  for (const tender of r.tenders) blocks.push(row(tender.label, tender.amount));
  if (r.change) blocks.push(row(l.change, r.change, { bold: true }));
  if (r.reason) blocks.push(RULE, { t: 'text', text: `${l.reason} : ${r.reason}` });
  if (r.footer) blocks.push(RULE, { t: 'center', text: r.footer });
  return blocks;
}

function zReportBlocks(z: ZReportDocument): Block[] {
  const l = z.labels;
  const blocks: Block[] = [
    ...header(z),
    row(l.till, z.till),
    row(l.openedAt, `${z.opened.at} ${l.by} ${z.opened.by}`),
    ...(z.closed ? [row(l.closedAt, `${z.closed.at} ${l.by} ${z.closed.by}`)] : []),
    RULE,
    row(l.float, z.float),
    row(l.cashIn, z.cashIn),
    row(l.cashOut, z.cashOut),
  ];
  if (z.moves.length) {
    blocks.push({ t: 'text', text: l.moves, bold: true });
    for (const move of z.moves) blocks.push(row(`${move.at} ${move.label} – ${move.reason}`, move.amount, { indent: true }));
  }
  for (const m of z.methods) {
    blocks.push(RULE, { t: 'text', text: m.label, bold: true }, row(l.sales, m.sales, { indent: true }), row(l.refunds, m.refunds, { indent: true }), row(l.expected, m.expected, { indent: true }));
    blocks.push(row(l.counted, m.counted ?? l.notCounted, { indent: true }));
    if (m.difference !== null) blocks.push(row(l.difference, m.difference, { indent: true, bold: true }));
  }
  blocks.push(
    RULE,
    { t: 'text', text: l.totals, bold: true },
    row(l.salesCount, String(z.salesCount)),
    row(l.returnsCount, String(z.returnsCount)),
    row(l.gross, z.totals.gross),
    row(l.discount, z.totals.discount),
    row(l.vatNet, z.totals.vat),
    row(l.net, z.totals.net, { bold: true }),
  );
  if (z.difference !== null) blocks.push(RULE, row(l.difference, z.difference, { bold: true }));
  blocks.push(RULE, { t: 'center', text: `${l.session} ${z.sessionId}` });
  return blocks;
}

const layout = (doc: PrintableDocument): Block[] => (doc.kind === 'z-report' ? zReportBlocks(doc) : receiptBlocks(doc));

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `.afg-doc{font:13px/1.35 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#000;background:#fff;width:80mm;max-width:100%;box-sizing:border-box;padding:4mm;margin:0 auto}
.afg-doc h1{font-size:16px;margin:0 0 2px;text-align:center}
.afg-doc p{margin:2px 0;overflow-wrap:anywhere}
.afg-doc .c{text-align:center}
.afg-doc .b{font-weight:700}
.afg-doc .r{display:flex;justify-content:space-between;gap:8px;margin:1px 0}
.afg-doc .r>span:last-child{white-space:nowrap;text-align:right}
.afg-doc .i{padding-left:10px}
.afg-doc hr{border:0;border-top:1px dashed #000;margin:6px 0}
@media print{@page{size:80mm auto;margin:0}.afg-doc{padding:2mm}}`;

/**
 * A self-contained fragment (its style inside, no script, every text escaped) for the screen and
 * for the browser's print; 80 mm wide like the paper.
 */
export function renderHtml(doc: PrintableDocument): string {
  const parts = layout(doc).map((b) => {
    switch (b.t) {
      case 'title': return `<h1>${escapeHtml(b.text)}</h1>`;
      case 'center': return `<p class="c${b.bold ? ' b' : ''}">${escapeHtml(b.text)}</p>`;
      case 'text': return `<p${b.bold ? ' class="b"' : ''}>${escapeHtml(b.text)}</p>`;
      case 'rule': return '<hr>';
      case 'row': return `<div class="r${b.bold ? ' b' : ''}${b.indent ? ' i' : ''}"><span>${escapeHtml(b.left)}</span><span>${escapeHtml(b.right)}</span></div>`;
    }
  });
  return `<div class="afg-doc afg-${doc.kind}" lang="${doc.locale}"><style>${STYLE}</style>${parts.join('')}</div>`;
}

// ---------------------------------------------------------------------------------------------
// PDF: 80 mm roll paper, one page as long as the document.
// ---------------------------------------------------------------------------------------------
const MM = 72 / 25.4;
const WIDTH = 80 * MM;
const MARGIN = 4 * MM;
const CONTENT = WIDTH - 2 * MARGIN;
const SIZE = 8;

// The standard PDF fonts speak WinAnsi (Latin-1 and a few more): French and English text fits;
// anything else loses its accents, or becomes '?', rather than printing garbage.
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
function pdfText(text: string): string {
  const spaced = text.replace(/[\u00a0\u202f\u2009]/g, ' ').replace(/\u2212/g, '-');
  let out = '';
  for (const ch of spaced) {
    const code = ch.codePointAt(0)!;
    if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(ch)) out += ch;
    else {
      const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
      out += base && [...base].every((c) => c.codePointAt(0)! < 0x7f) ? base : '?';
    }
  }
  return out;
}

/** Draws the blocks from the top; answers where the text ended. */
function draw(pdf: PDFKit.PDFDocument, blocks: Block[]): number {
  let y = MARGIN;
  for (const b of blocks) {
    if (b.t === 'rule') {
      pdf.save().moveTo(MARGIN, y + 3).lineTo(WIDTH - MARGIN, y + 3).lineWidth(0.5).dash(2, { space: 2 }).stroke().undash().restore();
      y += 7;
      continue;
    }
    if (b.t === 'row') {
      const font = b.bold ? 'Helvetica-Bold' : 'Helvetica';
      const indent = b.indent ? 6 : 0;
      pdf.font(font).fontSize(SIZE);
      const right = pdfText(b.right);
      const rightWidth = Math.min(pdf.widthOfString(right), CONTENT * 0.6);
      const leftWidth = CONTENT - indent - rightWidth - 4;
      const left = pdfText(b.left);
      const leftHeight = pdf.heightOfString(left, { width: leftWidth });
      pdf.text(left, MARGIN + indent, y, { width: leftWidth });
      pdf.text(right, WIDTH - MARGIN - rightWidth, y, { width: rightWidth, align: 'right', lineBreak: false });
      y += Math.max(leftHeight, pdf.currentLineHeight(true)) + 1;
      continue;
    }
    const title = b.t === 'title';
    pdf.font(title || b.bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(title ? 11 : SIZE);
    const text = pdfText(b.text);
    const options = { width: CONTENT, align: b.t === 'text' ? ('left' as const) : ('center' as const) };
    const height = pdf.heightOfString(text, options);
    pdf.text(text, MARGIN, y, options);
    y += height + (title ? 3 : 1);
  }
  return y + MARGIN;
}

function toBuffer(pdf: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
    pdf.end();
  });
}

/** The document as an 80 mm wide PDF, one page cut to its length (drawn once to measure it). */
export async function renderPdf(doc: PrintableDocument): Promise<Buffer> {
  const blocks = layout(doc);
  const measure = new PDFDocument({ size: [WIDTH, 20_000], margin: 0 });
  const height = Math.ceil(draw(measure, blocks));
  measure.end();
  const pdf = new PDFDocument({
    size: [WIDTH, Math.max(height, 100)],
    margin: 0,
    info: { Title: pdfText(`${doc.title} ${doc.kind === 'z-report' ? doc.till : doc.number}`), Author: pdfText(doc.shop.name), Creator: 'AfriGest' },
    lang: doc.locale,
  });
  draw(pdf, blocks);
  return toBuffer(pdf);
}
