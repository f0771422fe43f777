import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { v7 as uuidv7 } from 'uuid';
import { Link, useNavigate, useParams } from 'react-router';
import { getOrder, purchasingKeys, receiveOrder, type OrderDetail, type ReceptionInput } from '../../api/purchasing.js';
import { useFormat } from '../../components/format.js';
import { useUser } from '../../session/session.js';
import { useQuantity } from './order-screen.js';
import { parseQuantity, quantityInputText } from '../../../../../../shared/quantity.js';
import { parseUnitCost, purchaseQuantityRules } from './quantities.js';

/** /commandes-achat/:orderId/reception: what arrived, prefilled with what remains at the ordered cost. */
export function ReceptionScreen() {
  const { orderId } = useParams();
  const { t } = useTranslation();
  const user = useUser();
  const order = useQuery({ queryKey: purchasingKeys.order(user.tenantId, orderId!), queryFn: ({ signal }) => getOrder(user.tenantId, orderId!, signal) });
  if (!order.data) {
    return (
      <section className="product-form">
        <Link to={`/commandes-achat/${encodeURIComponent(orderId!)}`} className="back">
          ← {t('ui.reception.back')}
        </Link>
        {order.error ? <p className="error" role="alert">{order.error.message}</p> : <p className="muted">{t('ui.app.loading')}</p>}
      </section>
    );
  }
  return <ReceptionForm key={order.data.id} order={order.data} />;
}

type Values = Record<string, { quantity: string; unitCost: string }>;
type Errors = Record<string, { quantity?: 'invalid' | 'tooMuch'; unitCost?: boolean }>;

