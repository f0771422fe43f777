import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { can } from '../../../../../../shared/rbac.js';
import { TRANSFER_STATUSES } from '../../../../../../shared/schema/transfers.js';
import { listBoutiques, listTransfers, transferKeys, type Transfer, type TransferFilters, type TransferStatus } from '../../api/transfers.js';
import { useFormat } from '../../components/format.js';
import { useUser } from '../../session/session.js';

const features = tableFeatures({});
const helper = createColumnHelper<typeof features, Transfer>();
const ROW_HEIGHT = 44;
const PREFETCH_ROWS = 40;
const EMPTY: Transfer[] = [];

/** A transfer with received quantities that differ from those sent. */
export function hasDifferences(transfer: Transfer): boolean {
  return transfer.lines.some((line) => line.receivedMilli !== undefined && line.receivedMilli !== null && line.receivedMilli !== line.quantityMilli);
}

/** The list's filters live in the address: a reload or a link shows the same list. */
function useFilters(): [TransferFilters, (changes: Partial<TransferFilters>) => void] {
  const [params, setParams] = useSearchParams();
  const status = params.get('statut') ?? '';
  const filters: TransferFilters = {
    status: (TRANSFER_STATUSES as readonly string[]).includes(status) ? (status as TransferStatus) : '',
    boutiqueId: params.get('boutique') ?? '',
  };
  const update = (changes: Partial<TransferFilters>) => {
    const next = { ...filters, ...changes };
    const search = new URLSearchParams();
    if (next.status) search.set('statut', next.status);
    if (next.boutiqueId) search.set('boutique', next.boutiqueId);
    setParams(search, { replace: true });
  };
  return [filters, update];
}

export function TransfersScreen() {
  const { t } = useTranslation();
  const format = useFormat();
  const user = useUser();
  const navigate = useNavigate();
  const location = useLocation();
  const [filters, setFilters] = useFilters();
  const flash = (location.state as { saved?: string } | null)?.saved;

  const boutiques = useQuery({ queryKey: transferKeys.boutiques(user.tenantId), queryFn: ({ signal }) => listBoutiques(user.tenantId, signal), staleTime: 60_000 });
  const boutiqueNames = useMemo(() => new Map((boutiques.data ?? []).map((b) => [b.id, b.name])), [boutiques.data]);

  const list = useInfiniteQuery({
    queryKey: transferKeys.list(user.tenantId, filters),
    queryFn: ({ pageParam, signal }) => listTransfers(user.tenantId, filters, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });
  const rows = useMemo(() => list.data?.pages.flatMap((page) => page.transfers) ?? EMPTY, [list.data]);
  const total = list.data?.pages[0]?.total ?? 0;

  const columns = useMemo(
    () =>
      helper.columns([
        helper.accessor('number', { header: () => t('ui.transfers.columns.number'), cell: (c) => <Link to={`/transferts/${encodeURIComponent(c.row.original.id)}`} className="mono">{c.getValue()}</Link> }),
        helper.accessor('status', {
          header: () => t('ui.transfers.columns.status'),
          cell: (c) => (
            <span className={`badge status-${c.getValue()}`}>
              {t(`ui.transfers.status.${c.getValue()}`)}
              {hasDifferences(c.row.original) ? ` · ${t('ui.transfers.differences')}` : ''}
            </span>
          ),
        }),
        helper.accessor('fromBoutiqueId', { header: () => t('ui.transfers.columns.from'), cell: (c) => boutiqueNames.get(c.getValue()) ?? '—' }),
        helper.accessor('toBoutiqueId', { header: () => t('ui.transfers.columns.to'), cell: (c) => boutiqueNames.get(c.getValue()) ?? '—' }),
        helper.accessor((row) => row.lines.length, { id: 'lines', header: () => t('ui.transfers.columns.lines'), cell: (c) => format.number(c.getValue()) }),
        helper.accessor('createdAt', { header: () => t('ui.transfers.columns.createdAt'), cell: (c) => format.date(c.getValue()) }),
        helper.accessor((row) => row.receivedAt ?? row.sentAt ?? null, {
          id: 'lastStep',
          header: () => t('ui.transfers.columns.lastStep'),
          cell: (c) => (c.getValue() ? format.date(c.getValue()!) : '—'),
        }),
      ]),
    [t, format, boutiqueNames],
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
    <section className="products transfers" data-testid="transfers-screen">
      <div className="page-head">
        <div>
          <h1>{t('ui.transfers.title')}</h1>
          <p className="muted" data-testid="transfers-total" aria-live="polite">
            {list.data ? t('ui.transfers.count', { count: total, formatted: format.number(total) }) : t('ui.app.loading')}
          </p>
        </div>
        {can(user.role, 'transfers', 'write') && (
          <Link className="button primary" to="/transferts/nouveau" data-testid="transfer-new">
            {t('ui.transfers.new')}
          </Link>
        )}
      </div>
      {flash && (
        <p className="notice ok" role="status" data-testid="transfers-flash">
          {flash}
        </p>
      )}

      <form className="filters" role="search" aria-label={t('ui.transfers.filters')} onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="transfers-status">{t('ui.transfers.statusFilter')}</label>
          <select id="transfers-status" data-testid="transfers-status" value={filters.status} onChange={(e) => setFilters({ status: e.target.value as TransferStatus | '' })}>
            <option value="">{t('ui.transfers.allStatuses')}</option>
            {TRANSFER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`ui.transfers.status.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="transfers-boutique">{t('ui.transfers.boutiqueFilter')}</label>
          <select id="transfers-boutique" data-testid="transfers-boutique" value={filters.boutiqueId} onChange={(e) => setFilters({ boutiqueId: e.target.value })}>
            <option value="">{t('ui.transfers.allBoutiques')}</option>
            {(boutiques.data ?? []).map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
              </option>
            ))}
          </select>
        </div>
      </form>

      {list.error && (
        <p className="error" role="alert" data-testid="transfers-error">
          {list.error.message}
        </p>
      )}

      <div className="grid" role="table" aria-label={t('ui.transfers.title')} aria-rowcount={total + 1} data-testid="transfers-table">
        <div role="rowgroup" className="grid-head">
          {table.getHeaderGroups().map((group) => (
            <div role="row" className="grid-row" key={group.id} aria-rowindex={1}>
              {group.headers.map((header) => (
                <div role="columnheader" key={header.id} className={`cell tcol-${header.column.id}`}>
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
                      {t('ui.transfers.loadingMore')}
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
                  data-testid="transfer-row"
                  data-number={row.original.number}
                  data-status={row.original.status}
                  style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                  onClick={(e) => {
                    if (!(e.target instanceof HTMLAnchorElement)) navigate(`/transferts/${encodeURIComponent(row.original.id)}`);
                  }}
                >
                  {row.getAllCells().map((cell) => (
                    <div role="cell" key={cell.id} className={`cell tcol-${cell.column.id}`}>
                      <table.FlexRender cell={cell} />
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
          {list.data && rows.length === 0 && (
            <p className="empty" data-testid="transfers-empty">
              {filters.status || filters.boutiqueId ? t('ui.transfers.empty') : t('ui.transfers.emptyAll')}
            </p>
          )}
        </div>
      </div>
    </section>
  );
}
