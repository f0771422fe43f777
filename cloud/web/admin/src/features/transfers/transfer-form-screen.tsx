import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import type { Product } from '../../api/catalog.js';
import type { ProductHit } from '../../api/purchasing.js';
import { createTransfer, getTransfer, listBoutiques, transferKeys, updateTransfer, type Transfer } from '../../api/transfers.js';
import { useFormat } from '../../components/format.js';
import { useProductSearch } from '../../components/product-search.js';
import { useUser } from '../../session/session.js';
import { formatQuantity, parseQuantity } from '../../../../../../shared/quantity.js';

type Line = { productId: string; name: string; barcode: string; unit: Product['unit'] | null; quantity: string };

/** /transferts/nouveau and /transferts/:transferId/modifier (a draft): the draft loads first, then the same form. */
export function TransferFormScreen() {
  const { transferId } = useParams();
  const { t } = useTranslation();
  const user = useUser();
  const existing = useQuery({
    queryKey: transferKeys.one(user.tenantId, transferId ?? ''),
    queryFn: ({ signal }) => getTransfer(user.tenantId, transferId!, signal),
    enabled: Boolean(transferId),
  });
  if (transferId && !existing.data) {
    return (
      <section className="transfer-form">
        <Link to="/transferts" className="back">
          ← {t('ui.transfers.back')}
        </Link>
        {existing.error ? <p className="error" role="alert">{existing.error.message}</p> : <p className="muted">{t('ui.app.loading')}</p>}
      </section>
    );
  }
  return <TransferForm key={existing.data?.id ?? 'new'} transfer={existing.data ?? null} />;
}

