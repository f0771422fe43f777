import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText, useBridge } from '../../bridge.js';
import { Dialog, ErrorBox, Notice } from '../../components/dialog.js';

export function SetPinDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const [pin, setPin] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!/^\d{4,6}$/.test(pin)) return setError(t('ui.signIn.pinFormat'));
    if (pin !== again) return setError(t('ui.signIn.pinMismatch'));
    try {
      await bridge.call('auth.setPin', { pin });
      setDone(true);
      setError(null);
    } catch (e) {
      setError(errorText(e, t));
    }
  }

  return (
    <Dialog title={t('ui.signIn.setPin')} onClose={onClose} testId="set-pin-dialog">
      <form className="form" onSubmit={submit}>
        <label>
          {t('ui.signIn.newPin')}
          <input type="password" inputMode="numeric" maxLength={6} value={pin} onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))} data-testid="new-pin" />
        </label>
        <label>
          {t('ui.signIn.confirmPin')}
          <input type="password" inputMode="numeric" maxLength={6} value={again} onChange={(e) => setAgain(e.target.value.replace(/\D/g, ''))} data-testid="new-pin-again" />
        </label>
        <ErrorBox message={error} />
        <Notice message={done ? t('ui.signIn.pinSaved') : null} />
        <div className="actions">
          <button type="submit" className="primary" data-testid="set-pin-submit">
            {t('ui.common.save')}
          </button>
          <button type="button" onClick={onClose}>
            {t('ui.common.close')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
