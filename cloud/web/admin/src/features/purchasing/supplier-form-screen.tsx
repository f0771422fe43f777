import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { can } from '../../../../../../shared/rbac.js';
import { createSupplier, getSupplier, purchasingKeys, updateSupplier, type Supplier, type SupplierInput } from '../../api/purchasing.js';
import { useUser } from '../../session/session.js';
import { TextField } from '../sign-in/sign-in-screen.js';

type Errors = Partial<Record<'name' | 'email', string>>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** /fournisseurs/nouveau and /fournisseurs/:supplierId: the supplier loads first, then the same form. */
export function SupplierFormScreen() {
  const { supplierId } = useParams();
  const { t } = useTranslation();
  const user = useUser();
  const existing = useQuery({
    queryKey: purchasingKeys.supplier(user.tenantId, supplierId ?? ''),
    queryFn: ({ signal }) => getSupplier(user.tenantId, supplierId!, signal),
    enabled: Boolean(supplierId),
  });
  if (supplierId && !existing.data) {
    return (
      <section className="product-form">
        <Link to="/fournisseurs" className="back">
          ← {t('ui.supplierForm.back')}
        </Link>
        {existing.error ? <p className="error" role="alert">{existing.error.message}</p> : <p className="muted">{t('ui.app.loading')}</p>}
      </section>
    );
  }
  return <SupplierForm key={existing.data?.id ?? 'new'} supplier={existing.data ?? null} />;
}

function SupplierForm({ supplier }: { supplier: Supplier | null }) {
  const { t } = useTranslation();
  const user = useUser();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const writable = can(user.role, 'suppliers', 'write');
  const [values, setValues] = useState<SupplierInput>(() =>
    supplier
      ? { name: supplier.name, contact: supplier.contact, phone: supplier.phone, email: supplier.email, address: supplier.address, notes: supplier.notes, active: supplier.active }
      : { name: '', contact: '', phone: '', email: '', address: '', notes: '', active: true },
  );
  const [errors, setErrors] = useState<Errors>({});

  const save = useMutation({
    mutationFn: (input: SupplierInput) => (supplier ? updateSupplier(user.tenantId, supplier.id, input) : createSupplier(user.tenantId, input)),
    onSuccess: async (saved) => {
      queryClient.setQueryData(purchasingKeys.supplier(user.tenantId, saved.id), saved);
      await queryClient.invalidateQueries({ queryKey: purchasingKeys.suppliers(user.tenantId) });
      navigate('/fournisseurs', { state: { saved: saved.name } });
    },
  });

  const set = <K extends keyof SupplierInput>(field: K) => (value: SupplierInput[K]) => {
    setValues((v) => ({ ...v, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
  };

  function submit(event: FormEvent) {
    event.preventDefault();
    const input = { ...values, name: values.name.trim(), email: values.email.trim() };
    const found: Errors = {};
    if (!input.name) found.name = 'nameRequired';
    if (input.email && !EMAIL.test(input.email)) found.email = 'emailInvalid';
    setErrors(found);
    if (Object.keys(found).length === 0) save.mutate(input);
    else setTimeout(() => document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
  }

  const message = (field: keyof Errors) => (errors[field] ? t(`ui.supplierForm.${errors[field]}`) : undefined);
  const disabled = !writable || save.isPending;
  const hasErrors = Object.values(errors).some(Boolean);

  return (
    <section className="product-form" data-testid="supplier-form-screen">
      <Link to="/fournisseurs" className="back">
        ← {t('ui.supplierForm.back')}
      </Link>
      <h1>{supplier ? t('ui.supplierForm.editTitle') : t('ui.supplierForm.createTitle')}</h1>
      {supplier && <p className="muted subtitle">{supplier.name}</p>}
      {!writable && <p className="notice">{t('ui.supplierForm.readOnly')}</p>}
      <form className="card form-grid" onSubmit={submit} noValidate data-testid="supplier-form">
        <TextField id="supplier-name" label={t('ui.supplierForm.name')} value={values.name} onChange={set('name')} error={message('name')} disabled={disabled} autoFocus={!supplier} />
        <TextField id="supplier-contact" label={t('ui.supplierForm.contact')} value={values.contact} onChange={set('contact')} disabled={disabled} />
        <TextField id="supplier-phone" label={t('ui.supplierForm.phone')} value={values.phone} onChange={set('phone')} type="tel" disabled={disabled} />
        <TextField id="supplier-email" label={t('ui.supplierForm.email')} value={values.email} onChange={set('email')} error={message('email')} type="email" disabled={disabled} />
        <div className="field full">
          <label htmlFor="supplier-address">{t('ui.supplierForm.address')}</label>
          <input id="supplier-address" data-testid="supplier-address" value={values.address} onChange={(e) => set('address')(e.target.value)} disabled={disabled} />
        </div>
        <div className="field full">
          <label htmlFor="supplier-notes">{t('ui.supplierForm.notes')}</label>
          <textarea id="supplier-notes" data-testid="supplier-notes" rows={3} value={values.notes} onChange={(e) => set('notes')(e.target.value)} disabled={disabled} />
        </div>
        <div className="field full">
          <label className="check">
            <input type="checkbox" checked={values.active} onChange={(e) => set('active')(e.target.checked)} data-testid="supplier-active" disabled={disabled} />
            {t('ui.supplierForm.active')}
          </label>
          {!values.active && <small className="hint">{t('ui.supplierForm.archivedNote')}</small>}
        </div>
        {(hasErrors || save.error) && (
          <p className="error full" role="alert" data-testid="supplier-form-error">
            {save.error ? save.error.message : t('ui.supplierForm.fix')}
          </p>
        )}
        <div className="actions full">
          <Link to="/fournisseurs" className="button">
            {t('ui.supplierForm.cancel')}
          </Link>
          {writable && (
            <button type="submit" className="primary" disabled={save.isPending} data-testid="supplier-save">
              {save.isPending ? t('ui.supplierForm.saving') : t('ui.supplierForm.save')}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