function ReceptionForm({ order }: { order: OrderDetail }) {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const quantity = useQuantity();
  const user = useUser();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const open = order.lines.filter((l) => l.remainingMilli > 0);
  const [values, setValues] = useState<Values>(() =>
    Object.fromEntries(open.map((l) => [l.id, { quantity: quantityInputText(l.remainingMilli, i18n.language), unitCost: String(l.unitCostMinor) }])),
  );
  const [errors, setErrors] = useState<Errors>({});
  const [nothing, setNothing] = useState(false);
  // One id for this reception, kept across retries: a second press after a lost answer is the
  // same reception, which the API finds and does not record twice. (uuid, not
  // crypto.randomUUID: an admin reached over plain http on a shop's network is not a secure
  // context, where the latter does not exist.)
  const [receptionId] = useState(() => uuidv7());

  const save = useMutation({
    mutationFn: (input: ReceptionInput) => receiveOrder(user.tenantId, order.id, input),
    onSuccess: async (result) => {
      queryClient.setQueryData(purchasingKeys.order(user.tenantId, order.id), result.order);
      await queryClient.invalidateQueries({ queryKey: purchasingKeys.orders(user.tenantId), predicate: (q) => q.queryKey[2] === 'list' });
      navigate(`/commandes-achat/${encodeURIComponent(order.id)}`, { state: { flash: 'received' } });
    },
  });

  const set = (lineId: string, field: 'quantity' | 'unitCost', value: string) => {
    setValues((v) => ({ ...v, [lineId]: { ...v[lineId]!, [field]: value } }));
    setErrors((e) => ({ ...e, [lineId]: { ...e[lineId], [field]: undefined } }));
    setNothing(false);
  };

  function submit(event: FormEvent) {
    event.preventDefault();
    const found: Errors = {};
    const lines: ReceptionInput['lines'] = [];
    for (const l of open) {
      const v = values[l.id]!;
      // A line left empty or at 0 was not delivered this time.
      if (/^\s*0*([.,]0*)?\s*$/.test(v.quantity)) continue;
      const quantityMilli = parseQuantity(v.quantity, purchaseQuantityRules(l.unit));
      const unitCostMinor = parseUnitCost(v.unitCost);
      const quantityError = quantityMilli === null ? 'invalid' : quantityMilli > l.remainingMilli ? 'tooMuch' : undefined;
      if (quantityError || unitCostMinor === null) {
        found[l.id] = { quantity: quantityError, unitCost: unitCostMinor === null };
        continue;
      }
      lines.push({ lineId: l.id, quantityMilli: quantityMilli!, unitCostMinor });
    }
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setTimeout(() => document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    if (lines.length === 0) {
      setNothing(true);
      return;
    }
    save.mutate({ id: receptionId, lines });
  }

  const invalid = Object.values(errors).some((e) => e.quantity || e.unitCost);

  return (
    <section className="po-detail reception-screen" data-testid="reception-screen">
      <Link to={`/commandes-achat/${encodeURIComponent(order.id)}`} className="back">
        ← {t('ui.reception.back')}
      </Link>
      <h1>{t('ui.reception.title', { number: order.number })}</h1>
      <p className="muted">
        {order.supplierName} → {order.boutiqueName}
      </p>
      {open.length === 0 ? (
        <p className="notice">{t('ui.reception.done')}</p>
      ) : (
        <form className="card" onSubmit={submit} noValidate data-testid="reception-form">
          <p className="muted">{t('ui.reception.intro')}</p>
          <table className="lines-table">
            <thead>
              <tr>
                <th scope="col">{t('ui.reception.product')}</th>
                <th scope="col" className="num">{t('ui.reception.remaining')}</th>
                <th scope="col" className="num">{t('ui.reception.quantity')}</th>
                <th scope="col" className="num">{t('ui.reception.unitCost')}</th>
                <th scope="col" className="num">{t('ui.reception.costNow')}</th>
              </tr>
            </thead>
            <tbody>
              {open.map((l, index) => {
                const e = errors[l.id];
                return (
                  <tr key={l.id} data-testid="reception-row" data-barcode={l.productBarcode}>
                    <td>
                      <strong>{l.productName}</strong>
                      <br />
                      <small className="mono muted">{l.productBarcode}</small>
                    </td>
                    <td className="num">{quantity(l.remainingMilli, l.unit)}</td>
                    <td className="num">
                      <span className="qty-input">
                        <input
                          data-testid="reception-quantity"
                          aria-label={`${t('ui.reception.quantity')} — ${l.productName}`}
                          inputMode="decimal"
                          value={values[l.id]!.quantity}
                          onChange={(ev) => set(l.id, 'quantity', ev.target.value)}
                          aria-invalid={e?.quantity ? true : undefined}
                          autoFocus={index === 0}
                        />
                        <small>{t(`ui.products.units.${l.unit}`)}</small>
                      </span>
                      {e?.quantity === 'invalid' && <small className="field-error">{t('ui.reception.quantityInvalid')}</small>}
                      {e?.quantity === 'tooMuch' && <small className="field-error">{t('ui.reception.tooMuch', { remaining: quantity(l.remainingMilli, l.unit) })}</small>}
                    </td>
                    <td className="num">
                      <input
                        data-testid="reception-cost"
                        aria-label={`${t('ui.reception.unitCost')} — ${l.productName}`}
                        inputMode="numeric"
                        value={values[l.id]!.unitCost}
                        onChange={(ev) => set(l.id, 'unitCost', ev.target.value)}
                        aria-invalid={e?.unitCost || undefined}
                      />
                      {e?.unitCost && <small className="field-error">{t('ui.reception.unitCostInvalid')}</small>}
                    </td>
                    <td className="num">{l.costMinor === null ? '—' : format.money(l.costMinor)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {(invalid || nothing || save.error) && (
            <p className="error" role="alert" data-testid="reception-error">
              {save.error ? save.error.message : nothing ? t('ui.reception.nothing') : t('ui.reception.fix')}
            </p>
          )}
          {save.isPending && (
            <p className="muted" role="status" aria-live="polite">
              {t('ui.reception.submitting')}
            </p>
          )}
          <div className="actions">
            <Link to={`/commandes-achat/${encodeURIComponent(order.id)}`} className="button">
              {t('ui.orderForm.cancel')}
            </Link>
            <button type="submit" className="primary" disabled={save.isPending} data-testid="reception-submit">
              {save.isPending ? t('ui.reception.submitting') : t('ui.reception.submit')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
