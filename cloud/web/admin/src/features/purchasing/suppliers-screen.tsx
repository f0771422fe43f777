import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { can } from '../../../../../../shared/rbac.js';
import { listSuppliers, purchasingKeys, type Supplier, type SupplierStatus } from '../../api/purchasing.js';
import { useFormat } from '../../components/format.js';
import { useUser } from '../../session/session.js';

const features = tableFeatures({});
const helper = createColumnHelper<typeof features, Supplier>();
const ROW_HEIGHT = 44;
const PREFETCH_ROWS = 40;
const STATUSES: readonly SupplierStatus[] = ['active', 'archived', 'all'];
const EMPTY: Supplier[] = [];

/** /fournisseurs: the company's suppliers by name, searched as one types, by pages. */
export function SuppliersScreen() {
  const { t } = useTranslation();
  const format = useFormat();
  const user = useUser();
  const navigate = useNavigate();
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const status = (STATUSES as readonly string[]).includes(params.get('statut') ?? '') ? (params.get('statut') as SupplierStatus) : 'active';
  const [search, setSearch] = useState(q);
  const flash = (location.state as { saved?: string } | null)?.saved;

  const setFilters = (next: { q?: string; status?: SupplierStatus }) => {
    const out = new URLSearchParams();
    const nq = next.q ?? q;
    const ns = next.status ?? status;
    if (nq) out.set('q', nq);
    if (ns !== 'active') out.set('statut', ns);
    setParams(out, { replace: true });
  };

  // Typing searches once the hand pauses, not at every key.
  useEffect(() => {
    if (search.trim() === q) return;
    const timer = setTimeout(() => setFilters({ q: search.trim() }), 250);
    return () => clearTimeout(timer);
  });

  const list = useInfiniteQuery({
    queryKey: purchasingKeys.supplierList(user.tenantId, q, status),
    queryFn: ({ pageParam, signal }) => listSuppliers(user.tenantId, { q, status }, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });
  const rows = useMemo(() => list.data?.pages.flatMap((page) => page.suppliers) ?? EMPTY, [list.data]);
  const total = list.data?.pages[0]?.total ?? 0;

  const columns = useMemo(
    () =>
      helper.columns([
        helper.accessor('name', { header: () => t('ui.suppliers.columns.name'), cell: (c) => <Link to={`/fournisseurs/${encodeURIComponent(c.row.original.id)}`} title={c.getValue()}>{c.getValue()}</Link> }),
        helper.accessor('contact', { header: () => t('ui.suppliers.columns.contact'), cell: (c) => <span title={c.getValue()}>{c.getValue() || '—'}</span> }),
        helper.accessor('phone', { header: () => t('ui.suppliers.columns.phone'), cell: (c) => c.getValue() || '—' }),
        helper.accessor('email', { header: () => t('ui.suppliers.columns.email'), cell: (c) => <span title={c.getValue()}>{c.getValue() || '—'}</span> }),
        helper.accessor('active', {
          header: () => t('ui.suppliers.columns.status'),
          cell: (c) => <span className={c.getValue() ? 'badge ok' : 'badge muted'}>{c.getValue() ? t('ui.suppliers.active') : t('ui.suppliers.archived')}</span>,
        }),
      ]),
    [t],
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
    <section className="products purchasing" data-testid="suppliers-screen">
      <div className="page-head">
        <div>
          <h1>{t('ui.suppliers.title')}</h1>
          <p className="muted" data-testid="suppliers-total" aria-live="polite">
            {list.data ? t('ui.suppliers.count', { count: total, formatted: format.number(total) }) : t('ui.app.loading')}
          </p>
        </div>
        {can(user.role, 'suppliers', 'write') && (
          <Link className="button primary" to="/fournisseurs/nouveau" data-testid="supplier-new">
            {t('ui.suppliers.new')}
          </Link>
        )}
      </div>
      {flash && (
        <p className="notice ok" role="status" data-testid="suppliers-flash">
          {t('ui.suppliers.saved', { name: flash })}
        </p>
      )}
      <form className="filters" role="search" aria-label={t('ui.suppliers.filters')} onSubmit={(e) => e.preventDefault()}>
        <div className="field grow">
          <label htmlFor="suppliers-search">{t('ui.suppliers.search')}</label>
          <input id="suppliers-search" data-testid="suppliers-search" type="search" value={search} placeholder={t('ui.suppliers.searchPlaceholder')} onChange={(e) => setSearch(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="suppliers-status">{t('ui.suppliers.status')}</label>
          <select id="suppliers-status" data-testid="suppliers-status" value={status} onChange={(e) => setFilters({ status: e.target.value as SupplierStatus })}>
            <option value="active">{t('ui.suppliers.statusActive')}</option>
            <option value="archived">{t('ui.suppliers.statusArchived')}</option>
            <option value="all">{t('ui.suppliers.statusAll')}</option>
          </select>
        </div>
      </form>
      {list.error && (
        <p className="error" role="alert" data-testid="suppliers-error">
          {list.error.message}
        </p>
      )}
      <div className="grid" role="table" aria-label={t('ui.suppliers.title')} aria-rowcount={total + 1} data-testid="suppliers-table">
        <div role="rowgroup" className="grid-head">
          {table.getHeaderGroups().map((group) => (
            <div role="row" className="grid-row" key={group.id} aria-rowindex={1}>
              {group.headers.map((header) => (
                <div role="columnheader" key={header.id} className={`cell sup-${header.column.id}`}>
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
                      {t('ui.suppliers.loadingMore')}
                    </div>
                  </div>
                );
              }
              return (
                <div
                  role="row"
                  key={row.id}
                  aria-rowindex={item.index + 2}
                  className={`grid-row${row.original.active ? '' : ' archived'}`}
                  data-testid="supplier-row"
                  style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                  onClick={(e) => {
                    if (!(e.target instanceof HTMLAnchorElement)) navigate(`/fournisseurs/${encodeURIComponent(row.original.id)}`);
                  }}
                >
                  {row.getAllCells().map((cell) => (
                    <div role="cell" key={cell.id} className={`cell sup-${cell.column.id}`}>
                      <table.FlexRender cell={cell} />
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
          {list.data && rows.length === 0 && (
            <p className="empty" data-testid="suppliers-empty">
              {q || status !== 'active' ? t('ui.suppliers.empty') : t('ui.suppliers.emptyAll')}
            </p>
          )}
        </div>
      </div>
    </section>
  );
}
