import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { can } from '../../../../../../shared/rbac.js';
import { getSettings, listBoutiques, orderKeys, saveSettings } from '../../api/orders.js';
import { useUser } from '../../session/session.js';

/**
 * Which boutique prepares the online orders (its stock is what the storefront sells). A pdg
 * chooses it; a dg sees it. The API decides in the end (`ecommerce.settings`).
 */
export function FulfilmentSetting() {
  const { t } = useTranslation();
  const user = useUser();
  const queryClient = useQueryClient();
  const writable = can(user.role, 'ecommerce.settings', 'write');
  const settings = useQuery({ queryKey: orderKeys.settings(user.tenantId), queryFn: ({ signal }) => getSettings(user.tenantId, signal) });
  const boutiques = useQuery({ queryKey: orderKeys.boutiques(user.tenantId), queryFn: ({ signal }) => listBoutiques(user.tenantId, signal), staleTime: 60_000 });
  const [choice, setChoice] = useState<string | null>(null);
  const current = settings.data?.fulfilmentBoutiqueId ?? '';
  const selected = choice ?? current;
  const save = useMutation({
    mutationFn: (boutiqueId: string) => saveSettings(user.tenantId, boutiqueId),
    onSuccess: (saved) => {
      queryClient.setQueryData(orderKeys.settings(user.tenantId), saved);
      setChoice(null);
    },
  });
  const name = (id: string) => boutiques.data?.find((b) => b.id === id)?.name ?? '—';

  if (!can(user.role, 'ecommerce.settings', 'read')) return null;
  return (
    <form
      className="setting-card"
      data-testid="fulfilment-setting"
      aria-label={t('ui.orders.setting.label')}
      onSubmit={(e) => {
        e.preventDefault();
        if (selected && selected !== current) save.mutate(selected);
      }}
    >
      <label htmlFor="fulfilment-boutique">{t('ui.orders.setting.label')}</label>
      {writable ? (
        <div className="setting-row">
          <select id="fulfilment-boutique" data-testid="fulfilment-boutique" value={selected} onChange={(e) => setChoice(e.target.value)} disabled={save.isPending}>
            {(boutiques.data ?? []).map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
              </option>
            ))}
          </select>
          <button type="submit" className="primary" data-testid="fulfilment-save" disabled={save.isPending || !selected || selected === current}>
            {save.isPending ? t('ui.orders.setting.saving') : t('ui.orders.setting.save')}
          </button>
        </div>
      ) : (
        <strong id="fulfilment-boutique" data-testid="fulfilment-boutique-name">{name(current)}</strong>
      )}
      <small className="muted" role="status" data-testid="fulfilment-note">
        {save.isSuccess && choice === null ? t('ui.orders.setting.saved') : settings.data && !settings.data.chosen ? t('ui.orders.setting.default') : t('ui.orders.setting.hint')}
      </small>
      {save.error && (
        <p className="error" role="alert">
          {save.error.message}
        </p>
      )}
    </form>
  );
}
