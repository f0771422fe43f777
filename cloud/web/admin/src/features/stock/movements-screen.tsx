import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { can } from '../../../../../../shared/rbac.js';
import { productHistory, stockKeys, type Movement } from '../../api/stock.js';
import { useFormat } from '../../components/format.js';
import { useUser } from '../../session/session.js';
import { AdjustDialog } from './adjust-dialog.js';
import { formatQuantity } from '../../../../../../shared/quantity.js';

const features = tableFeatures({});
const helper = createColumnHelper<typeof features, Movement>();
const ROW_HEIGHT = 44;
const EMPTY: Movement[] = [];

/** /stock/produits/:productId: every movement of a product in the boutiques the user sees, newest first. */
export function MovementsScreen() {
  const { productId = '' } = useParams();
  const { t } = useTranslation();
  const format = useFormat();
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const boutiqueId = params.get('boutique') ?? '';
  const [adjusting, setAdjusting] = useState(false);
  const [flash, setFlash] = useState<string | null>(null);

  const list = useInfiniteQuery({
    queryKey: stockKeys.history(user.tenantId, productId, boutiqueId),
    queryFn: ({ pageParam, signal }) => productHistory(user.tenantId, productId, boutiqueId, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });
  const first = list.data?.pages[0];
  const unit = first?.product.unit ?? 'piece';
  const boutiqueNames = useMemo(() => new Map((first?.boutiques ?? []).map((b) => [b.id, b.name])), [first]);
  const rows = useMemo(() => list.data?.pages.flatMap((page) => page.movements) ?? EMPTY, [list.data]);

  const columns = useMemo(
    () =>
      helper.columns([
        helper.accessor('createdAt', { header: () => t('ui.stock.history.date'), cell: (c) => format.date(c.getValue()) }),
        helper.accessor('kind', { header: () => t('ui.stock.history.kind'), cell: (c) => <span className={`badge kind-${c.getValue()}`}>{t(`ui.stock.kinds.${c.getValue()}`)}</span> }),
        helper.accessor('boutiqueId', { header: () => t('ui.stock.boutique'), cell: (c) => boutiqueNames.get(c.getValue()) ?? '—' }),
        helper.accessor('quantityMilli', {
          header: () => t('ui.stock.history.quantity'),
          cell: (c) => <span className={c.getValue() < 0 ? 'qty negative' : 'qty positive'}>{formatQuantity(c.getValue(), format.locale, { unit, signed: true })}</span>,
        }),
        helper.accessor('reason', { header: () => t('ui.stock.reason'), cell: (c) => <span title={c.getValue() ?? ''}>{c.getValue() ?? '—'}</span> }),
        helper.display({
          id: 'author',
          header: () => t('ui.stock.history.author'),
          cell: (c) => {
            const m = c.row.original;
            if (m.authorName) return m.authorName;
            if (m.deviceId) return t('ui.stock.history.till', { name: m.deviceName ?? m.deviceId.slice(0, 8) });
            return m.authorId ? t('ui.stock.history.manager') : '—';
          },
        }),
      ]),
    [t, format, boutiqueNames, unit],
  );
  const table = useTable({ features, columns, data: rows, getRowId: (row) => row.id });
  const tableRows = table.getRowModel().rows;
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: tableRows.length + (list.hasNextPage ? 1 : 0), getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (list.hasNextPage && !list.isFetchingNextPage && lastIndex >= tableRows.length - 20) void list.fetchNextPage();
  }, [lastIndex, tableRows.length, list]);

  return (
    <section className="products history" data-testid="history-screen">
      <Link to="/stock" className="back">
        ← {t('ui.stock.back')}
      </Link>
      <div className="page-head">
        <div>
          <h1>{t('ui.stock.history.title')}</h1>
          <p className="muted" data-testid="history-product">
            {first ? `${first.product.name} · ${first.product.barcode}` : t('ui.app.loading')}
          </p>
        </div>
        <div className="head-actions">
          <Link className="button" to={`/produits/${encodeURIComponent(productId)}`}>
            {t('ui.stock.history.productPage')}
          </Link>
          {first && can(user.role, 'stock', 'write') && (
            <button type="button" className="primary" onClick={() => setAdjusting(true)} data-testid="history-adjust">
              {t('ui.stock.adjust')}
            </button>
          )}
        </div>
      </div>
      {flash && (
        <p className="notice ok" role="status" data-testid="history-flash">
          {flash}
        </p>
      )}
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="history-boutique">{t('ui.stock.boutique')}</label>
          <select id="history-boutique" value={boutiqueId} onChange={(e) => setParams(e.target.value ? { boutique: e.target.value } : {}, { replace: true })}>
            <option value="">{t('ui.stock.allBoutiques')}</option>
            {(first?.boutiques ?? []).map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
              </option>
            ))}
          </select>
        </div>
      </form>
      {list.error && (
        <p className="error" role="alert" data-testid="history-error">
          {list.error.message}
        </p>
      )}
      <div className="grid" role="table" aria-label={t('ui.stock.history.title')} data-testid="history-table">
        <div role="rowgroup" className="grid-head">
          {table.getHeaderGroups().map((group) => (
            <div role="row" className="grid-row" key={group.id}>
              {group.headers.map((header) => (
                <div role="columnheader" key={header.id} className={`cell col-m-${header.column.id}`}>
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
                      {t('ui.products.loadingMore')}
                    </div>
                  </div>
                );
              }
              return (
                <div role="row" key={row.id} className="grid-row static" data-testid="history-row" data-kind={row.original.kind} style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}>
                  {row.getAllCells().map((cell) => (
                    <div role="cell" key={cell.id} className={`cell col-m-${cell.column.id}`}>
                      <table.FlexRender cell={cell} />
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
          {list.data && rows.length === 0 && <p className="empty">{t('ui.stock.history.empty')}</p>}
        </div>
      </div>
      {adjusting && first && (
        <AdjustDialog
          product={first.product}
          boutiques={boutiqueId ? first.boutiques.filter((b) => b.id === boutiqueId) : first.boutiques}
          onClose={(done) => {
            setAdjusting(false);
            if (done) setFlash(done);
          }}
        />
      )}
    </section>
  );
}
