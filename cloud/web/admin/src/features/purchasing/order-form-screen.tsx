import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { lineAmount } from '../../../../../../shared/money.js';
import {
  createOrder, getOrder, listBoutiques, listSuppliers, purchasingKeys, updateOrder,
  type OrderDetail, type OrderInput, type ProductHit, type Unit,
} from '../../api/purchasing.js';
import { useFormat } from '../../components/format.js';
import { useProductSearch } from '../../components/product-search.js';
import { useUser } from '../../session/session.js';
import { parseQuantity, quantityInputText } from '../../../../../../shared/quantity.js';
import { parseUnitCost, purchaseQuantityRules } from './quantities.js';

type DraftLine = { key: string; productId: string; name: string; barcode: string; unit: Unit; quantity: string; unitCost: string };
type LineErrors = Record<string, { quantity?: boolean; unitCost?: boolean }>;

/** /commandes-achat/nouvelle and /commandes-achat/:orderId/modifier (a draft only). */
export function OrderFormScreen() {
  const { orderId } = useParams();
  const { t } = useTranslation();
  const user = useUser();
  const existing = useQuery({
    queryKey: purchasingKeys.order(user.tenantId, orderId ?? ''),
    queryFn: ({ signal }) => getOrder(user.tenantId, orderId!, signal),
    enabled: Boolean(orderId),
  });
  if (orderId && !existing.data) {
    return (
      <section className="product-form">
        <Link to="/commandes-achat" className="back">
          ← {t('ui.orderForm.back')}
        </Link>
        {existing.error ? <p className="error" role="alert">{existing.error.message}</p> : <p className="muted">{t('ui.app.loading')}</p>}
      </section>
    );
  }
  return <OrderForm key={existing.data?.id ?? 'new'} order={existing.data ?? null} />;
}

