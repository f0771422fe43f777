import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { BridgeProduct, BridgeSale, SessionUser } from '../../../../bridge/contract.js';
import { errorText, useBridge } from '../../bridge.js';
import { Dialog, ErrorBox } from '../../components/dialog.js';
import { parseQuantity, useFormat } from '../../components/format.js';
import { useTill } from '../../till.js';
import { CustomerDialog } from '../customers/customer-dialog.js';
import { PaymentDialog, type MobilePayment } from '../payment/payment-dialog.js';
import { ReceiptDialog } from '../receipt/receipt-dialog.js';
import { addProduct, capExceeded, emptyCart, problemText, removeLine, setQuantity, stepOf, totalsOf, type Cart, type CartChange } from './cart-state.js';
import { DiscountDialog } from './discount-dialog.js';

type Open = 'discount' | 'payment' | 'customer' | 'cancel' | null;

const SEARCH_DELAY_MS = 80;

/** "3*6111234567890": three of the scanned product. A quantity that does not read is NaN, refused when added. */
function splitQuantity(text: string): { quantityMilli: number; ref: string } {
  const match = /^(\d+(?:[.,]\d{1,3})?)\s*\*\s*(.+)$/.exec(text);
  if (!match) return { quantityMilli: 1000, ref: text };
  return { quantityMilli: parseQuantity(match[1]!) ?? Number.NaN, ref: match[2]!.trim() };
}

const isBarcode = (text: string) => /^\d+$/.test(text);

/**
 * The counter: the scan field keeps the focus (a scanner types digits then Enter), letters
 * search as you type, the cart shows what core will charge, and function keys do the rest:
 * F2 search, F4 discount, F6 customer, F12 pay, Esc cancel (F8 return and F9 drawer in the shell).
 */
