import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../../components/language-switch.js';
import { useSession } from '../../session/session.js';

type Field = 'tenant' | 'email' | 'password';

export function SignInScreen() {
  const { t } = useTranslation();
  const { signIn } = useSession();
  const [values, setValues] = useState({ tenant: '', email: '', password: '' });
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<Field, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const set = (field: Field) => (value: string) => setValues((v) => ({ ...v, [field]: value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    const errors: Partial<Record<Field, string>> = {};
    if (!values.tenant.trim()) errors.tenant = t('ui.signIn.tenantRequired');
    if (!values.email.trim()) errors.email = t('ui.signIn.emailRequired');
    else if (!/^[^\s@]+@[^\s@]+$/.test(values.email.trim())) errors.email = t('ui.signIn.emailInvalid');
    if (!values.password) errors.password = t('ui.signIn.passwordRequired');
    setFieldErrors(errors);
    setError(null);
    if (Object.keys(errors).length > 0) return;
    setBusy(true);
    try {
      await signIn({ tenant: values.tenant.trim(), email: values.email.trim(), password: values.password });
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      setValues((v) => ({ ...v, password: '' }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="auth-page">
      <div className="auth-top">
        <LanguageSwitch />
      </div>
      <form className="card auth-card" onSubmit={submit} noValidate data-testid="signin-form">
        <p className="brand-mark">
          {t('ui.app.brand')} <span>{t('ui.app.backOffice')}</span>
        </p>
        <h1>{t('ui.signIn.title')}</h1>
        <p className="muted">{t('ui.signIn.intro')}</p>
        <TextField id="signin-tenant" label={t('ui.signIn.tenant')} hint={t('ui.signIn.tenantHint')} value={values.tenant} onChange={set('tenant')} error={fieldErrors.tenant} autoComplete="organization" />
        <TextField id="signin-email" label={t('ui.signIn.email')} type="email" value={values.email} onChange={set('email')} error={fieldErrors.email} autoComplete="username" />
        <TextField id="signin-password" label={t('ui.signIn.password')} type="password" value={values.password} onChange={set('password')} error={fieldErrors.password} autoComplete="current-password" />
        {error && (
          <p className="error" role="alert" data-testid="signin-error">
            {error}
          </p>
        )}
        <button type="submit" className="primary wide" disabled={busy} data-testid="signin-submit">
          {busy ? t('ui.signIn.busy') : t('ui.signIn.submit')}
        </button>
      </form>
    </main>
  );
}

type TextFieldProps = {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  hint?: string;
  type?: string;
  autoComplete?: string;
  inputMode?: 'text' | 'numeric' | 'decimal';
  disabled?: boolean;
  autoFocus?: boolean;
};

/** A labelled input whose message is read with it (aria-describedby) and marked when wrong. */
export function TextField({ id, label, value, onChange, error, hint, type = 'text', autoComplete, inputMode, disabled, autoFocus }: TextFieldProps) {
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        data-testid={id}
        type={type}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={described}
        autoComplete={autoComplete}
        inputMode={inputMode}
        disabled={disabled}
        autoFocus={autoFocus}
      />
      {hint && !error && (
        <small id={`${id}-hint`} className="hint" data-testid={`${id}-hint`}>
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} className="field-error" data-testid={`${id}-error`}>
          {error}
        </small>
      )}
    </div>
  );
}
