import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { BridgeSale } from '../../../../bridge/contract.js';
import { errorText, useBridge } from '../../bridge.js';
import { ErrorBox } from '../../components/dialog.js';
import { useFormat } from '../../components/format.js';
import { ReceiptDialog } from '../receipt/receipt-dialog.js';

/** The till's recent sales, newest first, each with its receipt to reprint. */
export function HistoryScreen() {
  const { t } = useTranslation();
  const bridge = useBridge();
  const format = useFormat();
  const [sales, setSales] = useState<BridgeSale[] | null>(null);
  const [number, setNumber] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [reprint, setReprint] = useState<BridgeSale | null>(null);

  useEffect(() => {
    bridge.call('sales.recent', { limit: 50 }).then(setSales, (e: unknown) => {
      setSales([]);
      setError(errorText(e, t));
    });
  }, [bridge, t]);

  async function find(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      const sale = await bridge.call('sales.byNumber', { number: number.trim() });
      if (sale) setReprint(sale);
      else setError(t('ui.history.notFound', { number: number.trim() }));
    } catch (e) {
      setError(errorText(e, t));
    }
  }

  return (
    <main className="page" data-testid="history-screen">
      <h1>{t('ui.history.title')}</h1>
      <form className="inline-form" onSubmit={find}>
        <label>
          {t('ui.history.number')}
          <input value={number} onChange={(e) => setNumber(e.target.value)} required autoFocus data-testid="history-number" autoComplete="off" />
        </label>
        <button type="submit" className="primary">
          {t('ui.history.find')}
        </button>
      </form>
      <ErrorBox message={error} />
      {sales === null ? (
        <p>{t('ui.common.loading')}</p>
      ) : (
        <table className="list" data-testid="history-list">
          <thead>
            <tr>
              <th>{t('ui.history.number')}</th>
              <th>{t('ui.history.date')}</th>
              <th className="num">{t('ui.sale.total')}</th>
              <th>{t('ui.history.tenders')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {sales.length === 0 && (
              <tr>
                <td colSpan={5} className="empty">
                  {t('ui.history.empty')}
                </td>
              </tr>
            )}
            {sales.map((sale) => (
              <tr key={sale.id} data-testid="history-row">
                <td>{sale.number}</td>
                <td>{format.date(sale.createdAt)}</td>
                <td className="num">{format.money(sale.totalMinor)}</td>
                <td>{sale.tenders.map((tender) => t(`ui.tender.${tender.method}`)).join(' + ')}</td>
                <td>
                  <button type="button" className="small" onClick={() => setReprint(sale)} data-testid="history-reprint">
                    {t('ui.history.reprint')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {reprint && <ReceiptDialog sale={reprint} title={t('ui.history.reprintTitle', { number: reprint.number })} onClose={() => setReprint(null)} />}
    </main>
  );
}
