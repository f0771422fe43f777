import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { BridgeOutput, SessionUser, ZReport } from '../../../../bridge/contract.js';
import { can } from '../../../../../shared/rbac.js';
import { errorText, useBridge } from '../../bridge.js';
import { Dialog, ErrorBox, Notice } from '../../components/dialog.js';
import { useFormat } from '../../components/format.js';
import { ZReportView } from './z-report-view.js';

type Session = BridgeOutput<'cash.current'>;
const METHODS = ['cash', 'mtn_momo', 'orange_money', 'card'] as const;
type Method = (typeof METHODS)[number];

/** F9: the till's drawer. Open with a float, cash in and out with a reason, close with counts → Z report. */
export function CashScreen({ user }: { user: SessionUser }) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const format = useFormat();
  const manage = can(user.role, 'devices', 'write');
  const readReports = can(user.role, 'reports', 'read');
  const [session, setSession] = useState<Session | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [floatText, setFloatText] = useState('');
  const [moveType, setMoveType] = useState<'cash_in' | 'cash_out'>('cash_in');
  const [moveText, setMoveText] = useState('');
  const [moveReason, setMoveReason] = useState('');
  const [counted, setCounted] = useState<Partial<Record<Method, string>>>({});
  const [closing, setClosing] = useState(false);
  const [report, setReport] = useState<ZReport | null>(null);
  const [history, setHistory] = useState<ZReport[]>([]);
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    bridge.call('cash.current', {}).then(
      (s) => setSession(s),
      (e: unknown) => {
        setSession(null);
        setError(errorText(e, t));
      },
    );
    if (readReports) bridge.call('cash.history', { limit: 20 }).then(setHistory, () => setHistory([]));
  }, [bridge, readReports, t]);

  useEffect(load, [load]);

  async function run(action: () => Promise<unknown>, done?: string) {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await action();
      if (done) setNotice(done);
    } catch (e) {
      setError(errorText(e, t));
    } finally {
      setBusy(false);
    }
  }

  function open(event: FormEvent) {
    event.preventDefault();
    const amount = format.parseAmount(floatText || '0');
    if (amount === null || amount < 0) return setError(t('ui.cash.amountInvalid'));
    void run(async () => {
      setSession(await bridge.call('cash.open', { floatMinor: amount }));
      setFloatText('');
    }, t('ui.cash.opened'));
  }

  function move(event: FormEvent) {
    event.preventDefault();
    const amount = format.parseAmount(moveText);
    if (amount === null || amount <= 0) return setError(t('ui.cash.amountInvalid'));
    if (!moveReason.trim()) return setError(t('ui.cash.reasonRequired'));
    void run(async () => {
      setSession(await bridge.call('cash.move', { type: moveType, amountMinor: amount, reason: moveReason.trim() }));
      setMoveText('');
      setMoveReason('');
    }, t(moveType === 'cash_in' ? 'ui.cash.movedIn' : 'ui.cash.movedOut', { amount: format.money(amount) }));
  }

  function close(event: FormEvent) {
    event.preventDefault();
    const values: Partial<Record<Method, number>> = {};
    for (const method of METHODS) {
      const text = counted[method]?.trim();
      if (!text) continue;
      const amount = format.parseAmount(text);
      if (amount === null || amount < 0) return setError(t('ui.cash.amountInvalid'));
      values[method] = amount;
    }
    if (values.cash === undefined) return setError(t('ui.cash.countCash'));
    void run(async () => {
      const z = await bridge.call('cash.close', { counted: values });
      setClosing(false);
      setCounted({});
      setSession(null);
      setReport(z);
      load();
    });
  }

  return (
    <main className="page" data-testid="cash-screen">
      <h1>{t('ui.cash.title')}</h1>
      <ErrorBox message={error} testId="cash-error" />
      <Notice message={notice} testId="cash-notice" />
      {session === undefined && <p>{t('ui.common.loading')}</p>}

      {session === null &&
        (manage ? (
          <form className="card form" onSubmit={open} data-testid="cash-open-form">
            <h2>{t('ui.cash.openTitle')}</h2>
            <label>
              {t('ui.cash.float', { currency: format.currency })}
              <input value={floatText} onChange={(e) => setFloatText(e.target.value)} inputMode="numeric" autoFocus autoComplete="off" data-testid="cash-float" />
            </label>
            <button type="submit" className="primary big" disabled={busy} data-testid="cash-open">
              {t('ui.cash.open')}
            </button>
          </form>
        ) : (
          <p className="notice" data-testid="cash-closed">
            {t('ui.cash.noSession')}
          </p>
        ))}

      {session && (
        <section className="card" data-testid="cash-session">
          <h2>{t('ui.cash.sessionTitle', { date: format.date(session.openedAt) })}</h2>
          <dl className="totals">
            <div>
              <dt>{t('ui.cash.floatLabel')}</dt>
              <dd data-testid="cash-session-float">{format.money(session.floatMinor)}</dd>
            </div>
            <div>
              <dt>{t('ui.cash.cashIn')}</dt>
              <dd data-testid="cash-session-in">{format.money(session.cashInMinor)}</dd>
            </div>
            <div>
              <dt>{t('ui.cash.cashOut')}</dt>
              <dd data-testid="cash-session-out">{format.money(session.cashOutMinor)}</dd>
            </div>
            {session.expectedCashMinor !== undefined && (
              <div className="grand">
                <dt>{t('ui.cash.expected')}</dt>
                <dd data-testid="cash-session-expected">{format.money(session.expectedCashMinor)}</dd>
              </div>
            )}
          </dl>

          {manage && (
            <>
              <form className="form" onSubmit={move} data-testid="cash-move-form">
                <h3>{t('ui.cash.moveTitle')}</h3>
                <fieldset className="choice">
                  <label>
                    <input type="radio" name="move" checked={moveType === 'cash_in'} onChange={() => setMoveType('cash_in')} data-testid="cash-move-in" />
                    {t('ui.cash.cashIn')}
                  </label>
                  <label>
                    <input type="radio" name="move" checked={moveType === 'cash_out'} onChange={() => setMoveType('cash_out')} data-testid="cash-move-out" />
                    {t('ui.cash.cashOut')}
                  </label>
                </fieldset>
                <label>
                  {t('ui.cash.amount', { currency: format.currency })}
                  <input value={moveText} onChange={(e) => setMoveText(e.target.value)} inputMode="numeric" autoComplete="off" data-testid="cash-move-amount" />
                </label>
                <label>
                  {t('ui.cash.reason')}
                  <input value={moveReason} onChange={(e) => setMoveReason(e.target.value)} maxLength={300} autoComplete="off" data-testid="cash-move-reason" />
                </label>
                <button type="submit" className="secondary" disabled={busy} data-testid="cash-move-submit">
                  {t('ui.cash.moveSubmit')}
                </button>
              </form>
              <button type="button" className="danger big" onClick={() => setClosing(true)} data-testid="cash-close-open">
                {t('ui.cash.close')}
              </button>
            </>
          )}
        </section>
      )}

      {closing && session && (
        <Dialog title={t('ui.cash.closeTitle')} onClose={() => setClosing(false)} testId="cash-close-dialog">
          <form className="form" onSubmit={close}>
            <p className="hint">{t('ui.cash.countHint')}</p>
            {METHODS.map((method) => (
              <label key={method}>
                {t('ui.cash.counted', { method: t(`ui.tender.${method}`) })}
                <input
                  value={counted[method] ?? ''}
                  onChange={(e) => setCounted((c) => ({ ...c, [method]: e.target.value }))}
                  inputMode="numeric"
                  autoComplete="off"
                  data-testid={`cash-counted-${method}`}
                />
              </label>
            ))}
            <ErrorBox message={error} testId="cash-close-error" />
            <button type="submit" className="danger big" disabled={busy} data-testid="cash-close-submit">
              {t('ui.cash.closeSubmit')}
            </button>
          </form>
        </Dialog>
      )}

      {readReports && history.length > 0 && (
        <section className="card">
          <h2>{t('ui.cash.history')}</h2>
          <table className="list" data-testid="z-history">
            <tbody>
              {history.map((z) => (
                <tr key={z.sessionId}>
                  <td>{format.date(z.openedAt)}</td>
                  <td>{z.closedAt ? format.date(z.closedAt) : t('ui.cash.stillOpen')}</td>
                  <td className="num">{format.money(z.salesTotalMinor)}</td>
                  <td>
                    <button type="button" className="small" onClick={() => setReport(z)}>
                      {t('ui.cash.viewZ')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      {report && <ZReportView report={report} canPrint={readReports} onClose={() => setReport(null)} />}
    </main>
  );
}
