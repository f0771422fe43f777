import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { BridgeSale, PaymentStatus } from '../../../../bridge/contract.js';
import { errorCode, errorText, useBridge } from '../../bridge.js';
import { Dialog, ErrorBox } from '../../components/dialog.js';
import { newKey, useFormat } from '../../components/format.js';
import { checkoutLines, totalsOf, type Cart } from '../sale/cart-state.js';
import { PaymentQr } from './payment-qr.js';

export type MobileMethod = 'mtn_momo' | 'orange_money';
/** A mobile-money payment started for this cart; kept by the sale screen if the dialog closes. */
export type MobilePayment = { key: string; method: MobileMethod; amountMinor: number; phone?: string; status: PaymentStatus };

const STATUS_POLL_MS = 3_000;

/** Round sums a customer hands over, above what is due. */
function suggestions(due: number): number[] {
  const steps = [1_000, 5_000, 10_000, 20_000];
  const found = new Set<number>();
  for (const step of steps) {
    const up = Math.ceil(due / step) * step;
    if (up > due) found.add(up);
  }
  return [...found].sort((a, b) => a - b).slice(0, 3);
}

/**
 * F12: split tender. Mobile money (MTN, Orange) is started through the bridge and followed live;
 * once confirmed it counts as paid. Cash covers the rest, with change due. Offline, mobile money
 * is refused with the bridge's message and cash is offered.
 */