export function SaleScreen({ user, cart, setCart }: { user: SessionUser; cart: Cart; setCart: (cart: Cart) => void }) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const format = useFormat();
  const { refreshSync } = useTill();
  const [text, setText] = useState('');
  const [results, setResults] = useState<BridgeProduct[]>([]);
  const [highlight, setHighlight] = useState(-1);
  const [selected, setSelected] = useState(cart.lines.length - 1);
  const [open, setOpen] = useState<Open>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [receipt, setReceipt] = useState<BridgeSale | null>(null);
  const [payments, setPaymentsState] = useState<MobilePayment[]>([]);
  const [editing, setEditing] = useState<{ index: number; text: string } | null>(null);
  const input = useRef<HTMLInputElement>(null);
  // Every change goes through the latest cart, even between renders (scans come fast).
  const current = useRef(cart);
  current.current = cart;
  const scans = useRef<Promise<unknown>>(Promise.resolve());
  const searchSeq = useRef(0);

  const totals = useMemo(() => totalsOf(cart), [cart]);
  const overCap = useMemo(() => capExceeded(cart, user.role), [cart, user.role]);
  const blocked = open !== null || receipt !== null;
  const selectedIndex = Math.min(selected, cart.lines.length - 1);

  const update = useCallback(
    (next: Cart) => {
      current.current = next;
      setCart(next);
    },
    [setCart],
  );
  const setPayments = useCallback((fn: (list: MobilePayment[]) => MobilePayment[]) => setPaymentsState(fn), []);

  const focusScan = useCallback(() => {
    if (!document.querySelector('[role="dialog"]')) input.current?.focus();
  }, []);

  useEffect(() => {
    if (!blocked && !editing) focusScan();
  }, [blocked, editing, focusScan]);

  // Search as you type, for anything that is not a barcode.
  useEffect(() => {
    const { ref } = splitQuantity(text.trim());
    if (!ref || isBarcode(ref)) {
      setResults([]);
      setHighlight(-1);
      return;
    }
    const seq = ++searchSeq.current;
    const timer = window.setTimeout(() => {
      bridge.call('catalog.search', { text: ref, limit: 20 }).then(
        (found) => {
          if (seq !== searchSeq.current) return;
          setResults(found);
          setHighlight(found.length ? 0 : -1);
        },
        (e: unknown) => seq === searchSeq.current && setMessage(errorText(e, t)),
      );
    }, SEARCH_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [bridge, text, t]);

  /** A change within shared/cart's bounds is made; another leaves the cart as it was and says why. */
  function apply(change: CartChange): boolean {
    if (!change.ok) {
      setMessage(problemText(change.problem, t));
      return false;
    }
    update(change.cart);
    setSelected(change.index);
    setMessage(null);
    return true;
  }

  function add(product: BridgeProduct, quantityMilli: number) {
    apply(addProduct(current.current, product, quantityMilli));
  }

  function submitScan() {
    const raw = text.trim();
    if (!raw) return;
    const { quantityMilli, ref } = splitQuantity(raw);
    const picked = highlight >= 0 ? results[highlight] : undefined;
    setText('');
    setResults([]);
    setHighlight(-1);
    searchSeq.current++;
    if (picked && !isBarcode(ref)) {
      add(picked, quantityMilli);
      return;
    }
    if (!isBarcode(ref)) {
      setMessage(t('errors.PRODUCT_NOT_FOUND', { ref }));
      return;
    }
    // Scans are looked up in order, so the cart follows the scanner.
    scans.current = scans.current.then(() =>
      bridge.call('catalog.byBarcode', { barcode: ref }).then(
        (product) => (product ? add(product, quantityMilli) : setMessage(t('errors.PRODUCT_NOT_FOUND', { ref }))),
        (e: unknown) => setMessage(errorText(e, t)),
      ),
    );
  }

  function changeQuantity(index: number, delta: number) {
    const line = current.current.lines[index];
    if (!line) return;
    apply(setQuantity(current.current, index, line.quantityMilli + delta * stepOf(line)));
  }

  function openPayment() {
    if (current.current.lines.length === 0) return setMessage(t('errors.CART_EMPTY'));
    if (overCap !== null) return setMessage(t('errors.DISCOUNT_ABOVE_CAP', { cap: overCap }));
    setMessage(null);
    setOpen('payment');
  }

  function cancelSale() {
    update(emptyCart);
    setPaymentsState([]);
    setSelected(-1);
    setOpen(null);
    setMessage(null);
  }

  function escape() {
    if (text) {
      setText('');
      setResults([]);
      setHighlight(-1);
    } else if (current.current.lines.length > 0) {
      setOpen('cancel');
    }
  }

  // Function keys work wherever the focus is, unless a dialog is open (it has its own keys).
  const keys = useRef<(event: KeyboardEvent) => void>(() => undefined);
  keys.current = (event: KeyboardEvent) => {
    if (blocked || document.querySelector('[role="dialog"]')) return;
    const actions: Partial<Record<string, () => void>> = {
      F2: () => {
        input.current?.focus();
        input.current?.select();
      },
      F4: () => cart.lines.length > 0 && setOpen('discount'),
      F6: () => setOpen('customer'),
      F12: openPayment,
      Escape: escape,
    };
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    } else if (/^[0-9]$/.test(event.key) && document.activeElement?.tagName !== 'INPUT') {
      // A scan that starts while the focus strayed still lands in the scan field.
      input.current?.focus();
    }
  };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => keys.current(event);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  function onScanKey(event: ReactKeyboardEvent<HTMLInputElement>) {
    const lines = current.current.lines;
    if (event.key === 'Enter') {
      event.preventDefault();
      submitScan();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      if (results.length) setHighlight((h) => Math.max(0, Math.min(results.length - 1, h + step)));
      else if (lines.length) setSelected((s) => Math.max(0, Math.min(lines.length - 1, s + step)));
    } else if (!text && (event.key === '+' || event.key === '-') && selectedIndex >= 0) {
      event.preventDefault();
      changeQuantity(selectedIndex, event.key === '+' ? 1 : -1);
    } else if (!text && event.key === 'Delete' && selectedIndex >= 0) {
      event.preventDefault();
      update(removeLine(current.current, selectedIndex));
    }
  }

  function commitEdit() {
    if (!editing) return;
    const typed = editing.text.trim();
    const milli = parseQuantity(typed);
    if (milli !== null) apply(setQuantity(current.current, editing.index, milli));
    else if (/^0+([.,]0*)?$/.test(typed)) update(removeLine(current.current, editing.index));
    else if (typed) setMessage(t('errors.QUANTITY_INVALID'));
    setEditing(null);
  }

  return (
    <main className="sale" data-testid="sale-screen">
      <section className="sale-left">
        <div className="scan">
          <label htmlFor="scan-input" className="scan-label">
            {t('ui.sale.scanLabel')}
          </label>
          <input
            id="scan-input"
            ref={input}
            className="scan-input"
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setMessage(null);
            }}
            onKeyDown={onScanKey}
            onBlur={(e) => {
              // The scanner must always find the field: take the focus back unless another field took it.
              const next = e.relatedTarget as HTMLElement | null;
              if (!next || (next.tagName !== 'INPUT' && next.tagName !== 'SELECT' && next.tagName !== 'TEXTAREA')) {
                window.setTimeout(() => {
                  const active = document.activeElement;
                  if (!active || active === document.body || active.tagName === 'BUTTON') focusScan();
                }, 0);
              }
            }}
            placeholder={t('ui.sale.scanPlaceholder')}
            autoComplete="off"
            spellCheck={false}
            data-testid="scan-input"
            role="combobox"
            aria-expanded={results.length > 0}
            aria-controls="search-results"
            aria-activedescendant={highlight >= 0 ? `result-${highlight}` : undefined}
          />
          {results.length > 0 && (
            <ul id="search-results" className="results" role="listbox" aria-label={t('ui.sale.results')} data-testid="search-results">
              {results.map((product, i) => (
                <li
                  key={product.id}
                  id={`result-${i}`}
                  role="option"
                  aria-selected={i === highlight}
                  className={i === highlight ? 'highlight' : ''}
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => {
                    setText('');
                    setResults([]);
                    add(product, 1000);
                  }}
                  data-testid="search-result"
                >
                  <span>{product.name}</span>
                  <small>{product.barcode}</small>
                  <strong>{format.money(product.priceMinor)}</strong>
                </li>
              ))}
            </ul>
          )}
        </div>
        <ErrorBox message={message} testId="sale-error" />

        <table className="cart" data-testid="cart">
          <thead>
            <tr>
              <th>{t('ui.sale.product')}</th>
              <th className="num">{t('ui.sale.unitPrice')}</th>
              <th className="num">{t('ui.sale.quantity')}</th>
              <th className="num">{t('ui.sale.discount')}</th>
              <th className="num">{t('ui.sale.lineTotal')}</th>
              <th aria-label={t('ui.sale.remove')} />
            </tr>
          </thead>
          <tbody>
            {cart.lines.length === 0 && (
              <tr>
                <td colSpan={6} className="empty">
                  {t('ui.sale.empty')}
                </td>
              </tr>
            )}
            {cart.lines.map((line, i) => {
              const priced = totals.lines[i];
              return (
                <tr
                  key={line.key}
                  className={i === selectedIndex ? 'selected' : ''}
                  onClick={() => setSelected(i)}
                  data-testid="cart-line"
                  data-barcode={line.product.barcode}
                  aria-selected={i === selectedIndex}
                >
                  <td>
                    {line.product.name}
                    <small className="barcode">{line.product.barcode}</small>
                  </td>
                  <td className="num">{format.money(line.product.priceMinor)}</td>
                  <td className="num qty">
                    <button type="button" className="step" onClick={() => changeQuantity(i, -1)} aria-label={t('ui.sale.less')} data-testid="qty-minus">
                      −
                    </button>
                    {editing?.index === i ? (
                      <input
                        className="qty-input"
                        value={editing.text}
                        autoFocus
                        inputMode="decimal"
                        onChange={(e) => setEditing({ index: i, text: e.target.value })}
                        onBlur={commitEdit}
                        onKeyDown={(e) => {
                          if (e.key === 'Enter') {
                            e.preventDefault();
                            commitEdit();
                          } else if (e.key === 'Escape') {
                            e.preventDefault();
                            e.stopPropagation();
                            setEditing(null);
                          }
                        }}
                        aria-label={t('ui.sale.quantity')}
                        data-testid="qty-input"
                      />
                    ) : (
                      <button type="button" className="qty-value" onClick={() => setEditing({ index: i, text: format.quantity(line.quantityMilli) })} data-testid="qty-value">
                        {format.quantity(line.quantityMilli)}
                      </button>
                    )}
                    <button type="button" className="step" onClick={() => changeQuantity(i, 1)} aria-label={t('ui.sale.more')} data-testid="qty-plus">
                      +
                    </button>
                  </td>
                  <td className="num" data-testid="line-discount">
                    {priced && priced.discountMinor > 0 ? `− ${format.money(priced.discountMinor)}` : ''}
                  </td>
                  <td className="num" data-testid="line-total">
                    {priced ? format.money(priced.totalMinor) : ''}
                  </td>
                  <td>
                    <button type="button" className="step remove" onClick={() => update(removeLine(current.current, i))} aria-label={t('ui.sale.remove')} data-testid="line-remove">
                      ×
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>

      <aside className="sale-right">
        <div className="customer">
          {cart.customer ? (
            <p data-testid="sale-customer">
              {t('ui.customer.label')} : <strong>{cart.customer.name}</strong> {cart.customer.phone}
              <button
                type="button"
                className="small"
                onClick={() => {
                  const { customer: _removed, ...rest } = current.current;
                  update(rest);
                }}
              >
                {t('ui.customer.remove')}
              </button>
            </p>
          ) : (
            <button type="button" className="secondary" onClick={() => setOpen('customer')} data-testid="customer-open">
              {t('ui.customer.add')} <kbd>F6</kbd>
            </button>
          )}
        </div>
        <dl className="totals" data-testid="totals">
          <div>
            <dt>{t('ui.sale.subtotal')}</dt>
            <dd data-testid="subtotal">{format.money(totals.subtotalMinor)}</dd>
          </div>
          <div>
            <dt>{t('ui.sale.discounts')}</dt>
            <dd data-testid="discount-total">{totals.discountMinor > 0 ? `− ${format.money(totals.discountMinor)}` : format.money(0)}</dd>
          </div>
          <div>
            <dt>{t('ui.sale.vatIncluded')}</dt>
            <dd data-testid="vat-total">{format.money(totals.vatMinor)}</dd>
          </div>
          <div className="grand">
            <dt>{t('ui.sale.total')}</dt>
            <dd data-testid="grand-total">{format.money(totals.totalMinor)}</dd>
          </div>
        </dl>
        {overCap !== null && <ErrorBox message={t('errors.DISCOUNT_ABOVE_CAP', { cap: overCap })} testId="cap-error" />}
        <div className="keys">
          <button type="button" onClick={() => keys.current(new KeyboardEvent('keydown', { key: 'F2' }))} data-testid="key-search">
            <kbd>F2</kbd> {t('ui.keys.search')}
          </button>
          <button type="button" onClick={() => cart.lines.length > 0 && setOpen('discount')} disabled={cart.lines.length === 0} data-testid="key-discount">
            <kbd>F4</kbd> {t('ui.keys.discount')}
          </button>
          <button type="button" onClick={() => window.dispatchEvent(new KeyboardEvent('keydown', { key: 'F8' }))} data-testid="key-return">
            <kbd>F8</kbd> {t('ui.keys.return')}
          </button>
          <button type="button" onClick={() => window.dispatchEvent(new KeyboardEvent('keydown', { key: 'F9' }))} data-testid="key-cash">
            <kbd>F9</kbd> {t('ui.keys.cash')}
          </button>
          <button type="button" onClick={() => (cart.lines.length > 0 ? setOpen('cancel') : undefined)} disabled={cart.lines.length === 0} data-testid="key-cancel">
            <kbd>Esc</kbd> {t('ui.keys.cancel')}
          </button>
          <button type="button" className="pay" onClick={openPayment} disabled={cart.lines.length === 0} data-testid="key-pay">
            <kbd>F12</kbd> {t('ui.keys.pay')}
          </button>
        </div>
      </aside>

      {open === 'discount' && (
        <DiscountDialog
          cart={cart}
          selected={selectedIndex}
          role={user.role}
          onApply={(next) => {
            update(next);
            setOpen(null);
          }}
          onClose={() => setOpen(null)}
        />
      )}
      {open === 'customer' && (
        <CustomerDialog
          onPick={(customer) => {
            update({ ...current.current, customer });
            setOpen(null);
          }}
          onClose={() => setOpen(null)}
        />
      )}
      {open === 'payment' && (
        <PaymentDialog
          cart={cart}
          payments={payments}
          setPayments={setPayments}
          onClose={() => setOpen(null)}
          onPaid={(sale) => {
            update(emptyCart);
            setPaymentsState([]);
            setSelected(-1);
            setOpen(null);
            setReceipt(sale);
            refreshSync();
          }}
        />
      )}
      {open === 'cancel' && (
        <Dialog title={t('ui.sale.cancelTitle')} onClose={() => setOpen(null)} testId="cancel-dialog">
          <p>{payments.some((p) => p.status.status === 'succeeded') ? t('ui.sale.cancelPaid') : t('ui.sale.cancelConfirm')}</p>
          <div className="actions">
            <button type="button" className="danger big" onClick={cancelSale} data-testid="cancel-confirm" data-autofocus>
              {t('ui.sale.cancelYes')}
            </button>
            <button type="button" onClick={() => setOpen(null)}>
              {t('ui.sale.cancelNo')}
            </button>
          </div>
        </Dialog>
      )}
      {receipt && <ReceiptDialog sale={receipt} onClose={() => setReceipt(null)} />}
    </main>
  );
}
