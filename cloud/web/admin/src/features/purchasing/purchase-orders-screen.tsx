import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { can } from '../../../../../../shared/rbac.js';
import { listOrders, listSuppliers, ORDER_STATUSES, purchasingKeys, type OrderStatus, type OrderSummary } from '../../api/purchasing.js';
import { useFormat } from '../../components/format.js';
import { useUser } from '../../session/session.js';

const features = tableFeatures({});
const helper = createColumnHelper<typeof features, OrderSummary>();
const ROW_HEIGHT = 44;
const PREFETCH_ROWS = 40;
const EMPTY: OrderSummary[] = [];

/** The badge class of each status: what still waits stands out, what is over fades. */
export const STATUS_BADGE: Record<OrderStatus, string> = {
  draft: 'badge muted',
  ordered: 'badge warn',
  partly_received: 'badge warn',
  received: 'badge ok',
  cancelled: 'badge muted',
};

/** /commandes-achat: newest first, filtered by status and supplier (in the address); a dg sees their boutiques'. */
export function PurchaseOrdersScreen() {
  const { t } = useTranslation();
  const format = useFormat();
  const user = useUser();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const status = (ORDER_STATUSES as readonly string[]).includes(params.get('statut') ?? '') ? (params.get('statut') as OrderStatus) : '';
  const supplierId = params.get('fournisseur') ?? '';
  const setFilters = (next: { status?: string; supplierId?: string }) => {
    const out = new URLSearchParams();
    const ns = next.status ?? status;
    const nf = next.supplierId ?? supplierId;
    if (ns) out.set('statut', ns);
    if (nf) out.set('fournisseur', nf);
    setParams(out, { replace: true });
  };

  // The filter offers the active suppliers (the first 200 by name); an archived one chosen by a link still filters.
  const suppliers = useQuery({
    queryKey: purchasingKeys.supplierOptions(user.tenantId, 'all'),
    queryFn: ({ signal }) => listSuppliers(user.tenantId, { q: '', status: 'all', limit: 200 }, null, signal),
    staleTime: 60_000,
  });

  const list = useInfiniteQuery({
    queryKey: purchasingKeys.orderList(user.tenantId, status, supplierId),
    queryFn: ({ pageParam, signal }) => listOrders(user.tenantId, { status, supplierId }, pageParam, signal),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => last.nextBefore,
    placeholderData: keepPreviousData,
  });
  const rows = useMemo(() => list.data?.pages.flatMap((page) => page.orders) ?? EMPTY, [list.data]);
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

  return (
    <section className="products purchasing" data-testid="purchase-orders-screen">
      <div className="page-head">
        <div>
          <h1>{t('ui.purchaseOrders.title')}</h1>
          <p className="muted" data-testid="purchase-orders-total" aria-live="polite">
            {list.data ? t('ui.purchaseOrders.count', { count: total, formatted: format.number(total) }) : t('ui.app.loading')}
          </p>
        </div>
        {can(user.role, 'suppliers', 'write') && (
          <Link className="button primary" to="/commandes-achat/nouvelle" data-testid="purchase-order-new">
            {t('ui.purchaseOrders.new')}
          </Link>
        )}
      </div>
      <form className="filters" aria-label={t('ui.purchaseOrders.filters')} onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="orders-status">{t('ui.purchaseOrders.status')}</label>
          <select id="orders-status" data-testid="orders-status" value={status} onChange={(e) => setFilters({ status: e.target.value })}>
            <option value="">{t('ui.purchaseOrders.allStatuses')}</option>
            {ORDER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`ui.purchaseOrders.statuses.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field wide-field">
          <label htmlFor="orders-supplier">{t('ui.purchaseOrders.supplier')}</label>
          <select id="orders-supplier" data-testid="orders-supplier" value={supplierId} onChange={(e) => setFilters({ supplierId: e.target.value })}>
            <option value="">{t('ui.purchaseOrders.allSuppliers')}</option>
            {(suppliers.data?.suppliers ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
      </form>
      {list.error && (
        <p className="error" role="alert" data-testid="purchase-orders-error">
          {list.error.message}
        </p>
      )}
      <div className="grid" role="table" aria-label={t('ui.purchaseOrders.title')} aria-rowcount={total + 1} data-testid="purchase-orders-table">
        <div role="rowgroup" className="grid-head">
          {table.getHeaderGroups().map((group) => (
            <div role="row" className="grid-row" key={group.id} aria-rowindex={1}>
              {group.headers.map((header) => (
                <div role="columnheader" key={header.id} className={`cell po-${header.column.id}`}>
                  <table.FlexRender header={header} />
                </div>
              ))}
            </div>
          ))}
        </div>
        <div ref={scroller} className="grid-body">
          <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((item) => {
              const row = tableRows[item.index];
              if (!row) {
                return (
                  <div role="row" key="loader" className="grid-row loader" style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}>
                    <div role="cell" className="cell">
                      {t('ui.purchaseOrders.loadingMore')}
                    </div>
                  </div>
                );
              }
              return (
                <div
                  role="row"
                  key={row.id}
                  aria-rowindex={item.index + 2}
                  className="grid-row"
                  data-testid="purchase-order-row"
                  data-number={row.original.number}
                  data-status={row.original.status}
                  style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                  onClick={(e) => {
                    if (!(e.target instanceof HTMLAnchorElement)) navigate(`/commandes-achat/${encodeURIComponent(row.original.id)}`);
                  }}
                >
                  {row.getAllCells().map((cell) => (
                    <div role="cell" key={cell.id} className={`cell po-${cell.column.id}`}>
                      <table.FlexRender cell={cell} />
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
          {list.data && rows.length === 0 && (
            <p className="empty" data-testid="purchase-orders-empty">
              {status || supplierId ? t('ui.purchaseOrders.empty') : t('ui.purchaseOrders.emptyAll')}
            </p>
          )}
        </div>
      </div>
    </section>
  );
}
