import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { can } from '../../../../../../shared/rbac.js';
import { productHistory, stockKeys, type Movement } from '../../api/stock.js';
import { DataGrid, usePagedGrid } from '../../components/data-grid.js';
import { ChoiceField, FilterBar, namedChoices } from '../../components/filters.js';
import { useFormat } from '../../components/format.js';
import { usePagedList } from '../../components/paged-list.js';
import { useUser } from '../../session/session.js';
import { AdjustDialog } from './adjust-dialog.js';
import { formatQuantity } from '../../../../../../shared/quantity.js';

const features = tableFeatures({});
const helper = createColumnHelper<typeof features, Movement>();
const ROW_HEIGHT = 44;

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

  const { list, rows } = usePagedList({
    queryKey: stockKeys.history(user.tenantId, productId, boutiqueId),
    fetchPage: (cursor: string | null, signal) => productHistory(user.tenantId, productId, boutiqueId, cursor, signal),
    next: (page) => page.nextCursor,
    rowsOf: (page) => page.movements,
  });
  const first = list.data?.pages[0];
  const unit = first?.product.unit ?? 'piece';
  const boutiqueNames = useMemo(() => new Map((first?.boutiques ?? []).map((b) => [b.id, b.name])), [first]);

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
  const grid = usePagedGrid(list, rows.length, { rowHeight: ROW_HEIGHT, prefetch: 20 });

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
      <FilterBar search={false}>
        <ChoiceField
          id="history-boutique"
          label={t('ui.stock.boutique')}
          value={boutiqueId}
          all={t('ui.stock.allBoutiques')}
          choices={namedChoices(first?.boutiques)}
          onChange={(value) => setParams(value ? { boutique: value } : {}, { replace: true })}
        />
      </FilterBar>
      <DataGrid
        table={table}
        grid={grid}
        error={list.error}
        errorTestId="history-error"
        label={t('ui.stock.history.title')}
        testId="history-table"
        columnClass={(id) => `col-m-${id}`}
        loadingMore={t('ui.products.loadingMore')}
        empty={<p className="empty">{t('ui.stock.history.empty')}</p>}
        rowTestId="history-row"
        rowData={(movement) => ({ 'data-kind': movement.kind })}
      />
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
