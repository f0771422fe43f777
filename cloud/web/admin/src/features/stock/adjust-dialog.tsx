import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.js';
import { adjustStock, stockKeys, type StockBoutique, type Unit } from '../../api/stock.js';
import { useFormat } from '../../components/format.js';
import { useUser } from '../../session/session.js';
import { formatQuantity, parseQuantity } from '../../../../../../shared/quantity.js';

type Direction = 'add' | 'remove';

/**
 * Adjusts one product's stock in one boutique: a quantity to add or remove and its reason. The
 * adjustment's id is made when the dialog opens, so a second click or a retry after a lost answer
 * is the same adjustment, written once.
 */
export function AdjustDialog({
  product,
  boutiques,
  onClose,
}: {
  product: { id: string; name: string; unit: Unit; levels?: Record<string, number> };
  boutiques: StockBoutique[];
  onClose: (done: string | null) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const user = useUser();
  const queryClient = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const [id] = useState(() => crypto.randomUUID());
  const [boutiqueId, setBoutiqueId] = useState(boutiques[0]?.id ?? '');
  const [direction, setDirection] = useState<Direction>('remove');
  const [quantity, setQuantity] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<{ quantity?: string; reason?: string }>({});

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);

  const save = useMutation({
    mutationFn: (input: { quantityMilli: number; reason: string }) => adjustStock(user.tenantId, { id, boutiqueId, productId: product.id, ...input }),
    onSuccess: async (adjustment) => {
      await queryClient.invalidateQueries({ queryKey: stockKeys.all(user.tenantId) });
      const boutique = boutiques.find((b) => b.id === boutiqueId);
      onClose(t('ui.stock.adjusted', { name: product.name, quantity: formatQuantity(adjustment.quantityMilli, format.locale, { unit: product.unit, signed: true }), boutique: boutique?.name ?? '' }));
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseQuantity(quantity, { unit: product.unit });
    const next: typeof errors = {};
    if (parsed === null || parsed === 0) next.quantity = product.unit === 'piece' ? t('ui.stock.quantityWhole') : t('ui.stock.quantityInvalid');
    if (reason.trim() === '') next.reason = t('errors.STOCK_ADJUST_REASON_REQUIRED');
    setErrors(next);
    if (Object.keys(next).length > 0 || parsed === null) return;
    save.mutate({ quantityMilli: direction === 'remove' ? -parsed : parsed, reason: reason.trim() });
  };

  const current = product.levels?.[boutiqueId];
  const apiError = save.error instanceof ApiError ? save.error.message : save.error ? String(save.error.message) : null;
  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="adjust-title" onCancel={() => onClose(null)} data-testid="adjust-dialog">
      <form onSubmit={submit} noValidate>
        <h2 id="adjust-title">{t('ui.stock.adjustTitle')}</h2>
        <p className="muted">{product.name}</p>
        {boutiques.length > 1 ? (
          <div className="field">
            <label htmlFor="adjust-boutique">{t('ui.stock.boutique')}</label>
            <select id="adjust-boutique" data-testid="adjust-boutique" value={boutiqueId} onChange={(e) => setBoutiqueId(e.target.value)}>
              {boutiques.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name}
                </option>
              ))}
            </select>
          </div>
        ) : (
          <p>
            {t('ui.stock.boutique')} : <strong>{boutiques[0]?.name}</strong>
          </p>
        )}
        {current !== undefined && <p className="muted">{t('ui.stock.onHandNow', { quantity: formatQuantity(current, format.locale, { unit: product.unit }) })}</p>}
        <fieldset className="field">
          <legend>{t('ui.stock.direction')}</legend>
          <div className="segmented">
            {(['remove', 'add'] as const).map((value) => (
              <label key={value} className={direction === value ? 'checked' : ''}>
                <input type="radio" name="direction" value={value} checked={direction === value} onChange={() => setDirection(value)} data-testid={`adjust-${value}`} />
                {t(`ui.stock.${value}`)}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="field">
          <label htmlFor="adjust-quantity">{t('ui.stock.quantity', { unit: t(`ui.products.units.${product.unit}`) })}</label>
          <input
            id="adjust-quantity"
            data-testid="adjust-quantity"
            inputMode="decimal"
            autoFocus
            value={quantity}
            aria-invalid={errors.quantity ? true : undefined}
            aria-describedby={errors.quantity ? 'adjust-quantity-error' : undefined}
            onChange={(e) => setQuantity(e.target.value)}
          />
          {errors.quantity && (
            <span className="field-error" id="adjust-quantity-error">
              {errors.quantity}
            </span>
          )}
        </div>
        <div className="field">
          <label htmlFor="adjust-reason">{t('ui.stock.reason')}</label>
          <input
            id="adjust-reason"
            data-testid="adjust-reason"
            list="adjust-reasons"
            maxLength={300}
            value={reason}
            aria-invalid={errors.reason ? true : undefined}
            aria-describedby={errors.reason ? 'adjust-reason-error' : undefined}
            onChange={(e) => setReason(e.target.value)}
          />
          <datalist id="adjust-reasons">
            {t('ui.stock.reasons').split('|').map((r) => (
              <option key={r} value={r} />
            ))}
          </datalist>
          {errors.reason && (
            <span className="field-error" id="adjust-reason-error" data-testid="adjust-reason-error">
              {errors.reason}
            </span>
          )}
        </div>
        {apiError && (
          <p className="error" role="alert" data-testid="adjust-error">
            {apiError}
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={() => onClose(null)}>
            {t('ui.productForm.cancel')}
          </button>
          <button type="submit" className="primary" disabled={save.isPending} data-testid="adjust-save">
            {save.isPending ? t('ui.productForm.saving') : t('ui.stock.adjustSave')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
