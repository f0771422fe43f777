import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { can } from '../../../../../../shared/rbac.js';
import { cancelOrder, getOrder, moveOrder, orderKeys, type OrderDetail, type OrderStep } from '../../api/orders.js';
import { useFormat } from '../../components/format.js';
import { useUser } from '../../session/session.js';
import { StatusBadge } from './status-badge.js';

/** /commandes/:orderId: lines, customer, payment, and the next steps of preparation. */
export function OrderDetailScreen() {
  const { orderId = '' } = useParams();
  const { t } = useTranslation();
  const user = useUser();
  const order = useQuery({ queryKey: orderKeys.one(user.tenantId, orderId), queryFn: ({ signal }) => getOrder(user.tenantId, orderId, signal) });
  return (
    <section className="order-detail" data-testid="order-detail">
      <Link to="/commandes" className="back">
        ← {t('ui.orders.back')}
      </Link>
      {order.data ? (
        <OrderView order={order.data} />
      ) : order.error ? (
        <p className="error" role="alert" data-testid="order-error">
          {order.error.message}
        </p>
      ) : (
        <p className="muted">{t('ui.app.loading')}</p>
      )}
    </section>
  );
}

function OrderView({ order }: { order: OrderDetail }) {
  const { t } = useTranslation();
  const format = useFormat();
  const user = useUser();
  const queryClient = useQueryClient();
  const writable = can(user.role, 'ecommerce.orders', 'write');
  const [cancelling, setCancelling] = useState(false);
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<string | null>(null);

  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: orderKeys.all(user.tenantId) });
  };
  const move = useMutation({
    mutationFn: (step: Exclude<OrderStep, 'cancelled'>) => moveOrder(user.tenantId, order.orderId, step),
    onSuccess: async (_, step) => {
      setDone(t('ui.orders.detail.moved', { status: t(`ui.orders.fulfilment.${step}`) }));
      await refresh();
    },
  });
  const cancel = useMutation({
    mutationFn: () => cancelOrder(user.tenantId, order.orderId, reason.trim()),
    onSuccess: async (answer) => {
      setCancelling(false);
      setDone(answer.refunded ? t('ui.orders.detail.cancelledRefunded') : t('ui.orders.detail.cancelled'));
      await refresh();
    },
  });
  const busy = move.isPending || cancel.isPending;
  const error = move.error ?? cancel.error;
  const steps = order.nextSteps.filter((s): s is Exclude<OrderStep, 'cancelled'> => s !== 'cancelled');
  const paid = order.paymentStatus === 'paid';

  return (
    <>
      <div className="page-head">
        <div>
          <h1 data-testid="order-number">{t('ui.orders.detail.title', { number: order.number })}</h1>
          <p className="muted">
            {t('ui.orders.detail.placed', { date: format.date(order.createdAt) })} · {order.boutiqueName ?? '—'}
          </p>
        </div>
        <div className="statuses">
          <StatusBadge kind="payment" status={order.paymentStatus} />
          <StatusBadge kind="fulfilment" status={order.fulfilmentStatus} />
        </div>
      </div>

      {done && (
        <p className="notice ok" role="status" data-testid="order-flash">
          {done}
        </p>
      )}
      {error && (
        <p className="error" role="alert" data-testid="order-action-error">
          {error.message}
        </p>
      )}

      {writable && order.nextSteps.length > 0 && (
        <div className="order-actions" data-testid="order-actions">
          {steps.map((step, i) => (
            <button key={step} type="button" className={i === 0 ? 'primary' : ''} disabled={busy} data-testid={`step-${step}`} onClick={() => move.mutate(step)}>
              {t(`ui.orders.steps.${step}`)}
            </button>
          ))}
          {order.nextSteps.includes('cancelled') && !cancelling && (
            <button type="button" className="danger-outline" disabled={busy} data-testid="step-cancelled" onClick={() => setCancelling(true)}>
              {t('ui.orders.steps.cancelled')}
            </button>
          )}
          {!paid && order.fulfilmentStatus === 'new' && <small className="muted">{t('ui.orders.detail.waitingPayment')}</small>}
        </div>
      )}
      {cancelling && (
        <form
          className="card cancel-form"
          data-testid="cancel-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (reason.trim().length >= 3) cancel.mutate();
          }}
        >
          <p>{paid ? t('ui.orders.detail.cancelPaid') : t('ui.orders.detail.cancelUnpaid')}</p>
          <div className="field">
            <label htmlFor="cancel-reason">{t('ui.orders.detail.reason')}</label>
            <input id="cancel-reason" data-testid="cancel-reason" value={reason} autoFocus maxLength={300} onChange={(e) => setReason(e.target.value)} />
          </div>
          <div className="actions">
            <button type="button" onClick={() => setCancelling(false)} disabled={busy}>
              {t('ui.orders.detail.keep')}
            </button>
            <button type="submit" className="danger" data-testid="cancel-confirm" disabled={busy || reason.trim().length < 3}>
              {cancel.isPending ? t('ui.orders.detail.cancelling') : t('ui.orders.detail.confirmCancel')}
            </button>
          </div>
        </form>
      )}

      <div className="order-grid">
        <div className="card">
          <h2>{t('ui.orders.detail.lines')}</h2>
          <table className="lines" data-testid="order-lines">
            <thead>
              <tr>
                <th>{t('ui.orders.detail.product')}</th>
                <th className="num">{t('ui.orders.detail.quantity')}</th>
                <th className="num">{t('ui.orders.detail.unitPrice')}</th>
                <th className="num">{t('ui.orders.detail.lineTotal')}</th>
              </tr>
            </thead>
            <tbody>
              {order.lines.map((line, i) => (
                <tr key={i}>
                  <td>{line.name}</td>
                  <td className="num">{format.number(line.quantity)}</td>
                  <td className="num">{format.money(line.unitPriceMinor)}</td>
                  <td className="num">{format.money(line.totalMinor)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th colSpan={3}>{t('ui.orders.detail.total')}</th>
                <th className="num" data-testid="order-total">{format.money(order.totalMinor)}</th>
              </tr>
            </tfoot>
          </table>
        </div>
        <div className="side">
          <div className="card" data-testid="order-customer">
            <h2>{t('ui.orders.detail.customer')}</h2>
            <p>
              <strong>{order.customer.name}</strong>
              <br />
              <a href={`tel:${order.customer.phone.replace(/\s/g, '')}`}>{order.customer.phone}</a>
              {order.customer.email && (
                <>
                  <br />
                  {order.customer.email}
                </>
              )}
            </p>
          </div>
          <div className="card" data-testid="order-payment">
            <h2>{t('ui.orders.detail.payment')}</h2>
            {order.payment ? (
              <dl className="facts">
                <dt>{t('ui.orders.detail.provider')}</dt>
                <dd>{t(`ui.orders.providers.${order.payment.provider}`, { defaultValue: order.payment.provider })}</dd>
                <dt>{t('ui.orders.detail.paymentStatus')}</dt>
                <dd>
                  <StatusBadge kind="payment" status={order.paymentStatus} />
                </dd>
                <dt>{t('ui.orders.detail.reference')}</dt>
                <dd className="mono" title={order.payment.reference ?? ''}>{order.payment.reference ?? '—'}</dd>
                <dt>{t('ui.orders.detail.amount')}</dt>
                <dd>{format.money(order.payment.amountMinor)}</dd>
              </dl>
            ) : (
              <p className="muted">{t('ui.orders.detail.noPayment')}</p>
            )}
          </div>
        </div>
      </div>
    </>
  );
}
