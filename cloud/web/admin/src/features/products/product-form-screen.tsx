import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { can } from '../../../../../../shared/rbac.js';
import { ApiError } from '../../api/client.js';
import { catalogKeys, createProduct, getProduct, listBoutiques, listCategories, updateProduct, type Product } from '../../api/catalog.js';
import { useFormat } from '../../components/format.js';
import { useUser } from '../../session/session.js';
import { TextField } from '../sign-in/sign-in-screen.js';
import { changesOf, emptyProductForm, fieldsOfApiError, formFromProduct, parsePrice, UNITS, validateProductForm, type ProductField, type ProductFormErrors, type ProductFormValues } from './product-form.js';

/** /produits/nouveau and /produits/:productId: the product loads first, then the same form. */
export function ProductFormScreen() {
  const { productId } = useParams();
  const { t } = useTranslation();
  const user = useUser();
  const existing = useQuery({
    queryKey: catalogKeys.product(user.tenantId, productId ?? ''),
    queryFn: ({ signal }) => getProduct(user.tenantId, productId!, signal),
    enabled: Boolean(productId),
  });
  if (productId && !existing.data) {
    return (
      <section className="product-form">
        <Link to="/produits" className="back">
          ← {t('ui.productForm.back')}
        </Link>
        {existing.error ? (
          <p className="error" role="alert" data-testid="product-error">
            {existing.error.message}
          </p>
        ) : (
          <p className="muted">{t('ui.app.loading')}</p>
        )}
      </section>
    );
  }
  return <ProductForm key={existing.data?.id ?? 'new'} product={existing.data ?? null} />;
}

