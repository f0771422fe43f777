import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { FULFILMENT_STATUSES, listOrders, orderKeys, type FulfilmentStatus, type OrderFilters, type OrderSummary } from '../../api/orders.js';
import { choiceField, textField, useAddressFilters } from '../../components/address-filters.js';
import { DataGrid, usePagedGrid } from '../../components/data-grid.js';
import { ChoiceField, FilterBar, SearchField, useSearchText } from '../../components/filters.js';
import { useFormat } from '../../components/format.js';
import { usePagedList } from '../../components/paged-list.js';
import { useUser } from '../../session/session.js';
import { FulfilmentSetting } from './fulfilment-setting.js';
import { StatusBadge } from './status-badge.js';

const features = tableFeatures({});
const helper = createColumnHelper<typeof features, OrderSummary>();
const ROW_HEIGHT = 48;

/** The filters live in the address: a reload or a link shows the same list. */
const FILTERS = { q: textField('q'), status: choiceField('statut', FULFILMENT_STATUSES, '') };

/** /commandes: the online orders, newest first, by pages as the list scrolls. */
export function OrdersScreen() {
  const { t } = useTranslation();
  const format = useFormat();
  const user = useUser();
  const navigate = useNavigate();
  const [filters, setFilters] = useAddressFilters<OrderFilters>(FILTERS);
  const [search, setSearch] = useSearchText(filters.q, (q) => setFilters({ q }));

  const { list, rows } = usePagedList({
    queryKey: orderKeys.list(user.tenantId, filters),
    fetchPage: (cursor: string | null, signal) => listOrders(user.tenantId, filters, cursor, signal),
    next: (page) => page.nextCursor,
    rowsOf: (page) => page.orders,
    // New orders arrive while the screen is open: the list refreshes itself.
    refetchInterval: 30_000,
  });

  const columns = useMemo(
    () =>
      helper.columns([
        helper.accessor('number', { header: () => t('ui.orders.columns.number'), cell: (c) => <Link to={`/commandes/${c.row.original.orderId}`} className="mono">{c.getValue()}</Link> }),
        helper.accessor('createdAt', { header: () => t('ui.orders.columns.createdAt'), cell: (c) => format.date(c.getValue()) }),
        helper.accessor('customer', {
          header: () => t('ui.orders.columns.customer'),
          cell: (c) => (
            <span title={`${c.getValue().name} · ${c.getValue().phone}`}>
              {c.getValue().name} <small className="muted">{c.getValue().phone}</small>
            </span>
          ),
        }),
        helper.accessor('totalMinor', { header: () => t('ui.orders.columns.total'), cell: (c) => format.money(c.getValue()) }),
        helper.accessor('paymentStatus', { header: () => t('ui.orders.columns.payment'), cell: (c) => <StatusBadge kind="payment" status={c.getValue()} /> }),
        helper.accessor('fulfilmentStatus', { header: () => t('ui.orders.columns.fulfilment'), cell: (c) => <StatusBadge kind="fulfilment" status={c.getValue()} /> }),
        helper.accessor('boutiqueName', { header: () => t('ui.orders.columns.boutique'), cell: (c) => c.getValue() ?? '—' }),
      ]),
    [t, format],
  );
  const table = useTable({ features, columns, data: rows, getRowId: (row) => row.orderId });
  const grid = usePagedGrid(list, rows.length, { rowHeight: ROW_HEIGHT, resetKey: JSON.stringify(filters) });

  return (
    <section className="products orders" data-testid="orders-screen">
      <div className="page-head">
        <div>
          <h1>{t('ui.orders.title')}</h1>
          <p className="muted">{t('ui.orders.intro')}</p>
        </div>
        <FulfilmentSetting />
      </div>

      <FilterBar label={t('ui.orders.filters')}>
        <SearchField id="orders-search" label={t('ui.orders.search')} value={search} placeholder={t('ui.orders.searchPlaceholder')} onChange={setSearch} />
        <ChoiceField
          id="orders-status"
          label={t('ui.orders.status')}
          value={filters.status}
          all={t('ui.orders.allStatuses')}
          choices={FULFILMENT_STATUSES.map((status) => ({ value: status, label: t(`ui.orders.fulfilment.${status}`) }))}
          onChange={(status) => setFilters({ status: status as FulfilmentStatus | '' })}
        />
      </FilterBar>

      <DataGrid
        table={table}
        grid={grid}
        error={list.error}
        errorTestId="orders-error"
        label={t('ui.orders.title')}
        testId="orders-table"
        scrollerTestId="orders-scroller"
        columnClass={(id) => `ocol-${id}`}
        loadingMore={t('ui.orders.loadingMore')}
        empty={
          <p className="empty" data-testid="orders-empty">
            {filters.q || filters.status ? t('ui.orders.empty') : t('ui.orders.none')}
          </p>
        }
        rowTestId="order-row"
        rowData={(order) => ({ 'data-number': order.number, 'data-status': order.fulfilmentStatus })}
        onRowClick={(order) => navigate(`/commandes/${order.orderId}`)}
      />
    </section>
  );
}
