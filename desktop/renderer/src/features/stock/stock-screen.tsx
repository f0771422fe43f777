import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { BridgeOutput, SessionUser } from '../../../../bridge/contract.js';
import { can } from '../../../../../shared/rbac.js';
import { errorText, useBridge } from '../../bridge.js';
import { Dialog, ErrorBox, Notice } from '../../components/dialog.js';
import { parseQuantity, useFormat } from '../../components/format.js';

type StockItem = BridgeOutput<'stock.list'>[number];

/** This boutique's stock on hand (from its movements), the low list, and adjustments with a reason (dg, pdg). */
export function StockScreen({ user }: { user: SessionUser }) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const format = useFormat();
  const canAdjust = can(user.role, 'stock', 'write');
  const [search, setSearch] = useState('');
  const [lowOnly, setLowOnly] = useState(false);
  const [items, setItems] = useState<StockItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [adjusting, setAdjusting] = useState<StockItem | null>(null);

  const load = useCallback(() => {
    const query = search.trim();
    const request = lowOnly ? bridge.call('stock.low', { limit: 200 }) : bridge.call('stock.list', { limit: 200, ...(query ? { search: query } : {}) });
    request.then(
      (list) => {
        setItems(lowOnly && query ? list.filter((i) => i.name.toLowerCase().includes(query.toLowerCase())) : list);
        setError(null);
      },
      (e: unknown) => {
        setItems([]);
        setError(errorText(e, t));
      },
    );
  }, [bridge, search, lowOnly, t]);

  useEffect(() => {
    const timer = window.setTimeout(load, 150);
    return () => window.clearTimeout(timer);
  }, [load]);

  return (
    <main className="page" data-testid="stock-screen">
      <h1>{t('ui.stock.title')}</h1>
      <div className="inline-form">
        <label>
          {t('ui.stock.search')}
          <input value={search} onChange={(e) => setSearch(e.target.value)} autoFocus autoComplete="off" data-testid="stock-search" />
        </label>
        <label className="check">
          <input type="checkbox" checked={lowOnly} onChange={(e) => setLowOnly(e.target.checked)} data-testid="stock-low-only" />
          {t('ui.stock.lowOnly')}
        </label>
      </div>
      <ErrorBox message={error} testId="stock-error" />
      <Notice message={notice} testId="stock-notice" />
      {items === null ? (
        <p>{t('ui.common.loading')}</p>
      ) : (
        <table className="list" data-testid="stock-list">
          <thead>
            <tr>
              <th>{t('ui.sale.product')}</th>
              <th>{t('ui.stock.barcode')}</th>
              <th className="num">{t('ui.stock.onHand')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.length === 0 && (
              <tr>
                <td colSpan={4} className="empty">
                  {t('ui.stock.empty')}
                </td>
              </tr>
            )}
            {items.map((item) => (
              <tr key={item.productId} className={item.low ? 'low' : ''} data-testid="stock-row" data-barcode={item.barcode} data-on-hand={item.onHandMilli}>
                <td>
                  {item.name} {item.low && <span className="tag warn">{t('ui.stock.low')}</span>}
                </td>
                <td>{item.barcode}</td>
                <td className="num">{format.quantity(item.onHandMilli)}</td>
                <td>
                  {canAdjust && (
                    <button type="button" className="small" onClick={() => setAdjusting(item)} data-testid="stock-adjust">
                      {t('ui.stock.adjust')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {adjusting && (
        <AdjustDialog
          item={adjusting}
          onClose={() => setAdjusting(null)}
          onDone={(item) => {
            setAdjusting(null);
            setNotice(t('ui.stock.adjusted', { name: item.name, quantity: format.quantity(item.onHandMilli) }));
            load();
          }}
        />
      )}
    </main>
  );
}

function AdjustDialog({ item, onClose, onDone }: { item: StockItem; onClose: () => void; onDone: (item: StockItem) => void }) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const format = useFormat();
  const [direction, setDirection] = useState<1 | -1>(1);
  const [quantity, setQuantity] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const milli = parseQuantity(quantity);
    if (milli === null) return setError(t('ui.stock.quantityInvalid'));
    if (!reason.trim()) return setError(t('ui.stock.reasonRequired'));
    try {
      onDone(await bridge.call('stock.adjust', { productId: item.productId, deltaMilli: direction * milli, reason: reason.trim() }));
    } catch (e) {
      setError(errorText(e, t));
    }
  }

  return (
    <Dialog title={t('ui.stock.adjustTitle', { name: item.name })} onClose={onClose} testId="stock-adjust-dialog">
      <form className="form" onSubmit={submit}>
        <p>{t('ui.stock.current', { quantity: format.quantity(item.onHandMilli) })}</p>
        <fieldset className="choice">
          <label>
            <input type="radio" name="direction" checked={direction === 1} onChange={() => setDirection(1)} data-testid="stock-add" />
            {t('ui.stock.add')}
          </label>
          <label>
            <input type="radio" name="direction" checked={direction === -1} onChange={() => setDirection(-1)} data-testid="stock-remove" />
            {t('ui.stock.remove')}
          </label>
        </fieldset>
        <label>
          {t('ui.stock.quantity')}
          <input value={quantity} onChange={(e) => setQuantity(e.target.value)} inputMode="decimal" autoComplete="off" data-testid="stock-quantity" data-autofocus />
        </label>
        <label>
          {t('ui.stock.reason')}
          <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={300} autoComplete="off" data-testid="stock-reason" />
        </label>
        <ErrorBox message={error} testId="stock-adjust-error" />
        <button type="submit" className="primary big" data-testid="stock-adjust-submit">
          {t('ui.stock.adjustSubmit')}
        </button>
      </form>
    </Dialog>
  );
}