function ProductForm({ product }: { product: Product | null }) {
  const { t, i18n } = useTranslation();
  const user = useUser();
  const format = useFormat();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const writable = can(user.role, 'products', 'write');
  const categories = useQuery({ queryKey: catalogKeys.categories(user.tenantId), queryFn: ({ signal }) => listCategories(user.tenantId, signal), staleTime: 60_000 });
  const boutiques = useQuery({ queryKey: catalogKeys.boutiques(user.tenantId), queryFn: ({ signal }) => listBoutiques(user.tenantId, signal), staleTime: 60_000 });
  // A dg sets the prices of their own boutiques; the API refuses the others' (and decides).
  const mayPrice = (boutiqueId: string) => user.role !== 'dg' || user.boutiqueIds.includes(boutiqueId);
  const [values, setValues] = useState<ProductFormValues>(() => (product ? formFromProduct(product, i18n.language) : emptyProductForm()));
  const [errors, setErrors] = useState<ProductFormErrors>({});
  const [apiFields, setApiFields] = useState<ProductField[]>([]);

  const save = useMutation({
    mutationFn: async (input: NonNullable<ReturnType<typeof validateProductForm>['input']>) =>
      product ? updateProduct(user.tenantId, product.id, changesOf(product, input)) : createProduct(user.tenantId, input),
    onSuccess: async (saved) => {
      queryClient.setQueryData(catalogKeys.product(user.tenantId, saved.id), saved);
      await queryClient.invalidateQueries({ queryKey: catalogKeys.products(user.tenantId) });
      navigate('/produits', { state: { saved: saved.name } });
    },
    onError: (error) => setApiFields(error instanceof ApiError ? fieldsOfApiError(error.code, error.details) : []),
  });

  const set = <K extends ProductField>(field: K) => (value: ProductFormValues[K]) => {
    setValues((v) => ({ ...v, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
    setApiFields((f) => f.filter((x) => x !== field));
  };
  const setBoutiquePrice = (boutiqueId: string, text: string) => {
    setValues((v) => ({ ...v, boutiquePrices: { ...v.boutiquePrices, [boutiqueId]: text } }));
    setErrors((e) => ({ ...e, boutiquePrices: undefined }));
    setApiFields((f) => f.filter((x) => x !== 'boutiquePrices'));
  };
  const message = (field: ProductField) => (errors[field] ? t(`ui.productForm.${errors[field]}`) : apiFields.includes(field) ? ' ' : undefined);

  function submit(event: FormEvent) {
    event.preventDefault();
    const { input, errors: found } = validateProductForm(values);
    setErrors(found);
    setApiFields([]);
    if (input) save.mutate(input);
    else document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }

  const hasErrors = Object.values(errors).some(Boolean);
  const price = parsePrice(values.price);
  const cost = values.cost.trim() ? parsePrice(values.cost) : null;
  const disabled = !writable || save.isPending;

  return (
    <section className="product-form" data-testid="product-form-screen">
      <Link to="/produits" className="back">
        ← {t('ui.productForm.back')}
      </Link>
      <h1>{product ? t('ui.productForm.editTitle') : t('ui.productForm.createTitle')}</h1>
      {product && <p className="muted subtitle">{product.name}</p>}
      {product && can(user.role, 'stock', 'read') && (
        <Link to={`/stock/produits/${encodeURIComponent(product.id)}`} data-testid="product-stock-history">
          {t('ui.stock.history.link')}
        </Link>
      )}
      {!writable && <p className="notice">{t('ui.productForm.readOnly')}</p>}
      <form className="card form-grid" onSubmit={submit} noValidate data-testid="product-form">
        <TextField id="product-barcode" label={t('ui.productForm.barcode')} hint={t('ui.productForm.barcodeHint')} value={values.barcode} onChange={set('barcode')} error={message('barcode')} disabled={disabled} autoFocus={!product} />
        <TextField id="product-sku" label={t('ui.productForm.sku')} hint={t('ui.productForm.skuHint')} value={values.sku} onChange={set('sku')} error={message('sku')} disabled={disabled} />
        <TextField
          id="product-barcodes"
          label={t('ui.productForm.otherBarcodes')}
          hint={t('ui.productForm.otherBarcodesHint')}
          value={values.otherBarcodes}
          onChange={set('otherBarcodes')}
          error={message('otherBarcodes')}
          disabled={disabled}
        />
        <TextField id="product-name" label={t('ui.productForm.name')} value={values.name} onChange={set('name')} error={message('name')} disabled={disabled} />
        <div className="field">
          <label htmlFor="product-category">{t('ui.productForm.category')}</label>
          <select
            id="product-category"
            data-testid="product-category"
            value={values.categoryId}
            onChange={(e) => set('categoryId')(e.target.value)}
            aria-invalid={message('categoryId') ? true : undefined}
            aria-describedby={errors.categoryId ? 'product-category-error' : undefined}
            disabled={disabled}
          >
            <option value="">{t('ui.productForm.chooseCategory')}</option>
            {(categories.data ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
          {errors.categoryId && (
            <small id="product-category-error" className="field-error" data-testid="product-category-error">
              {t(`ui.productForm.${errors.categoryId}`)}
            </small>
          )}
        </div>
        <fieldset className="field units" disabled={disabled}>
          <legend>{t('ui.productForm.unit')}</legend>
          <div className="segmented">
            {UNITS.map((unit) => (
              <label key={unit} className={values.unit === unit ? 'checked' : undefined}>
                <input type="radio" name="unit" value={unit} checked={values.unit === unit} onChange={() => set('unit')(unit)} data-testid={`product-unit-${unit}`} />
                {t(`ui.products.units.${unit}`)}
              </label>
            ))}
          </div>
        </fieldset>
        <TextField
          id="product-price"
          label={t('ui.productForm.price')}
          hint={price !== null && !errors.price ? t('ui.productForm.pricePreview', { amount: format.money(price) }) : undefined}
          value={values.price}
          onChange={set('price')}
          error={message('price')}
          inputMode="numeric"
          disabled={disabled}
        />
        <TextField id="product-vat" label={t('ui.productForm.vat')} hint={t('ui.productForm.vatHint')} value={values.vat} onChange={set('vat')} error={message('vat')} inputMode="decimal" disabled={disabled} />
        <TextField
          id="product-cost"
          label={t('ui.productForm.cost')}
          hint={cost !== null && !errors.cost ? t('ui.productForm.costPreview', { amount: format.money(cost) }) : t('ui.productForm.costHint')}
          value={values.cost}
          onChange={set('cost')}
          error={message('cost')}
          inputMode="numeric"
          disabled={disabled}
        />
        <TextField
          id="product-low-stock"
          label={t('ui.productForm.lowStock', { unit: t(`ui.products.units.${values.unit}`) })}
          hint={t('ui.productForm.lowStockHint')}
          value={values.lowStock}
          onChange={set('lowStock')}
          error={message('lowStock')}
          inputMode="decimal"
          disabled={disabled}
        />
        {(boutiques.data ?? []).length > 0 && (
          <fieldset className="field full boutique-prices" data-testid="product-boutique-prices">
            <legend>{t('ui.productForm.boutiquePrices')}</legend>
            <small className="hint">{t('ui.productForm.boutiquePricesHint', { price: price !== null ? format.money(price) : '—' })}</small>
            <div className="boutique-price-grid">
              {(boutiques.data ?? []).map((b) => (
                <label key={b.id} className="boutique-price">
                  <span>
                    {b.name} <small className="muted">({b.code})</small>
                  </span>
                  <input
                    data-testid={`product-boutique-price-${b.code}`}
                    value={values.boutiquePrices[b.id] ?? ''}
                    onChange={(e) => setBoutiquePrice(b.id, e.target.value)}
                    inputMode="numeric"
                    placeholder={price !== null ? String(price) : ''}
                    disabled={disabled || !mayPrice(b.id)}
                    title={mayPrice(b.id) ? undefined : t('ui.productForm.boutiquePriceNotYours')}
                    aria-invalid={message('boutiquePrices') ? true : undefined}
                  />
                </label>
              ))}
            </div>
            {message('boutiquePrices')?.trim() && (
              <small className="field-error" data-testid="product-boutique-prices-error">
                {message('boutiquePrices')}
              </small>
            )}
          </fieldset>
        )}
        <div className="field full">
          <label className="check">
            <input type="checkbox" checked={values.active} onChange={(e) => set('active')(e.target.checked)} data-testid="product-active" disabled={disabled} />
            {t('ui.productForm.active')}
          </label>
          {!values.active && <small className="hint">{t('ui.productForm.archivedNote')}</small>}
        </div>
        {(hasErrors || save.error) && (
          <p className="error full" role="alert" data-testid="product-form-error">
            {save.error ? save.error.message : t('ui.productForm.fix')}
          </p>
        )}
        <div className="actions full">
          <Link to="/produits" className="button">
            {t('ui.productForm.cancel')}
          </Link>
          {writable && (
            <button type="submit" className="primary" disabled={save.isPending} data-testid="product-save">
              {save.isPending ? t('ui.productForm.saving') : t('ui.productForm.save')}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
