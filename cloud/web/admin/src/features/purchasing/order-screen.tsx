import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'react-router';
import { can } from '../../../../../../shared/rbac.js';
import { cancelOrder, getOrder, placeOrder, purchasingKeys, type OrderDetail, type Unit } from '../../api/purchasing.js';
import { useFormat } from '../../components/format.js';
import { useUser } from '../../session/session.js';
import { STATUS_BADGE } from './purchase-orders-screen.js';

type Flash = 'saved' | 'placed' | 'cancelled' | 'received';

/** A quantity with its unit, in the screen's language: "1,5 kg", "1 pièce", "12 pièces". */
export function useQuantity() {
  const { t } = useTranslation();
  const format = useFormat();
  const numbers = new Intl.NumberFormat(format.locale, { maximumFractionDigits: 3 });
  return (milli: number, unit: Unit) => t(`ui.purchaseOrder.qty_${unit}`, { count: milli / 1000, qty: numbers.format(milli / 1000) });
}

/** /commandes-achat/:orderId: the order, its lines, its receptions with each product's cost before → after. */
export function OrderScreen() {
  const { orderId } = useParams();
  const { t } = useTranslation();
  const user = useUser();
  const order = useQuery({ queryKey: purchasingKeys.order(user.tenantId, orderId!), queryFn: ({ signal }) => getOrder(user.tenantId, orderId!, signal) });
  if (!order.data) {
    return (
      <section className="product-form">
        <Link to="/commandes-achat" className="back">
          ← {t('ui.purchaseOrder.back')}
        </Link>
        {order.error ? <p className="error" role="alert" data-testid="order-error">{order.error.message}</p> : <p className="muted">{t('ui.app.loading')}</p>}
      </section>
    );
  }
  return <OrderView order={order.data} />;
}