function TransferForm({ transfer }: { transfer: Transfer | null }) {
  const { t } = useTranslation();
  const user = useUser();
  const format = useFormat();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const boutiques = useQuery({ queryKey: transferKeys.boutiques(user.tenantId), queryFn: ({ signal }) => listBoutiques(user.tenantId, signal), staleTime: 60_000 });
  // A dg sends from their own boutiques only (the API refuses the others).
  const sources = (boutiques.data ?? []).filter((b) => user.role === 'pdg' || user.role === 'super_admin' || user.boutiqueIds.includes(b.id));
  const [from, setFrom] = useState(transfer?.fromBoutiqueId ?? '');
  const [to, setTo] = useState(transfer?.toBoutiqueId ?? '');
  const [note, setNote] = useState(transfer?.note ?? '');
  const [lines, setLines] = useState<Line[]>(() =>
    (transfer?.lines ?? []).map((l) => ({ productId: l.productId, name: l.name, barcode: '', unit: null, quantity: formatQuantity(l.quantityMilli, format.locale) })),
  );
  const { search, setSearch, asked, hits, clear } = useProductSearch(1);
  const [highlight, setHighlight] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  const quantityRefs = useRef(new Map<string, HTMLInputElement>());
  const focusProduct = useRef<string | null>(null);

  useEffect(() => {
    if (!from && sources.length === 1) setFrom(sources[0]!.id);
  }, [from, sources]);
  useEffect(() => {
    if (focusProduct.current) {
      quantityRefs.current.get(focusProduct.current)?.focus();
      focusProduct.current = null;
    }
  });

  const results = asked ? (hits.data ?? []) : [];

  function add(product: ProductHit) {
    setProblem(null);
    if (!lines.some((l) => l.productId === product.id)) {
      setLines([...lines, { productId: product.id, name: product.name, barcode: product.barcode, unit: product.unit, quantity: '' }]);
    }
    focusProduct.current = product.id;
    clear();
    setHighlight(0);
  }

  function onSearchKey(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setHighlight((h) => Math.min(h + 1, results.length - 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setHighlight((h) => Math.max(h - 1, 0));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const chosen = results[highlight];
      if (chosen) add(chosen);
    } else if (event.key === 'Escape') {
      setSearch('');
    }
  }

  const save = useMutation({
    mutationFn: (input: Parameters<typeof createTransfer>[1]) => (transfer ? updateTransfer(user.tenantId, transfer.id, input) : createTransfer(user.tenantId, input)),
    onSuccess: async (saved) => {
      queryClient.setQueryData(transferKeys.one(user.tenantId, saved.id), saved);
      await queryClient.invalidateQueries({ queryKey: transferKeys.all(user.tenantId) });
      navigate(`/transferts/${encodeURIComponent(saved.id)}`, { state: { saved: t('ui.transfers.savedDraft', { number: saved.number }) } });
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!from || !to) return setProblem(t('ui.transfers.boutiquesRequired'));
    if (from === to) return setProblem(t('ui.transfers.sameBoutique'));
    if (lines.length === 0) return setProblem(t('ui.transfers.linesRequired'));
    const quantities = lines.map((l) => parseQuantity(l.quantity));
    const bad = quantities.findIndex((q) => q === null);
    if (bad >= 0) {
      quantityRefs.current.get(lines[bad]!.productId)?.focus();
      return setProblem(t('ui.transfers.quantityInvalid', { name: lines[bad]!.name }));
    }
    setProblem(null);
    save.mutate({ fromBoutiqueId: from, toBoutiqueId: to, lines: lines.map((l, i) => ({ productId: l.productId, quantityMilli: quantities[i]! })), ...(note.trim() ? { note: note.trim() } : {}) });
  }

  return (
    <section className="transfer-form" data-testid="transfer-form-screen">
      <Link to="/transferts" className="back">
        ← {t('ui.transfers.back')}
      </Link>
      <h1>{transfer ? t('ui.transfers.editTitle', { number: transfer.number }) : t('ui.transfers.createTitle')}</h1>
      <form className="card" onSubmit={submit} noValidate data-testid="transfer-form">
        <div className="form-grid">
          <div className="field">
            <label htmlFor="transfer-from">{t('ui.transfers.from')}</label>
            <select id="transfer-from" data-testid="transfer-from" value={from} onChange={(e) => setFrom(e.target.value)} autoFocus>
              <option value="">{t('ui.transfers.chooseBoutique')}</option>
              {sources.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="transfer-to">{t('ui.transfers.to')}</label>
            <select id="transfer-to" data-testid="transfer-to" value={to} onChange={(e) => setTo(e.target.value)}>
              <option value="">{t('ui.transfers.chooseBoutique')}</option>
              {(boutiques.data ?? []).filter((b) => b.id !== from).map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name}
                </option>
              ))}
            </select>
          </div>
        </div>

        <div className="field product-picker">
          <label htmlFor="transfer-product-search">{t('ui.transfers.addProduct')}</label>
          <input
            id="transfer-product-search"
            data-testid="transfer-product-search"
            type="search"
            value={search}
            placeholder={t('ui.transfers.productPlaceholder')}
            onChange={(e) => {
              setSearch(e.target.value);
              setHighlight(0);
            }}
            onKeyDown={onSearchKey}
            role="combobox"
            aria-expanded={results.length > 0}
            aria-controls="transfer-product-results"
            aria-activedescendant={results[highlight] ? `transfer-result-${results[highlight]!.id}` : undefined}
            autoComplete="off"
          />
          {results.length > 0 && (
            <ul id="transfer-product-results" role="listbox" className="picker-results" data-testid="transfer-product-results">
              {results.map((p, i) => (
                <li
                  key={p.id}
                  id={`transfer-result-${p.id}`}
                  role="option"
                  aria-selected={i === highlight}
                  className={i === highlight ? 'active' : undefined}
                  onMouseDown={(e) => {
                    e.preventDefault();
                    add(p);
                  }}
                  data-testid="transfer-product-result"
                >
                  <span>{p.name}</span> <span className="mono muted">{p.barcode}</span>
                </li>
              ))}
            </ul>
          )}
          {asked && hits.data && results.length === 0 && <small className="hint">{t('ui.transfers.noProduct')}</small>}
        </div>

        <table className="lines" data-testid="transfer-lines">
          <thead>
            <tr>
              <th>{t('ui.transfers.product')}</th>
              <th className="num">{t('ui.transfers.quantity')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {lines.length === 0 && (
              <tr>
                <td colSpan={3} className="empty">
                  {t('ui.transfers.noLines')}
                </td>
              </tr>
            )}
            {lines.map((line, i) => (
              <tr key={line.productId} data-testid="transfer-line">
                <td>
                  {line.name} {line.barcode && <span className="mono muted">{line.barcode}</span>}
                </td>
                <td className="num">
                  <input
                    ref={(el) => {
                      if (el) quantityRefs.current.set(line.productId, el);
                      else quantityRefs.current.delete(line.productId);
                    }}
                    className="qty"
                    inputMode="decimal"
                    value={line.quantity}
                    aria-label={t('ui.transfers.quantityOf', { name: line.name })}
                    aria-invalid={line.quantity !== '' && parseQuantity(line.quantity) === null ? true : undefined}
                    onChange={(e) => setLines(lines.map((l, j) => (j === i ? { ...l, quantity: e.target.value } : l)))}
                    onKeyDown={(e) => {
                      // Enter after a quantity goes back to the search: the next product.
                      if (e.key === 'Enter') {
                        e.preventDefault();
                        document.getElementById('transfer-product-search')?.focus();
                      }
                    }}
                    data-testid="transfer-line-quantity"
                  />
                  {line.unit && line.unit !== 'piece' && <span className="muted"> {t(`ui.products.units.${line.unit}`)}</span>}
                </td>
                <td>
                  <button type="button" className="ghost small" onClick={() => setLines(lines.filter((_, j) => j !== i))} aria-label={t('ui.transfers.removeLine', { name: line.name })}>
                    ✕
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>

        <div className="field">
          <label htmlFor="transfer-note">{t('ui.transfers.note')}</label>
          <input id="transfer-note" data-testid="transfer-note" value={note} maxLength={300} onChange={(e) => setNote(e.target.value)} autoComplete="off" />
        </div>

        {(problem || save.error) && (
          <p className="error" role="alert" data-testid="transfer-form-error">
            {problem ?? save.error?.message}
          </p>
        )}
        <div className="actions">
          <Link to="/transferts" className="button">
            {t('ui.transfers.cancelEdit')}
          </Link>
          <button type="submit" className="primary" disabled={save.isPending} data-testid="transfer-save">
            {save.isPending ? t('ui.transfers.saving') : t('ui.transfers.saveDraft')}
          </button>
        </div>
      </form>
    </section>
  );
}
