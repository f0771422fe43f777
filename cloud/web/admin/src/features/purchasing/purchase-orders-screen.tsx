import { useQuery } from '@tanstack/react-query';
import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { can } from '../../../../../../shared/rbac.js';
import { listOrders, listSuppliers, ORDER_STATUSES, purchasingKeys, type OrderStatus, type OrderSummary } from '../../api/purchasing.js';
import { choiceField, textField, useAddressFilters } from '../../components/address-filters.js';
import { DataGrid, usePagedGrid } from '../../components/data-grid.js';
import { ChoiceField, FilterBar, ListTotal, namedChoices } from '../../components/filters.js';
import { useFormat } from '../../components/format.js';
import { usePagedList } from '../../components/paged-list.js';
import { useUser } from '../../session/session.js';

const features = tableFeatures({});
const helper = createColumnHelper<typeof features, OrderSummary>();
const ROW_HEIGHT = 44;

/** The badge class of each status: what still waits stands out, what is over fades. */
export const STATUS_BADGE: Record<OrderStatus, string> = {
  draft: 'badge muted',
  ordered: 'badge warn',
  partly_received: 'badge warn',
  received: 'badge ok',
  cancelled: 'badge muted',
};

/** The filters live in the address: a reload or a link shows the same list. */
const FILTERS = { status: choiceField('statut', ORDER_STATUSES, ''), supplierId: textField('fournisseur') };

/** /commandes-achat: newest first, filtered by status and supplier (in the address); a dg sees their boutiques'. */
export function PurchaseOrdersScreen() {
  const { t } = useTranslation();
  const format = useFormat();
  const user = useUser();
  const navigate = useNavigate();
  const [{ status, supplierId }, setFilters] = useAddressFilters(FILTERS);

  // The filter offers the active suppliers (the first 200 by name); an archived one chosen by a link still filters.
  const suppliers = useQuery({
    queryKey: purchasingKeys.supplierOptions(user.tenantId, 'all'),
    queryFn: ({ signal }) => listSuppliers(user.tenantId, { q: '', status: 'all', limit: 200 }, null, signal),
    staleTime: 60_000,
  });

  const { list, rows } = usePagedList({
    queryKey: purchasingKeys.orderList(user.tenantId, status, supplierId),
    fetchPage: (cursor: number | null, signal) => listOrders(user.tenantId, { status, supplierId }, cursor, signal),
    next: (page) => page.nextBefore,
    rowsOf: (page) => page.orders,
  });
  const total = list.data?.pages[0]?.total ?? 0;

  const columns = useMemo(
    () =>
      helper.columns([
        helper.accessor('number', { header: () => t('ui.purchaseOrders.columns.number'), cell: (c) => <Link className="mono" to={`/commandes-achat/${encodeURIComponent(c.row.original.id)}`}>{c.getValue()}</Link> }),
        helper.accessor('supplierName', { header: () => t('ui.purchaseOrders.columns.supplier'), cell: (c) => <span title={c.getValue()}>{c.getValue()}</span> }),
        helper.accessor('boutiqueName', { header: () => t('ui.purchaseOrders.columns.boutique'), cell: (c) => <span title={c.getValue()}>{c.getValue()}</span> }),
        helper.accessor('status', { header: () => t('ui.purchaseOrders.columns.status'), cell: (c) => <span className={STATUS_BADGE[c.getValue()]}>{t(`ui.purchaseOrders.statuses.${c.getValue()}`)}</span> }),
        helper.accessor('lineCount', { header: () => t('ui.purchaseOrders.columns.lines'), cell: (c) => format.number(c.getValue()) }),
        helper.accessor('totalMinor', { header: () => t('ui.purchaseOrders.columns.total'), cell: (c) => format.money(c.getValue()) }),
        helper.accessor('createdAt', { header: () => t('ui.purchaseOrders.columns.createdAt'), cell: (c) => format.date(c.getValue()) }),
      ]),
    [t, format],
  );
  const table = useTable({ features, columns, data: rows, getRowId: (row) => row.id });
  const grid = usePagedGrid(list, rows.length, { rowHeight: ROW_HEIGHT });

  return (
    <section className="products purchasing" data-testid="purchase-orders-screen">
      <div className="page-head">
        <div>
          <h1>{t('ui.purchaseOrders.title')}</h1>
          <ListTotal testId="purchase-orders-total" total={list.data && total} countKey="ui.purchaseOrders.count" />
        </div>
        {can(user.role, 'suppliers', 'write') && (
          <Link className="button primary" to="/commandes-achat/nouvelle" data-testid="purchase-order-new">
            {t('ui.purchaseOrders.new')}
          </Link>
        )}
      </div>
      <FilterBar label={t('ui.purchaseOrders.filters')} search={false}>
        <ChoiceField
          id="orders-status"
          label={t('ui.purchaseOrders.status')}
          value={status}
          all={t('ui.purchaseOrders.allStatuses')}
          choices={ORDER_STATUSES.map((s) => ({ value: s, label: t(`ui.purchaseOrders.statuses.${s}`) }))}
          onChange={(value) => setFilters({ status: value as OrderStatus | '' })}
        />
        <ChoiceField id="orders-supplier" label={t('ui.purchaseOrders.supplier')} value={supplierId} all={t('ui.purchaseOrders.allSuppliers')} choices={namedChoices(suppliers.data?.suppliers)} wide onChange={(value) => setFilters({ supplierId: value })} />
      </FilterBar>
      <DataGrid
        table={table}
        grid={grid}
        error={list.error}
        errorTestId="purchase-orders-error"
        label={t('ui.purchaseOrders.title')}
        testId="purchase-orders-table"
        total={total}
        columnClass={(id) => `po-${id}`}
        loadingMore={t('ui.purchaseOrders.loadingMore')}
        empty={
          <p className="empty" data-testid="purchase-orders-empty">
            {status || supplierId ? t('ui.purchaseOrders.empty') : t('ui.purchaseOrders.emptyAll')}
          </p>
        }
        rowTestId="purchase-order-row"
        rowData={(order) => ({ 'data-number': order.number, 'data-status': order.status })}
        onRowClick={(order) => navigate(`/commandes-achat/${encodeURIComponent(order.id)}`)}
      />
    </section>
  );
}
