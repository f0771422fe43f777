import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { FULFILMENT_STATUSES, listOrders, orderKeys, type FulfilmentStatus, type OrderFilters, type OrderSummary } from '../../api/orders.js';
import { useFormat } from '../../components/format.js';
import { useUser } from '../../session/session.js';
import { FulfilmentSetting } from './fulfilment-setting.js';
import { StatusBadge } from './status-badge.js';

const features = tableFeatures({});
const helper = createColumnHelper<typeof features, OrderSummary>();
const ROW_HEIGHT = 48;
const PREFETCH_ROWS = 40;
const EMPTY: OrderSummary[] = [];

/** The filters live in the address: a reload or a link shows the same list. */
function useFilters(): [OrderFilters, (changes: Partial<OrderFilters>) => void] {
  const [params, setParams] = useSearchParams();
  const status = params.get('statut') ?? '';
  const filters: OrderFilters = {
    q: params.get('q') ?? '',
    status: (FULFILMENT_STATUSES as readonly string[]).includes(status) ? (status as FulfilmentStatus) : '',
  };
  const update = (changes: Partial<OrderFilters>) => {
    const next = { ...filters, ...changes };
    const search = new URLSearchParams();
    if (next.q) search.set('q', next.q);
    if (next.status) search.set('statut', next.status);
    setParams(search, { replace: true });
  };
  return [filters, update];
}

/** /commandes: the online orders, newest first, by pages as the list scrolls. */
export function OrdersScreen() {
  const { t } = useTranslation();
  const format = useFormat();
  const user = useUser();
  const navigate = useNavigate();
  const [filters, setFilters] = useFilters();
  const [search, setSearch] = useState(filters.q);

  useEffect(() => {
    if (search.trim() === filters.q) return;
    const timer = setTimeout(() => setFilters({ q: search.trim() }), 250);
    return () => clearTimeout(timer);
  });

  const list = useInfiniteQuery({
    queryKey: orderKeys.list(user.tenantId, filters),
    queryFn: ({ pageParam, signal }) => listOrders(user.tenantId, filters, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
    // New orders arrive while the screen is open: the list refreshes itself.
    refetchInterval: 30_000,
  });
  const rows = useMemo(() => list.data?.pages.flatMap((page) => page.orders) ?? EMPTY, [list.data]);

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
  const tableRows = table.getRowModel().rows;

  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: tableRows.length + (list.hasNextPage ? 1 : 0),
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (list.hasNextPage && !list.isFetchingNextPage && lastIndex >= tableRows.length - PREFETCH_ROWS) void list.fetchNextPage();
  }, [lastIndex, tableRows.length, list]);
  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
  }, [filters.q, filters.status]);

  return (
    <section className="products orders" data-testid="orders-screen">
      <div className="page-head">
        <div>
          <h1>{t('ui.orders.title')}</h1>
          <p className="muted">{t('ui.orders.intro')}</p>
        </div>
        <FulfilmentSetting />
      </div>

      <form className="filters" role="search" aria-label={t('ui.orders.filters')} onSubmit={(e) => e.preventDefault()}>
        <div className="field grow">
          <label htmlFor="orders-search">{t('ui.orders.search')}</label>
          <input id="orders-search" data-testid="orders-search" type="search" value={search} placeholder={t('ui.orders.searchPlaceholder')} onChange={(e) => setSearch(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="orders-status">{t('ui.orders.status')}</label>
          <select id="orders-status" data-testid="orders-status" value={filters.status} onChange={(e) => setFilters({ status: e.target.value as FulfilmentStatus | '' })}>
            <option value="">{t('ui.orders.allStatuses')}</option>
            {FULFILMENT_STATUSES.map((status) => (
              <option key={status} value={status}>
                {t(`ui.orders.fulfilment.${status}`)}
              </option>
            ))}
          </select>
        </div>
      </form>

      {list.error && (
        <p className="error" role="alert" data-testid="orders-error">
          {list.error.message}
        </p>
      )}

      <div className="grid" role="table" aria-label={t('ui.orders.title')} data-testid="orders-table">
        <div role="rowgroup" className="grid-head">
          {table.getHeaderGroups().map((group) => (
            <div role="row" className="grid-row" key={group.id}>
              {group.headers.map((header) => (
                <div role="columnheader" key={header.id} className={`cell ocol-${header.column.id}`}>
                  <table.FlexRender header={header} />
                </div>
              ))}
            </div>
          ))}
        </div>
        <div ref={scroller} className="grid-body" data-testid="orders-scroller">
          <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((item) => {
              const row = tableRows[item.index];
              if (!row) {
                return (
                  <div role="row" key="loader" className="grid-row loader" style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}>
                    <div role="cell" className="cell">
                      {t('ui.orders.loadingMore')}
                    </div>
                  </div>
                );
              }
              return (
                <div
                  role="row"
                  key={row.id}
                  className="grid-row"
                  data-testid="order-row"
                  data-number={row.original.number}
                  data-status={row.original.fulfilmentStatus}
                  style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                  onClick={(e) => {
                    if (!(e.target instanceof HTMLAnchorElement)) navigate(`/commandes/${row.original.orderId}`);
                  }}
                >
                  {row.getAllCells().map((cell) => (
                    <div role="cell" key={cell.id} className={`cell ocol-${cell.column.id}`}>
                      <table.FlexRender cell={cell} />
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
          {list.data && rows.length === 0 && (
            <p className="empty" data-testid="orders-empty">
              {filters.q || filters.status ? t('ui.orders.empty') : t('ui.orders.none')}
            </p>
          )}
        </div>
      </div>
    </section>
  );
}
