import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionUser, TillTransfer } from '../../../../bridge/contract.js';
import { can } from '../../../../../shared/rbac.js';
import { errorText, useBridge } from '../../bridge.js';
import { Dialog, ErrorBox, Notice } from '../../components/dialog.js';
import { parseQuantity, useFormat } from '../../components/format.js';

/** "0" is a quantity here: nothing of a line may have arrived. */
const receivedQuantity = (text: string): number | null => parseQuantity(text, { allowZero: true });

/**
 * Transfers sent to this boutique: those to receive first, then the received ones with their
 * differences. Reception is confirmed here, offline too: stock moves at once, the cloud learns it
 * at the next sync.
 */
export function TransfersScreen({ user }: { user: SessionUser }) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const format = useFormat();
  const canReceive = can(user.role, 'transfers', 'write');
  const [items, setItems] = useState<TillTransfer[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [receiving, setReceiving] = useState<TillTransfer | null>(null);

  const load = useCallback(() => {
    bridge.call('transfers.list', { limit: 200 }).then(
      (list) => {
        setItems(list);
        setError(null);
      },
      (e: unknown) => {
        setItems([]);
        setError(errorText(e, t));
      },
    );
  }, [bridge, t]);

  useEffect(() => {
    load();
    // Transfers arrive by the sync while the screen is open.
    const timer = window.setInterval(load, 3_000);
    return () => window.clearInterval(timer);
  }, [load]);

  return (
    <main className="page" data-testid="transfers-screen">
      <h1>{t('ui.transfers.title')}</h1>
      <p className="hint">{t('ui.transfers.hint')}</p>
      <ErrorBox message={error} testId="transfers-error" />
      <Notice message={notice} testId="transfers-notice" />
      {items === null ? (
        <p>{t('ui.common.loading')}</p>
      ) : (
        <table className="list" data-testid="transfers-list">
          <thead>
            <tr>
              <th>{t('ui.transfers.number')}</th>
              <th>{t('ui.transfers.from')}</th>
              <th>{t('ui.transfers.sentAt')}</th>
              <th className="num">{t('ui.transfers.lines')}</th>
              <th>{t('ui.transfers.status')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.length === 0 && (
              <tr>
                <td colSpan={6} className="empty">
                  {t('ui.transfers.empty')}
                </td>
              </tr>
            )}
            {items.map((item, index) => (
              <tr key={item.id} data-testid="transfer-row" data-number={item.number} data-status={item.status}>
                <td>{item.number}</td>
                <td>{item.fromBoutiqueName}</td>
                <td>{item.sentAt ? format.date(item.sentAt) : '—'}</td>
                <td className="num">{item.lines.length}</td>
                <td>
                  {item.status === 'sent' ? (
                    <span className="tag warn">{t('ui.transfers.toReceive')}</span>
                  ) : (
                    <span className="tag">{item.awaitingSync ? t('ui.transfers.receivedHere') : t('ui.transfers.received')}</span>
                  )}
                  {item.status === 'received' && item.lines.some((l) => l.receivedMilli !== null && l.receivedMilli !== l.quantityMilli) && (
                    <span className="tag warn"> {t('ui.transfers.withDifferences')}</span>
                  )}
                </td>
                <td>
                  {item.status === 'sent' && canReceive && (
                    <button type="button" className="small" onClick={() => setReceiving(item)} autoFocus={index === 0} data-testid="transfer-receive">
                      {t('ui.transfers.receive')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {receiving && (
        <ReceiveDialog
          transfer={receiving}
          onClose={() => setReceiving(null)}
          onDone={(done) => {
            setReceiving(null);
            setNotice(t('ui.transfers.done', { number: done.number }));
            load();
          }}
        />
      )}
    </main>
  );
}

function ReceiveDialog({ transfer, onClose, onDone }: { transfer: TillTransfer; onClose: () => void; onDone: (transfer: TillTransfer) => void }) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const format = useFormat();
  // Each line starts at what was sent: the usual reception is a check, not a typing exercise.
  const [quantities, setQuantities] = useState(() => transfer.lines.map((l) => format.quantity(l.quantityMilli)));
  const [reasons, setReasons] = useState(() => transfer.lines.map(() => ''));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const parsed = quantities.map(receivedQuantity);
  const differs = parsed.map((q, i) => q !== null && q !== transfer.lines[i]!.quantityMilli);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const bad = parsed.findIndex((q) => q === null);
    if (bad >= 0) return setError(t('ui.transfers.quantityInvalid', { name: transfer.lines[bad]!.name }));
    const missing = differs.findIndex((d, i) => d && !reasons[i]!.trim());
    if (missing >= 0) return setError(t('ui.transfers.reasonRequired', { name: transfer.lines[missing]!.name }));
    setBusy(true);
    try {
      onDone(
        await bridge.call('transfers.receive', {
          transferId: transfer.id,
          lines: transfer.lines.map((l, i) => ({ productId: l.productId, receivedMilli: parsed[i]!, ...(reasons[i]!.trim() ? { reason: reasons[i]!.trim() } : {}) })),
        }),
      );
    } catch (e) {
      setError(errorText(e, t));
      setBusy(false);
    }
  }

  return (
    <Dialog title={t('ui.transfers.receiveTitle', { number: transfer.number, from: transfer.fromBoutiqueName })} onClose={onClose} testId="transfer-receive-dialog" wide>
      <form className="form" onSubmit={submit}>
        <table className="list">
          <thead>
            <tr>
              <th>{t('ui.sale.product')}</th>
              <th className="num">{t('ui.transfers.sent')}</th>
              <th>{t('ui.transfers.receivedQuantity')}</th>
              <th>{t('ui.transfers.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {transfer.lines.map((line, i) => (
              <tr key={line.productId} data-testid="transfer-line">
                <td>{line.name}</td>
                <td className="num">{format.quantity(line.quantityMilli)}</td>
                <td>
                  <input
                    value={quantities[i]}
                    onChange={(e) => {
                      setError(null);
                      setQuantities(quantities.map((q, j) => (j === i ? e.target.value : q)));
                    }}
                    inputMode="decimal"
                    autoComplete="off"
                    aria-label={t('ui.transfers.receivedOf', { name: line.name })}
                    data-testid="transfer-line-received"
                    {...(i === 0 ? { 'data-autofocus': true } : {})}
                  />
                </td>
                <td>
                  <input
                    value={reasons[i]}
                    onChange={(e) => {
                      setError(null);
                      setReasons(reasons.map((r, j) => (j === i ? e.target.value : r)));
                    }}
                    maxLength={300}
                    autoComplete="off"
                    placeholder={differs[i] ? t('ui.transfers.reasonPlaceholder') : ''}
                    aria-label={t('ui.transfers.reasonOf', { name: line.name })}
                    aria-required={differs[i]}
                    className={differs[i] && !reasons[i]!.trim() ? 'required' : undefined}
                    data-testid="transfer-line-reason"
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <ErrorBox message={error} testId="transfer-receive-error" />
        <button type="submit" className="primary big" disabled={busy} data-testid="transfer-receive-submit">
          {t('ui.transfers.confirm')}
        </button>
      </form>
    </Dialog>
  );
}