function OrderForm({ order }: { order: OrderDetail | null }) {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const user = useUser();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const suppliers = useQuery({
    queryKey: purchasingKeys.supplierOptions(user.tenantId, 'active'),
    queryFn: ({ signal }) => listSuppliers(user.tenantId, { q: '', status: 'active', limit: 200 }, null, signal),
    staleTime: 60_000,
  });
  const boutiques = useQuery({ queryKey: purchasingKeys.boutiques(user.tenantId), queryFn: ({ signal }) => listBoutiques(user.tenantId, signal), staleTime: 60_000 });
  // A dg orders for their own boutiques only (the API refuses the others).
  const ownBoutiques = (boutiques.data ?? []).filter((b) => user.role !== 'dg' || user.boutiqueIds.includes(b.id));

  const [supplierId, setSupplierId] = useState(order?.supplierId ?? '');
  const [boutiqueId, setBoutiqueId] = useState(order?.boutiqueId ?? (user.role === 'dg' && user.boutiqueIds.length === 1 ? user.boutiqueIds[0]! : ''));
  const [notes, setNotes] = useState(order?.notes ?? '');
  const [lines, setLines] = useState<DraftLine[]>(() =>
    (order?.lines ?? []).map((l) => ({
      key: l.id, productId: l.productId, name: l.productName, barcode: l.productBarcode, unit: l.unit,
      quantity: quantityInputText(l.quantityMilli, i18n.language), unitCost: String(l.unitCostMinor),
    })),
  );
  const [errors, setErrors] = useState<{ supplier?: boolean; boutique?: boolean; lines: LineErrors }>({ lines: {} });
  const [focusKey, setFocusKey] = useState<string | null>(null);

  // Product search: asked once the hand pauses, from 2 characters.
  const { search, setSearch, asked, hits, clear } = useProductSearch(2);

  useEffect(() => {
    if (focusKey) document.getElementById(`line-qty-${focusKey}`)?.focus();
  }, [focusKey]);

  function add(product: ProductHit) {
    if (lines.some((l) => l.productId === product.id)) return;
    const key = `new-${product.id}`;
    setLines((current) => [...current, { key, productId: product.id, name: product.name, barcode: product.barcode, unit: product.unit, quantity: '1', unitCost: '' }]);
    clear();
    setFocusKey(key);
  }

  function onSearchKey(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    const first = hits.data?.find((h) => !lines.some((l) => l.productId === h.id));
    if (first) add(first);
  }

  const setLine = (key: string, field: 'quantity' | 'unitCost', value: string) => {
    setLines((current) => current.map((l) => (l.key === key ? { ...l, [field]: value } : l)));
    setErrors((e) => ({ ...e, lines: { ...e.lines, [key]: { ...e.lines[key], [field]: false } } }));
  };

  const save = useMutation({
    mutationFn: (input: OrderInput) => (order ? updateOrder(user.tenantId, order.id, input) : createOrder(user.tenantId, input)),
    onSuccess: async (saved) => {
      queryClient.setQueryData(purchasingKeys.order(user.tenantId, saved.id), saved);
      await queryClient.invalidateQueries({ queryKey: purchasingKeys.orders(user.tenantId) });
      navigate(`/commandes-achat/${encodeURIComponent(saved.id)}`, { state: { flash: 'saved' } });
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const lineErrors: LineErrors = {};
    const parsed = lines.map((l) => {
      const quantityMilli = parseQuantity(l.quantity, purchaseQuantityRules(l.unit));
      const unitCostMinor = parseUnitCost(l.unitCost);
      if (quantityMilli === null || unitCostMinor === null) lineErrors[l.key] = { quantity: quantityMilli === null, unitCost: unitCostMinor === null };
      return { productId: l.productId, quantityMilli: quantityMilli ?? 0, unitCostMinor: unitCostMinor ?? 0 };
    });
    const found = { supplier: !supplierId, boutique: !boutiqueId, lines: lineErrors };
    setErrors(found);
    if (found.supplier || found.boutique || Object.keys(lineErrors).length > 0) {
      setTimeout(() => document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    save.mutate({ supplierId, boutiqueId, notes: notes.trim(), lines: parsed });
  }

  const total = lines.reduce((sum, l) => {
    const q = parseQuantity(l.quantity, purchaseQuantityRules(l.unit));
    const c = parseUnitCost(l.unitCost);
    return q !== null && c !== null ? sum + lineAmount(c, q) : sum;
  }, 0);
  const invalid = errors.supplier || errors.boutique || Object.keys(errors.lines).some((k) => errors.lines[k]?.quantity || errors.lines[k]?.unitCost);
  const supplierOptions = suppliers.data?.suppliers ?? [];
  const notDraft = order !== null && order.status !== 'draft';

  return (
    <section className="product-form po-form" data-testid="order-form-screen">
      <Link to={order ? `/commandes-achat/${encodeURIComponent(order.id)}` : '/commandes-achat'} className="back">
        ← {t('ui.orderForm.back')}
      </Link>
      <h1>{order ? t('ui.orderForm.editTitle', { number: order.number }) : t('ui.orderForm.createTitle')}</h1>
      {notDraft && <p className="error" role="alert">{t('errors.PURCHASE_ORDER_NOT_DRAFT', { number: order.number })}</p>}
      <form className="card" onSubmit={submit} noValidate data-testid="order-form">
        <div className="form-grid">
          <div className="field">
            <label htmlFor="order-supplier">{t('ui.orderForm.supplier')}</label>
            <select id="order-supplier" data-testid="order-supplier" value={supplierId} onChange={(e) => { setSupplierId(e.target.value); setErrors((x) => ({ ...x, supplier: false })); }} aria-invalid={errors.supplier || undefined} disabled={notDraft} autoFocus={!order}>
              <option value="">{t('ui.orderForm.chooseSupplier')}</option>
              {order && !supplierOptions.some((s) => s.id === order.supplierId) && <option value={order.supplierId}>{order.supplierName}</option>}
              {supplierOptions.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
            {errors.supplier && <small className="field-error">{t('ui.orderForm.supplierRequired')}</small>}
          </div>
          <div className="field">
            <label htmlFor="order-boutique">{t('ui.orderForm.boutique')}</label>
            <select id="order-boutique" data-testid="order-boutique" value={boutiqueId} onChange={(e) => { setBoutiqueId(e.target.value); setErrors((x) => ({ ...x, boutique: false })); }} aria-invalid={errors.boutique || undefined} disabled={notDraft}>
              <option value="">{t('ui.orderForm.chooseBoutique')}</option>
              {ownBoutiques.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name}
                </option>
              ))}
            </select>
            {errors.boutique && <small className="field-error">{t('ui.orderForm.boutiqueRequired')}</small>}
          </div>
          <div className="field full">
            <label htmlFor="order-notes">{t('ui.orderForm.notes')}</label>
            <input id="order-notes" data-testid="order-notes" value={notes} onChange={(e) => setNotes(e.target.value)} disabled={notDraft} />
          </div>
        </div>

        <h2>{t('ui.orderForm.lines')}</h2>
        <div className="field product-search">
          <label htmlFor="order-product-search">{t('ui.orderForm.productSearch')}</label>
          <input
            id="order-product-search"
            data-testid="order-product-search"
            type="search"
            value={search}
            placeholder={t('ui.orderForm.productSearchPlaceholder')}
            onChange={(e) => setSearch(e.target.value)}
            onKeyDown={onSearchKey}
            disabled={notDraft}
            aria-controls="order-product-hits"
          />
          {asked && (
            <ul id="order-product-hits" className="search-hits" data-testid="order-product-hits" aria-live="polite">
              {hits.isFetching && !hits.data && <li className="muted">{t('ui.orderForm.searching')}</li>}
              {hits.data?.length === 0 && <li className="muted">{t('ui.orderForm.noProduct')}</li>}
              {hits.data?.map((h) => {
                const added = lines.some((l) => l.productId === h.id);
                return (
                  <li key={h.id}>
                    <button type="button" className="hit" onClick={() => add(h)} disabled={added} data-testid="order-product-hit" data-barcode={h.barcode}>
                      <span className="mono">{h.barcode}</span> {h.name}
                      {added && <small className="muted"> · {t('ui.orderForm.alreadyAdded')}</small>}
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
        </div>

        <table className="lines-table" data-testid="order-lines">
          <thead>
            <tr>
              <th scope="col">{t('ui.orderForm.product')}</th>
              <th scope="col" className="num">{t('ui.orderForm.quantity')}</th>
              <th scope="col" className="num">{t('ui.orderForm.unitCost')}</th>
              <th scope="col" className="num">{t('ui.orderForm.amount')}</th>
              <th scope="col"><span className="visually-hidden">{t('ui.orderForm.remove')}</span></th>
            </tr>
          </thead>
          <tbody>
            {lines.length === 0 && (
              <tr>
                <td colSpan={5} className="muted">{t('ui.orderForm.noLines')}</td>
              </tr>
            )}
            {lines.map((l) => {
              const q = parseQuantity(l.quantity, purchaseQuantityRules(l.unit));
              const c = parseUnitCost(l.unitCost);
              const e = errors.lines[l.key];
              return (
                <tr key={l.key} data-testid="order-line" data-barcode={l.barcode}>
                  <td>
                    <strong>{l.name}</strong>
                    <br />
                    <small className="mono muted">{l.barcode}</small>
                  </td>
                  <td className="num">
                    <span className="qty-input">
                      <input id={`line-qty-${l.key}`} data-testid="order-line-quantity" aria-label={`${t('ui.orderForm.quantity')} — ${l.name}`} inputMode="decimal" value={l.quantity} onChange={(ev) => setLine(l.key, 'quantity', ev.target.value)} aria-invalid={e?.quantity || undefined} disabled={notDraft} />
                      <small>{t(`ui.products.units.${l.unit}`)}</small>
                    </span>
                    {e?.quantity && <small className="field-error">{t('ui.orderForm.quantityInvalid')}</small>}
                  </td>
                  <td className="num">
                    <input data-testid="order-line-cost" aria-label={`${t('ui.orderForm.unitCost')} — ${l.name}`} inputMode="numeric" value={l.unitCost} onChange={(ev) => setLine(l.key, 'unitCost', ev.target.value)} aria-invalid={e?.unitCost || undefined} disabled={notDraft} />
                    {e?.unitCost && <small className="field-error">{t('ui.orderForm.unitCostInvalid')}</small>}
                  </td>
                  <td className="num">{q !== null && c !== null ? format.money(lineAmount(c, q)) : '—'}</td>
                  <td>
                    <button type="button" className="ghost" onClick={() => setLines((cur) => cur.filter((x) => x.key !== l.key))} aria-label={t('ui.orderForm.removeLine', { name: l.name })} disabled={notDraft}>
                      {t('ui.orderForm.remove')}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={3} className="num">{t('ui.orderForm.total')}</th>
              <td className="num" data-testid="order-total"><strong>{format.money(total)}</strong></td>
              <td />
            </tr>
          </tfoot>
        </table>

        {(invalid || save.error) && (
          <p className="error" role="alert" data-testid="order-form-error">
            {save.error ? save.error.message : t('ui.orderForm.fix')}
          </p>
        )}
        <div className="actions">
          <Link to={order ? `/commandes-achat/${encodeURIComponent(order.id)}` : '/commandes-achat'} className="button">
            {t('ui.orderForm.cancel')}
          </Link>
          <button type="submit" className="primary" disabled={save.isPending || notDraft} data-testid="order-save">
            {save.isPending ? t('ui.orderForm.saving') : t('ui.orderForm.save')}
          </button>
        </div>
      </form>
    </section>
  );
}