export function PaymentDialog({
  cart,
  payments,
  setPayments,
  onPaid,
  onClose,
}: {
  cart: Cart;
  payments: MobilePayment[];
  setPayments: (update: (payments: MobilePayment[]) => MobilePayment[]) => void;
  onPaid: (sale: BridgeSale) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const format = useFormat();
  const total = useMemo(() => totalsOf(cart).totalMinor, [cart]);
  const [cashText, setCashText] = useState('');
  const [mobileMethod, setMobileMethod] = useState<MobileMethod | null>(null);
  const [mobileText, setMobileText] = useState('');
  const [phone, setPhone] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [offline, setOffline] = useState(false);
  const [busy, setBusy] = useState(false);

  const confirmed = payments.filter((p) => p.status.status === 'succeeded').reduce((sum, p) => sum + p.amountMinor, 0);
  const pending = payments.filter((p) => p.status.status === 'pending');
  const cash = format.parseAmount(cashText) ?? 0;
  const cashInvalid = cashText.trim() !== '' && format.parseAmount(cashText) === null;
  const dueBeforeCash = Math.max(0, total - confirmed);
  const remaining = total - confirmed - cash;
  const change = Math.max(0, cash - dueBeforeCash);
  const canPay = !busy && !cashInvalid && remaining <= 0 && pending.length === 0 && cash >= 0;

  const pendingIds = pending.map((p) => p.status.paymentId).join(' ');
  // Status pushed by core, and asked again now and then in case an event was missed.
  useEffect(() => {
    const apply = (status: PaymentStatus) => setPayments((list) => list.map((p) => (p.status.paymentId === status.paymentId ? { ...p, status: { ...p.status, ...status } } : p)));
    const off = bridge.on('payment.status', apply);
    const timer = window.setInterval(() => {
      for (const paymentId of pendingIds.split(' ').filter(Boolean)) bridge.call('payments.mobileStatus', { paymentId }).then(apply, () => undefined);
    }, STATUS_POLL_MS);
    return () => {
      off();
      window.clearInterval(timer);
    };
  }, [bridge, setPayments, pendingIds]);

  function chooseMobile(method: MobileMethod) {
    setMobileMethod(method);
    setMobileText(String(Math.max(0, total - confirmed - cash) || dueBeforeCash));
    setError(null);
    setOffline(false);
  }

  async function startMobile(event: FormEvent) {
    event.preventDefault();
    if (!mobileMethod) return;
    const amount = format.parseAmount(mobileText);
    if (amount === null || amount <= 0 || amount > dueBeforeCash) return setError(t('ui.payment.mobileAmountInvalid', { max: format.money(dueBeforeCash) }));
    const key = newKey();
    setBusy(true);
    setError(null);
    setOffline(false);
    try {
      const status = await bridge.call('payments.mobileStart', {
        method: mobileMethod,
        amountMinor: amount,
        idempotencyKey: key,
        ...(phone.trim() ? { phone: phone.trim() } : {}),
      });
      setPayments((list) => [...list, { key, method: mobileMethod, amountMinor: status.amountMinor ?? amount, ...(phone.trim() ? { phone: phone.trim() } : {}), status }]);
      setMobileMethod(null);
    } catch (e) {
      setError(errorText(e, t));
      setOffline(errorCode(e) === 'MOBILE_MONEY_OFFLINE');
    } finally {
      setBusy(false);
    }
  }

  function offerCash() {
    setMobileMethod(null);
    setOffline(false);
    setError(null);
    setCashText(String(dueBeforeCash));
  }

  async function pay(event?: FormEvent) {
    event?.preventDefault();
    if (!canPay) {
      if (remaining > 0) setError(t('ui.payment.remainingError', { amount: format.money(remaining) }));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const mobile = payments.filter((p) => p.status.status === 'succeeded').map((p) => ({ method: p.method, amountMinor: p.amountMinor, paymentId: p.status.paymentId }));
      const sale = await bridge.call('checkout.complete', {
        lines: checkoutLines(cart),
        ...(cart.cartDiscount ? { cartDiscount: cart.cartDiscount } : {}),
        ...(cart.customer ? { customerId: cart.customer.id } : {}),
        tenders: [...mobile, ...(cash > 0 ? [{ method: 'cash' as const, amountMinor: cash }] : [])],
      });
      onPaid(sale);
    } catch (e) {
      setError(errorText(e, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog title={t('ui.payment.title')} onClose={onClose} testId="payment-dialog" wide>
      <div className="payment">
        <section className="payment-summary">
          <div className="amount-row big">
            <span>{t('ui.payment.total')}</span>
            <strong data-testid="payment-total">{format.money(total)}</strong>
          </div>
          {confirmed > 0 && (
            <div className="amount-row">
              <span>{t('ui.payment.mobileConfirmed')}</span>
              <strong data-testid="payment-mobile-confirmed">{format.money(confirmed)}</strong>
            </div>
          )}
          <div className="amount-row">
            <span>{t('ui.payment.remaining')}</span>
            <strong data-testid="payment-remaining">{format.money(Math.max(0, remaining))}</strong>
          </div>
          <div className="amount-row change">
            <span>{t('ui.payment.change')}</span>
            <strong data-testid="payment-change">{format.money(change)}</strong>
          </div>
        </section>

        <form className="form payment-cash" onSubmit={pay}>
          <h3>{t('ui.payment.cash')}</h3>
          <label>
            {t('ui.payment.cashGiven', { currency: format.currency })}
            <input
              value={cashText}
              onChange={(e) => {
                setCashText(e.target.value);
                setError(null);
              }}
              inputMode="numeric"
              autoComplete="off"
              data-testid="cash-given"
              data-autofocus
              aria-invalid={cashInvalid}
            />
          </label>
          <div className="quick">
            <button type="button" onClick={() => setCashText(String(dueBeforeCash))} data-testid="cash-exact">
              {t('ui.payment.exact')}
            </button>
            {suggestions(dueBeforeCash).map((amount) => (
              <button key={amount} type="button" onClick={() => setCashText(String(amount))}>
                {format.money(amount)}
              </button>
            ))}
          </div>
          <button type="submit" className="primary big" disabled={!canPay} data-testid="pay-confirm">
            {busy ? t('ui.common.working') : t('ui.payment.confirm')}
          </button>
        </form>

        <section className="payment-mobile">
          <h3>{t('ui.payment.mobile')}</h3>
          <div className="quick">
            <button type="button" className={mobileMethod === 'mtn_momo' ? 'selected' : ''} onClick={() => chooseMobile('mtn_momo')} data-testid="mobile-mtn" disabled={dueBeforeCash === 0}>
              {t('ui.tender.mtn_momo')}
            </button>
            <button type="button" className={mobileMethod === 'orange_money' ? 'selected' : ''} onClick={() => chooseMobile('orange_money')} data-testid="mobile-orange" disabled={dueBeforeCash === 0}>
              {t('ui.tender.orange_money')}
            </button>
          </div>
          {mobileMethod && (
            <form className="form" onSubmit={startMobile} data-testid="mobile-form">
              <label>
                {t('ui.payment.mobileAmount', { currency: format.currency })}
                <input value={mobileText} onChange={(e) => setMobileText(e.target.value)} inputMode="numeric" autoComplete="off" data-testid="mobile-amount" autoFocus />
              </label>
              {mobileMethod === 'mtn_momo' && (
                <label>
                  {t('ui.payment.phone')}
                  <input value={phone} onChange={(e) => setPhone(e.target.value)} required inputMode="tel" autoComplete="off" placeholder="+224 6…" data-testid="mobile-phone" />
                </label>
              )}
              <button type="submit" className="primary" disabled={busy} data-testid="mobile-start">
                {t('ui.payment.mobileStart')}
              </button>
            </form>
          )}
          <ul className="mobile-payments">
            {payments.map((p) => (
              <li key={p.key} data-testid="mobile-payment" data-status={p.status.status} className={`mobile-payment ${p.status.status}`}>
                <div>
                  <strong>{t(`ui.tender.${p.method}`)}</strong> {format.money(p.amountMinor)} — <span data-testid="mobile-status">{t(`ui.payment.status.${p.status.status}`)}</span>
                </div>
                {p.status.status === 'pending' && p.status.redirectUrl && <PaymentQr url={p.status.redirectUrl} />}
                {p.status.status === 'pending' && p.method === 'mtn_momo' && <p className="hint">{t('ui.payment.mtnWaiting')}</p>}
                {p.status.status !== 'succeeded' && (
                  <button type="button" className="small" onClick={() => setPayments((list) => list.filter((x) => x.key !== p.key))}>
                    {t('ui.payment.forget')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        </section>
      </div>
      <ErrorBox message={error} testId="payment-error" />
      {offline && (
        <button type="button" className="secondary big" onClick={offerCash} data-testid="offer-cash">
          {t('ui.payment.offerCash', { amount: format.money(dueBeforeCash) })}
        </button>
      )}
    </Dialog>
  );
}
