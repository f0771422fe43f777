import { useTranslation } from 'react-i18next';

const TONE: Record<string, 'ok' | 'muted' | 'warn' | 'danger'> = {
  paid: 'ok', pending: 'warn', unpaid: 'muted', failed: 'danger', expired: 'muted', refunded: 'muted', review: 'danger',
  new: 'warn', preparing: 'warn', ready: 'ok', picked_up: 'ok', delivered: 'ok', cancelled: 'danger',
};

/** A payment or preparation status in words and colour (the word alone carries it for screen readers). */
export function StatusBadge({ kind, status }: { kind: 'payment' | 'fulfilment'; status: string }) {
  const { t } = useTranslation();
  return (
    <span className={`badge ${TONE[status] ?? 'muted'}`} data-testid={`${kind}-badge`} data-status={status}>
      {t(`ui.orders.${kind}.${status}`, { defaultValue: status })}
    </span>
  );
}
