import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { BridgeOutput } from '../../../../bridge/contract.js';
import { errorText, useBridge } from '../../bridge.js';
import { Dialog, ErrorBox } from '../../components/dialog.js';
import { DocumentView } from '../../components/document-view.js';
import { parseQuantity, useFormat } from '../../components/format.js';

type Returnable = BridgeOutput<'returns.returnable'>;
type ReturnDoc = BridgeOutput<'returns.create'>;
type RefundMethod = 'cash' | 'mtn_momo' | 'orange_money' | 'card';
const REFUND_METHODS: RefundMethod[] = ['cash', 'mtn_momo', 'orange_money', 'card'];

/** F8: a full or partial return against a past sale, found by its number; works offline. */
export function ReturnsScreen() {
  const { t } = useTranslation();
  const bridge = useBridge();
  const format = useFormat();
  const [number, setNumber] = useState('');
  const [found, setFound] = useState<Returnable | null>(null);
  const [quantities, setQuantities] = useState<Record<string, string>>({});
  const [method, setMethod] = useState<RefundMethod>('cash');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<ReturnDoc | null>(null);

  async function find(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setFound(null);
    try {
      const sale = await bridge.call('sales.byNumber', { number: number.trim() });
      if (!sale) return setError(t('ui.history.notFound', { number: number.trim() }));
      const returnable = await bridge.call('returns.returnable', { saleId: sale.id });
      setFound(returnable);
      setQuantities({});
      const cash = sale.tenders.find((x) => x.method === 'cash');
      setMethod(cash ? 'cash' : (sale.tenders[0]?.method ?? 'cash'));
    } catch (e) {
      setError(errorText(e, t));
    }
  }

  const chosen = (found?.lines ?? [])
    .map((line) => ({ line, milli: parseQuantity(quantities[line.productId] ?? '') ?? 0 }))
    .filter((x) => x.milli > 0);
  const tooMany = chosen.some((x) => x.milli > x.line.returnableMilli);
  const refund = chosen.reduce((sum, x) => sum + (x.line.unitRefundMinor !== undefined ? Math.round((x.line.unitRefundMinor * x.milli) / 1000) : 0), 0);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!found) return;
    if (chosen.length === 0) return setError(t('ui.returns.nothing'));
    if (tooMany) return setError(t('ui.returns.tooMany'));
    if (!reason.trim()) return setError(t('ui.returns.reasonRequired'));
    setBusy(true);
    setError(null);
    try {
      const created = await bridge.call('returns.create', {
        saleId: found.sale.id,
        lines: chosen.map((x) => ({ productId: x.line.productId, quantityMilli: x.milli })),
        refundMethod: method,
        reason: reason.trim(),
      });
      setDone(created);
      setFound(null);
      setNumber('');
      setReason('');
    } catch (e) {
      setError(errorText(e, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="page" data-testid="returns-screen">
      <h1>{t('ui.returns.title')}</h1>
      <form className="inline-form" onSubmit={find}>
        <label>
          {t('ui.returns.saleNumber')}
          <input value={number} onChange={(e) => setNumber(e.target.value)} required autoFocus autoComplete="off" data-testid="return-sale-number" />
        </label>
        <button type="submit" className="primary" data-testid="return-find">
          {t('ui.history.find')}
        </button>
      </form>
      {!found && <ErrorBox message={error} testId="return-error" />}

      {found && (
        <form className="form" onSubmit={submit} data-testid="return-form">
          <p>
            {t('ui.returns.sale', { number: found.sale.number, date: format.date(found.sale.createdAt), total: format.money(found.sale.totalMinor) })}
          </p>
          <table className="list">
            <thead>
              <tr>
                <th>{t('ui.sale.product')}</th>
                <th className="num">{t('ui.returns.sold')}</th>
                <th className="num">{t('ui.returns.returned')}</th>
                <th className="num">{t('ui.returns.returnable')}</th>
                <th className="num">{t('ui.returns.quantity')}</th>
              </tr>
            </thead>
            <tbody>
              {found.lines.map((line) => (
                <tr key={line.productId} data-testid="return-line">
                  <td>{line.name}</td>
                  <td className="num">{format.quantity(line.soldMilli)}</td>
                  <td className="num">{format.quantity(line.returnedMilli)}</td>
                  <td className="num">{format.quantity(line.returnableMilli)}</td>
                  <td className="num">
                    <input
                      className="qty-input"
                      value={quantities[line.productId] ?? ''}
                      onChange={(e) => setQuantities((q) => ({ ...q, [line.productId]: e.target.value }))}
                      disabled={line.returnableMilli === 0}
                      inputMode="decimal"
                      aria-label={t('ui.returns.quantityOf', { name: line.name })}
                      data-testid="return-quantity"
                    />
                    <button
                      type="button"
                      className="small"
                      disabled={line.returnableMilli === 0}
                      onClick={() => setQuantities((q) => ({ ...q, [line.productId]: format.quantity(line.returnableMilli) }))}
                      data-testid="return-all"
                    >
                      {t('ui.returns.all')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <label>
            {t('ui.returns.method')}
            <select value={method} onChange={(e) => setMethod(e.target.value as RefundMethod)} data-testid="return-method">
              {REFUND_METHODS.map((m) => (
                <option key={m} value={m}>
                  {t(`ui.tender.${m}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('ui.returns.reason')}
            <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={300} required data-testid="return-reason" />
          </label>
          {refund > 0 && (
            <p className="amount-row big">
              <span>{t('ui.returns.refund')}</span> <strong data-testid="return-refund">{format.money(refund)}</strong>
            </p>
          )}
          <ErrorBox message={error} testId="return-error" />
          <button type="submit" className="primary big" disabled={busy} data-testid="return-submit">
            {t('ui.returns.submit')}
          </button>
        </form>
      )}

      {done && (
        <Dialog title={t('ui.returns.doneTitle')} onClose={() => setDone(null)} testId="return-done" wide>
          <p data-testid="return-total">{t('ui.returns.done', { amount: format.money(done.totalMinor), method: done.refunds.map((r) => t(`ui.tender.${r.method}`)).join(', ') })}</p>
          <DocumentView
            testId="return-receipt"
            load={() => bridge.call('receipts.return', { returnId: done.id, format: 'html' })}
            loadPdf={() => bridge.call('receipts.return', { returnId: done.id, format: 'pdf' })}
          />
          <div className="actions">
            <button type="button" className="secondary big" onClick={() => setDone(null)} data-testid="return-close">
              {t('ui.common.close')}
            </button>
          </div>
        </Dialog>
      )}
    </main>
  );
}
