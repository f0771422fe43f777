import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText, useBridge } from '../../bridge.js';
import { ErrorBox } from '../../components/dialog.js';

/** First start: the till exchanges the one-time code a manager made in the cloud for its credential. */
export function EnrolScreen({ onEnrolled, revoked = false }: { onEnrolled: () => void; revoked?: boolean }) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const [cloudUrl, setCloudUrl] = useState('');
  const [tenant, setTenant] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await bridge.call('device.enrol', { tenant: tenant.trim(), code: code.trim(), ...(cloudUrl.trim() ? { cloudUrl: cloudUrl.trim() } : {}) });
      onEnrolled();
    } catch (e) {
      setError(errorText(e, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="centered">
      <form className="card form" onSubmit={submit} data-testid="enrol-form">
        <h1>{t('ui.enrol.title')}</h1>
        {revoked && (
          <p className="error" role="alert" data-testid="enrol-revoked">
            {t('errors.DEVICE_REVOKED')}
          </p>
        )}
        <p className="hint">{t('ui.enrol.intro')}</p>
        <label>
          {t('ui.enrol.cloudUrl')}
          <input type="url" value={cloudUrl} onChange={(e) => setCloudUrl(e.target.value)} placeholder="https://…" data-testid="enrol-cloud-url" autoComplete="off" />
          <small>{t('ui.enrol.cloudUrlHint')}</small>
        </label>
        <label>
          {t('ui.enrol.tenant')}
          <input value={tenant} onChange={(e) => setTenant(e.target.value)} required minLength={2} data-testid="enrol-tenant" autoComplete="off" autoFocus />
        </label>
        <label>
          {t('ui.enrol.code')}
          <input
            value={code}
            onChange={(e) => setCode(e.target.value.toUpperCase())}
            required
            minLength={8}
            placeholder="XXXX-XXXX-XXXX"
            data-testid="enrol-code"
            autoComplete="off"
            spellCheck={false}
          />
        </label>
        <ErrorBox message={error} />
        <button type="submit" className="primary big" disabled={busy} data-testid="enrol-submit">
          {busy ? t('ui.enrol.busy') : t('ui.enrol.submit')}
        </button>
      </form>
    </main>
  );
}
