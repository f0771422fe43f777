import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../../components/language-switch.js';
import { useSession, useUser } from '../../session/session.js';
import { TextField } from '../sign-in/sign-in-screen.js';

type Field = 'current' | 'next' | 'confirm';

/** The same rule the API applies (cloud/api/auth/passwords.ts), said before the round trip. */
function strongEnough(password: string): boolean {
  return password.length >= 8 && password.length <= 200 && /\p{L}/u.test(password) && /\d/.test(password);
}

/** A temporary password opens nothing else: this screen comes before any other. */
export function ChangePasswordScreen() {
  const { t } = useTranslation();
  const { changePassword, signOut } = useSession();
  const user = useUser();
  const [values, setValues] = useState({ current: '', next: '', confirm: '' });
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<Field, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (field: Field) => (value: string) => setValues((v) => ({ ...v, [field]: value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    const errors: Partial<Record<Field, string>> = {};
    if (!values.current) errors.current = t('ui.password.currentRequired');
    if (!strongEnough(values.next)) errors.next = t('ui.password.weak');
    else if (values.next === values.current) errors.next = t('ui.password.same');
    if (!errors.next && values.confirm !== values.next) errors.confirm = t('ui.password.mismatch');
    setFieldErrors(errors);
    setError(null);
    if (Object.keys(errors).length > 0) return;
    setBusy(true);
    try {
      await changePassword({ currentPassword: values.current, newPassword: values.next });
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="auth-page">
      <div className="auth-top">
        <LanguageSwitch />
        <button type="button" className="ghost" onClick={() => void signOut()} data-testid="sign-out">
          {t('ui.app.signOut')}
        </button>
      </div>
      <form className="card auth-card" onSubmit={submit} noValidate data-testid="password-form">
        <h1>{t('ui.password.title')}</h1>
        <p className="muted">{t('ui.password.intro', { name: user.name })}</p>
        <TextField id="password-current" label={t('ui.password.current')} type="password" value={values.current} onChange={set('current')} error={fieldErrors.current} autoComplete="current-password" autoFocus />
        <TextField id="password-next" label={t('ui.password.next')} hint={t('ui.password.rule')} type="password" value={values.next} onChange={set('next')} error={fieldErrors.next} autoComplete="new-password" />
        <TextField id="password-confirm" label={t('ui.password.confirm')} type="password" value={values.confirm} onChange={set('confirm')} error={fieldErrors.confirm} autoComplete="new-password" />
        {error && (
          <p className="error" role="alert" data-testid="password-error">
            {error}
          </p>
        )}
        <button type="submit" className="primary wide" disabled={busy} data-testid="password-submit">
          {busy ? t('ui.password.busy') : t('ui.password.submit')}
        </button>
      </form>
    </main>
  );
}