function OrderView({ order }: { order: OrderDetail }) {
  const { t } = useTranslation();
  const format = useFormat();
  const quantity = useQuantity();
  const user = useUser();
  const location = useLocation();
  const queryClient = useQueryClient();
  const [flash, setFlash] = useState<Flash | null>((location.state as { flash?: Flash } | null)?.flash ?? null);
  const writable = can(user.role, 'suppliers', 'write');
  const lineOf = new Map(order.lines.map((l) => [l.id, l]));

  const step = useMutation({
    mutationFn: (action: 'place' | 'cancel') => (action === 'place' ? placeOrder(user.tenantId, order.id) : cancelOrder(user.tenantId, order.id)),
    onSuccess: async (saved, action) => {
      queryClient.setQueryData(purchasingKeys.order(user.tenantId, saved.id), saved);
      await queryClient.invalidateQueries({ queryKey: purchasingKeys.orders(user.tenantId), exact: false, predicate: (q) => q.queryKey[2] === 'list' });
      setFlash(action === 'place' ? 'placed' : 'cancelled');
    },
  });
  const receivable = order.status === 'ordered' || order.status === 'partly_received';

  return (
    <section className="po-detail" data-testid="order-screen" data-status={order.status}>
      <Link to="/commandes-achat" className="back">
        ← {t('ui.purchaseOrder.back')}
      </Link>
      <div className="page-head">
        <div>
          <h1>
            {t('ui.purchaseOrder.title', { number: order.number })}{' '}
            <span className={STATUS_BADGE[order.status]} data-testid="order-status">
              {t(`ui.purchaseOrders.statuses.${order.status}`)}
            </span>
          </h1>
        </div>
        {writable && (
          <div className="actions">
            {order.status === 'draft' && (
              <Link className="button" to={`/commandes-achat/${encodeURIComponent(order.id)}/modifier`} data-testid="order-edit">
                {t('ui.purchaseOrder.edit')}
              </Link>
            )}
            {(order.status === 'draft' || order.status === 'ordered') && (
              <button type="button" disabled={step.isPending} data-testid="order-cancel" onClick={() => window.confirm(t('ui.purchaseOrder.confirmCancel', { number: order.number })) && step.mutate('cancel')}>
                {step.isPending && step.variables === 'cancel' ? t('ui.purchaseOrder.cancelling') : t('ui.purchaseOrder.cancelOrder')}
              </button>
            )}
            {order.status === 'draft' && (
              <button type="button" className="primary" disabled={step.isPending || order.lineCount === 0} data-testid="order-place" onClick={() => step.mutate('place')}>
                {step.isPending && step.variables === 'place' ? t('ui.purchaseOrder.placing') : t('ui.purchaseOrder.place')}
              </button>
            )}
            {receivable && (
              <Link className="button primary" to={`/commandes-achat/${encodeURIComponent(order.id)}/reception`} data-testid="order-receive">
                {t('ui.purchaseOrder.receive')}
              </Link>
            )}
          </div>
        )}
      </div>
      {flash && (
        <p className="notice ok" role="status" data-testid="order-flash">
          {t(`ui.purchaseOrder.${flash}`)}
        </p>
      )}
      {step.error && (
        <p className="error" role="alert" data-testid="order-step-error">
          {step.error.message}
        </p>
      )}

      <dl className="card facts">
        <div><dt>{t('ui.purchaseOrder.supplier')}</dt><dd data-testid="order-supplier-name">{order.supplierName}</dd></div>
        <div><dt>{t('ui.purchaseOrder.boutique')}</dt><dd data-testid="order-boutique-name">{order.boutiqueName}</dd></div>
        <div><dt>{t('ui.purchaseOrder.createdAt')}</dt><dd>{format.date(order.createdAt)}</dd></div>
        <div><dt>{t('ui.purchaseOrder.orderedAt')}</dt><dd>{order.orderedAt ? format.date(order.orderedAt) : '—'}</dd></div>
        <div><dt>{t('ui.purchaseOrder.total')}</dt><dd data-testid="order-total-amount">{format.money(order.totalMinor)}</dd></div>
        <div><dt>{t('ui.purchaseOrder.receivedTotal')}</dt><dd data-testid="order-received-amount">{format.money(order.receivedTotalMinor)}</dd></div>
        {order.notes && <div className="wide-fact"><dt>{t('ui.purchaseOrder.notes')}</dt><dd>{order.notes}</dd></div>}
      </dl>

      <h2>{t('ui.purchaseOrder.lines')}</h2>
      <table className="lines-table card" data-testid="order-detail-lines">
        <thead>
          <tr>
            <th scope="col">{t('ui.purchaseOrder.columns.product')}</th>
            <th scope="col" className="num">{t('ui.purchaseOrder.columns.ordered')}</th>
            <th scope="col" className="num">{t('ui.purchaseOrder.columns.received')}</th>
            <th scope="col" className="num">{t('ui.purchaseOrder.columns.remaining')}</th>
            <th scope="col" className="num">{t('ui.purchaseOrder.columns.unitCost')}</th>
            <th scope="col" className="num">{t('ui.purchaseOrder.columns.amount')}</th>
            <th scope="col" className="num">{t('ui.purchaseOrder.columns.cost')}</th>
          </tr>
        </thead>
        <tbody>
          {order.lines.map((l) => (
            <tr key={l.id} data-testid="order-detail-line" data-barcode={l.productBarcode}>
              <td>
                <strong>{l.productName}</strong>
                <br />
                <small className="mono muted">{l.productBarcode}</small>
              </td>
              <td className="num">{quantity(l.quantityMilli, l.unit)}</td>
              <td className="num" data-testid="line-received">{quantity(l.receivedMilli, l.unit)}</td>
              <td className="num">{quantity(l.remainingMilli, l.unit)}</td>
              <td className="num">{format.money(l.unitCostMinor)}</td>
              <td className="num">{format.money(l.amountMinor)}</td>
              <td className="num" data-testid="line-cost">{l.costMinor === null ? '—' : format.money(l.costMinor)}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>{t('ui.purchaseOrder.receptions')}</h2>
      {order.receptions.length === 0 && <p className="muted">{t('ui.purchaseOrder.noReceptions')}</p>}
      {order.receptions.map((r) => (
        <div className="card reception" key={r.id} data-testid="order-reception">
          <p className="reception-head">
            <strong>{r.receivedByName ? t('ui.purchaseOrder.receptionBy', { date: format.date(r.receivedAt), name: r.receivedByName }) : t('ui.purchaseOrder.receptionAt', { date: format.date(r.receivedAt) })}</strong>
            <span>{format.money(r.totalMinor)}</span>
          </p>
          <table className="lines-table">
            <thead>
              <tr>
                <th scope="col">{t('ui.purchaseOrder.columns.product')}</th>
                <th scope="col" className="num">{t('ui.purchaseOrder.columns.received')}</th>
                <th scope="col" className="num">{t('ui.purchaseOrder.columns.unitCost')}</th>
                <th scope="col" className="num">{t('ui.purchaseOrder.columns.cost')}</th>
              </tr>
            </thead>
            <tbody>
              {r.lines.map((rl) => {
                const line = lineOf.get(rl.lineId);
                return (
                  <tr key={rl.lineId} data-testid="reception-line" data-barcode={line?.productBarcode}>
                    <td>{line?.productName ?? rl.productId}</td>
                    <td className="num">{line ? quantity(rl.quantityMilli, line.unit) : rl.quantityMilli}</td>
                    <td className="num">{format.money(rl.unitCostMinor)}</td>
                    <td className="num" data-testid="cost-change" data-before={rl.costBeforeMinor ?? ''} data-after={rl.costAfterMinor}>
                      {t('ui.purchaseOrder.costChange', {
                        before: rl.costBeforeMinor === null ? t('ui.purchaseOrder.noCost') : format.money(rl.costBeforeMinor),
                        after: format.money(rl.costAfterMinor),
                      })}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}
