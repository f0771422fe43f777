import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Discount } from '../../../../../shared/money.js';
import type { Role } from '../../../../../shared/rbac.js';
import { errorText, localError } from '../../bridge.js';
import { Dialog, ErrorBox } from '../../components/dialog.js';
import { useFormat } from '../../components/format.js';
import { capExceeded, setCartDiscount, setLineDiscount, type Cart } from './cart-state.js';

/**
 * F4: a discount on the selected line or on the whole cart, in percent or in an amount. A
 * discount above the cashier's cap is refused here with the message core would give at checkout.
 */
export function DiscountDialog({ cart, selected, role, onApply, onClose }: { cart: Cart; selected: number; role: Role; onApply: (cart: Cart) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const line = cart.lines[selected];
  const [target, setTarget] = useState<'cart' | 'line'>('cart');
  const current = target === 'line' ? line?.discount : cart.cartDiscount;
  const [kind, setKind] = useState<Discount['kind']>(current?.kind ?? 'percent');
  const [value, setValue] = useState(current ? (current.kind === 'percent' ? String(current.rate / 100) : String(current.amount)) : '');
  const [error, setError] = useState<string | null>(null);

  function apply(discount: Discount | undefined) {
    const next = target === 'line' ? setLineDiscount(cart, selected, discount) : setCartDiscount(cart, discount);
    const cap = capExceeded(next, role);
    if (cap !== null) {
      setError(errorText(localError('DISCOUNT_ABOVE_CAP', t, { cap }), t));
      return;
    }
    onApply(next);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const text = value.trim();
    if (!text) return apply(undefined);
    if (kind === 'percent') {
      const percent = Number(text.replace(',', '.'));
      if (!Number.isFinite(percent) || percent < 0 || percent > 100) return setError(t('ui.discount.invalid'));
      return apply(percent === 0 ? undefined : { kind: 'percent', rate: Math.round(percent * 100) });
    }
    const amount = format.parseAmount(text);
    if (amount === null || amount < 0) return setError(t('ui.discount.invalid'));
    return apply(amount === 0 ? undefined : { kind: 'amount', amount });
  }

  return (
    <Dialog title={t('ui.discount.title')} onClose={onClose} testId="discount-dialog">
      <form className="form" onSubmit={submit}>
        <fieldset className="choice">
          <legend>{t('ui.discount.target')}</legend>
          <label>
            <input type="radio" name="target" checked={target === 'cart'} onChange={() => setTarget('cart')} data-testid="discount-target-cart" />
            {t('ui.discount.cart')}
          </label>
          <label>
            <input type="radio" name="target" checked={target === 'line'} disabled={!line} onChange={() => setTarget('line')} data-testid="discount-target-line" />
            {line ? t('ui.discount.line', { name: line.product.name }) : t('ui.discount.noLine')}
          </label>
        </fieldset>
        <fieldset className="choice">
          <legend>{t('ui.discount.kind')}</legend>
          <label>
            <input type="radio" name="kind" checked={kind === 'percent'} onChange={() => setKind('percent')} data-testid="discount-kind-percent" />
            {t('ui.discount.percent')}
          </label>
          <label>
            <input type="radio" name="kind" checked={kind === 'amount'} onChange={() => setKind('amount')} data-testid="discount-kind-amount" />
            {t('ui.discount.amount', { currency: format.currency })}
          </label>
        </fieldset>
        <label>
          {kind === 'percent' ? t('ui.discount.percentValue') : t('ui.discount.amountValue', { currency: format.currency })}
          <input
            value={value}
            onChange={(e) => {
              setValue(e.target.value);
              setError(null);
            }}
            inputMode="decimal"
            data-testid="discount-value"
            data-autofocus
            autoComplete="off"
          />
        </label>
        <ErrorBox message={error} testId="discount-error" />
        <div className="actions">
          <button type="submit" className="primary big" data-testid="discount-apply">
            {t('ui.discount.apply')}
          </button>
          <button type="button" onClick={() => apply(undefined)} data-testid="discount-remove">
            {t('ui.discount.remove')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
