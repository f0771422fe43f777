import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState, type ChangeEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { can } from '../../../../../../shared/rbac.js';
import {
  applyCount,
  cancelCount,
  enterCounts,
  getCount,
  importCounts,
  listCountLines,
  listStockBoutiques,
  stockKeys,
  type CountImport,
  type CountLine,
  type LineState,
} from '../../api/stock.js';
import { GridFrame, usePagedGrid } from '../../components/data-grid.js';
import { useFormat } from '../../components/format.js';
import { usePagedList } from '../../components/paged-list.js';
import { useUser } from '../../session/session.js';
import { formatQuantity, parseQuantity, quantityInputText } from '../../../../../../shared/quantity.js';

const ROW_HEIGHT = 48;
const STATES: readonly LineState[] = ['all', 'uncounted', 'counted', 'variance'];

/**
 * /stock/inventaires/:countId: the count sheet (counted quantities typed line by line, Enter goes
 * to the next line, or imported from a CSV file), the variance report, and the apply, confirmed.
 */
export function CountScreen() {
  const { countId = '' } = useParams();
  const { t } = useTranslation();
  const format = useFormat();
  const user = useUser();
  const queryClient = useQueryClient();
  const [state, setState] = useState<LineState>('all');
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  const [edits, setEdits] = useState<Map<string, string>>(new Map());
  const [lineErrors, setLineErrors] = useState<Map<string, string>>(new Map());
  const [imported, setImported] = useState<CountImport | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [flash, setFlash] = useState<string | null>(null);

  useEffect(() => {
    const timer = setTimeout(() => setQ(search.trim()), 250);
    return () => clearTimeout(timer);
  }, [search]);

  const detail = useQuery({ queryKey: stockKeys.count(user.tenantId, countId), queryFn: ({ signal }) => getCount(user.tenantId, countId, signal) });
  const boutiques = useQuery({ queryKey: [...stockKeys.all(user.tenantId), 'boutiques'], queryFn: ({ signal }) => listStockBoutiques(user.tenantId, signal), staleTime: 60_000 });
  const { list: lines, rows } = usePagedList({
    queryKey: stockKeys.lines(user.tenantId, countId, q, state),
    fetchPage: (cursor: string | null, signal) => listCountLines(user.tenantId, countId, q, state, cursor, signal),
    next: (page) => page.nextCursor,
    rowsOf: (page) => page.lines,
  });
  const count = detail.data?.count;
  const totals = detail.data?.totals;
  const draft = count?.status === 'draft';
  const writable = draft && can(user.role, 'stock', 'write');

  const refresh = () => queryClient.invalidateQueries({ queryKey: stockKeys.count(user.tenantId, countId) });

  const save = useMutation({
    mutationFn: (entries: Array<{ productId: string; countedMilli: number | null }>) => enterCounts(user.tenantId, countId, entries),
    onSuccess: async (_result, entries) => {
      setEdits((current) => {
        const next = new Map(current);
        for (const e of entries) next.delete(e.productId);
        return next;
      });
      await refresh();
    },
  });
  const upload = useMutation({
    mutationFn: (csv: string) => importCounts(user.tenantId, countId, csv),
    onSuccess: async (result) => {
      setImported(result);
      if (result.updated > 0) await refresh();
    },
  });
  const apply = useMutation({
    mutationFn: () => applyCount(user.tenantId, countId),
    onSuccess: async (result) => {
      setConfirming(false);
      setFlash(t('ui.stock.count.appliedFlash', { count: result.movements }));
      await queryClient.invalidateQueries({ queryKey: stockKeys.all(user.tenantId) });
    },
  });
  const cancel = useMutation({
    mutationFn: () => cancelCount(user.tenantId, countId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: stockKeys.all(user.tenantId) }),
  });

  const grid = usePagedGrid(lines, rows.length, { rowHeight: ROW_HEIGHT, overscan: 10, prefetch: 30 });
  const { virtualizer } = grid;

  /** Saves a line's typed quantity when it changed; false when it cannot be read. */
  const commit = (line: CountLine): boolean => {
    const typed = edits.get(line.productId);
    if (typed === undefined) return true;
    const errors = new Map(lineErrors);
    if (typed.trim() === '') {
      errors.delete(line.productId);
      setLineErrors(errors);
      if (line.countedMilli !== null) save.mutate([{ productId: line.productId, countedMilli: null }]);
      return true;
    }
    const milli = parseQuantity(typed, { unit: line.unit, allowZero: true });
    if (milli === null) {
      errors.set(line.productId, line.unit === 'piece' ? t('ui.stock.quantityWhole') : t('ui.stock.quantityInvalid'));
      setLineErrors(errors);
      return false;
    }
    errors.delete(line.productId);
    setLineErrors(errors);
    if (milli !== line.countedMilli) save.mutate([{ productId: line.productId, countedMilli: milli }]);
    else setEdits((current) => new Map([...current].filter(([id]) => id !== line.productId)));
    return true;
  };
  const onKey = (event: KeyboardEvent<HTMLInputElement>, index: number) => {
    if (event.key !== 'Enter' && event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    if (!commit(rows[index]!)) return;
    const next = event.key === 'ArrowUp' ? index - 1 : index + 1;
    if (next < 0 || next >= rows.length) return;
    virtualizer.scrollToIndex(next);
    requestAnimationFrame(() => document.querySelector<HTMLInputElement>(`[data-line-index="${next}"]`)?.focus());
  };
  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setImported(null);
    upload.mutate(await file.text());
  };

  if (!count || !totals) {
    return (
      <section className="count-sheet">
        <Link to="/stock/inventaires" className="back">
          ← {t('ui.stock.count.back')}
        </Link>
        {detail.error ? (
          <p className="error" role="alert" data-testid="count-error">
            {detail.error.message}
          </p>
        ) : (
          <p className="muted">{t('ui.app.loading')}</p>
        )}
      </section>
    );
  }
  const boutiqueName = boutiques.data?.find((b) => b.id === count.boutiqueId)?.name ?? '';
  // No cost known for any line with a difference: saying 0 GNF would be saying something false.
  const varianceValue = totals.withVariance > 0 && totals.uncostedLines === totals.withVariance ? t('ui.stock.count.noCost') : format.money(totals.varianceValueMinor);
  return (
    <section className="products count-sheet" data-testid="count-screen" data-status={count.status}>
      <Link to="/stock/inventaires" className="back">
        ← {t('ui.stock.count.back')}
      </Link>
      <div className="page-head">
        <div>
          <h1>
            {t('ui.stock.count.title', { boutique: boutiqueName })} <span className={`badge status-${count.status}`} data-testid="count-status">{t(`ui.stock.status.${count.status}`)}</span>
          </h1>
          <p className="muted">
            {count.label ? `${count.label} · ` : ''}
            {t('ui.stock.count.createdBy', { name: count.createdByName ?? '—', date: format.date(count.createdAt) })}
            {count.closedAt ? ` · ${t(`ui.stock.count.closed_${count.status}`, { name: count.closedByName ?? '—', date: format.date(count.closedAt) })}` : ''}
          </p>
        </div>
        {writable && (
          <div className="head-actions">
            <label className="button" data-testid="count-import-label">
              {upload.isPending ? t('ui.stock.count.importing') : t('ui.stock.count.import')}
              <input type="file" accept=".csv,text/csv,text/plain" className="visually-hidden" onChange={(e) => void onFile(e)} data-testid="count-import" disabled={upload.isPending} />
            </label>
            <button type="button" onClick={() => cancel.mutate()} disabled={cancel.isPending} data-testid="count-cancel">
              {t('ui.stock.count.cancel')}
            </button>
            <button type="button" className="primary" onClick={() => setConfirming(true)} disabled={totals.counted === 0} data-testid="count-apply">
              {t('ui.stock.count.apply')}
            </button>
          </div>
        )}
      </div>

      <dl className="totals" data-testid="count-totals">
        <div>
          <dt>{t('ui.stock.count.progress')}</dt>
          <dd data-testid="count-progress">
            {format.number(totals.counted)} / {format.number(totals.lines)}
          </dd>
        </div>
        <div>
          <dt>{t('ui.stock.count.withVariance')}</dt>
          <dd data-testid="count-with-variance">{format.number(totals.withVariance)}</dd>
        </div>
        <div>
          <dt>{t('ui.stock.count.varianceValue')}</dt>
          <dd data-testid="count-variance-value" className={totals.varianceValueMinor < 0 ? 'negative' : ''}>
            {varianceValue}
            {totals.uncostedLines > 0 && <small className="muted"> · {t('ui.stock.count.uncosted', { count: totals.uncostedLines })}</small>}
          </dd>
        </div>
      </dl>
      {draft && <p className="hint muted">{t('ui.stock.count.rule')}</p>}

      {upload.isPending && (
        <p className="notice" role="status" aria-busy="true" data-testid="count-import-progress">
          {t('ui.stock.count.importing')}
        </p>
      )}
      {upload.error && (
        <p className="error" role="alert" data-testid="count-import-error">
          {upload.error.message}
        </p>
      )}
      {imported && (
        <div className={imported.errorCount > 0 ? 'error' : 'notice ok'} role="status" data-testid="count-import-result">
          {imported.errorCount > 0 ? t('ui.stock.count.importErrors', { count: imported.errorCount }) : t('ui.stock.count.imported', { count: imported.updated })}
          {imported.errors.length > 0 && (
            <ul className="line-errors">
              {imported.errors.map((e) => (
                <li key={e.line}>{t('ui.stock.count.lineError', { line: e.line, reason: e.reason })}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {flash && (
        <p className="notice ok" role="status" data-testid="count-flash">
          {flash}
        </p>
      )}
      {(save.error || apply.error || cancel.error) && (
        <p className="error" role="alert" data-testid="count-action-error">
          {(save.error ?? apply.error ?? cancel.error)!.message}
        </p>
      )}

      <div className="filters">
        <div className="field tabs" role="group" aria-label={t('ui.stock.count.view')}>
          <span className="tab-label">{t('ui.stock.count.view')}</span>
          <div className="segmented">
            {STATES.map((value) => (
              <button key={value} type="button" className={state === value ? 'checked' : ''} aria-pressed={state === value} onClick={() => setState(value)} data-testid={`count-view-${value}`}>
                {t(`ui.stock.count.states.${value}`)}
              </button>
            ))}
          </div>
        </div>
        <div className="field grow">
          <label htmlFor="count-search">{t('ui.products.search')}</label>
          <input id="count-search" type="search" value={search} placeholder={t('ui.products.searchPlaceholder')} onChange={(e) => setSearch(e.target.value)} data-testid="count-search" />
        </div>
      </div>

      <GridFrame
        grid={grid}
        label={t('ui.stock.count.sheet')}
        testId="count-table"
        head={
          <>
            <div role="columnheader" className="cell col-name">{t('ui.stock.columns.product')}</div>
            <div role="columnheader" className="cell col-c-num">{t('ui.stock.count.expected')}</div>
            <div role="columnheader" className="cell col-c-num">{count.status === 'applied' ? t('ui.stock.count.onHandAtApply') : t('ui.stock.count.onHand')}</div>
            <div role="columnheader" className="cell col-c-input">{t('ui.stock.count.counted')}</div>
            <div role="columnheader" className="cell col-c-num">{t('ui.stock.count.difference')}</div>
            <div role="columnheader" className="cell col-c-money">{t('ui.stock.count.value')}</div>
          </>
        }
        loadingMore={t('ui.products.loadingMore')}
        empty={<p className="empty">{t('ui.stock.count.emptyView')}</p>}
        renderRow={(index, attributes) => {
          const line = rows[index]!;
          const typed = edits.get(line.productId);
          const error = lineErrors.get(line.productId);
          const unitOf = (milli: number, signed = false) => formatQuantity(milli, format.locale, { unit: line.unit, signed });
          return (
            <div role="row" key={line.productId} {...attributes} className="grid-row static" data-testid="count-line" data-barcode={line.barcode}>
              <div role="cell" className="cell col-name">
                <span className="product-cell">
                  <span title={line.name}>{line.name}</span>
                  <small className="mono muted">{line.barcode}</small>
                </span>
              </div>
              <div role="cell" className="cell col-c-num" data-testid="line-expected">{unitOf(line.expectedMilli)}</div>
              <div role="cell" className={`cell col-c-num${line.onHandMilli !== line.expectedMilli ? ' moved' : ''}`} title={line.onHandMilli !== line.expectedMilli ? t('ui.stock.count.movedSince') : undefined}>
                {unitOf(line.onHandMilli)}
              </div>
              <div role="cell" className="cell col-c-input">
                {writable ? (
                  <input
                    className={`count-input${typed !== undefined ? ' dirty' : ''}`}
                    inputMode="decimal"
                    aria-label={t('ui.stock.count.countedOf', { name: line.name })}
                    aria-invalid={error ? true : undefined}
                    title={error}
                    data-line-index={index}
                    data-testid="line-counted"
                    value={typed ?? quantityInputText(line.countedMilli, format.locale)}
                    onChange={(e) => setEdits((current) => new Map(current).set(line.productId, e.target.value))}
                    onBlur={() => commit(line)}
                    onKeyDown={(e) => onKey(e, index)}
                  />
                ) : line.countedMilli === null ? (
                  <span className="muted">—</span>
                ) : (
                  unitOf(line.countedMilli)
                )}
              </div>
              <div role="cell" className={`cell col-c-num${line.differenceMilli ? (line.differenceMilli < 0 ? ' negative' : ' positive') : ''}`} data-testid="line-difference" data-milli={line.differenceMilli ?? ''}>
                {line.differenceMilli === null ? '—' : unitOf(line.differenceMilli, true)}
              </div>
              <div role="cell" className="cell col-c-money">
                {line.differenceValueMinor === null ? (line.differenceMilli ? <span className="muted">{t('ui.stock.count.noCost')}</span> : '—') : format.money(line.differenceValueMinor)}
              </div>
            </div>
          );
        }}
      />

      {confirming && (
        <ConfirmApply
          onCancel={() => setConfirming(false)}
          onConfirm={() => apply.mutate()}
          busy={apply.isPending}
          text={t('ui.stock.count.confirmText', {
            lines: totals.withVariance,
            counted: totals.counted,
            boutique: boutiqueName,
            value: varianceValue,
          })}
        />
      )}
    </section>
  );
}

function ConfirmApply({ text, busy, onCancel, onConfirm }: { text: string; busy: boolean; onCancel: () => void; onConfirm: () => void }) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (dialog.current && !dialog.current.open) dialog.current.showModal();
  }, []);
  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="apply-title" onCancel={onCancel} data-testid="apply-dialog">
      <h2 id="apply-title">{t('ui.stock.count.confirmTitle')}</h2>
      <p>{text}</p>
      <p className="muted">{t('ui.stock.count.rule')}</p>
      <div className="actions">
        <button type="button" onClick={onCancel} autoFocus>
          {t('ui.productForm.cancel')}
        </button>
        <button type="button" className="primary" onClick={onConfirm} disabled={busy} data-testid="apply-confirm">
          {busy ? t('ui.stock.count.applying') : t('ui.stock.count.applyNow')}
        </button>
      </div>
    </dialog>
  );
}
