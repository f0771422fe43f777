import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { BridgeOutput } from '../../../../bridge/contract.js';
import { errorText, useBridge } from '../../bridge.js';
import { ErrorBox } from '../../components/dialog.js';

type PinUser = BridgeOutput<'auth.pinUsers'>[number];

/** Sign-in with email and password (offline too, against the synced verifier), or a PIN to switch quickly. */
export function SignInScreen() {
  const { t } = useTranslation();
  const bridge = useBridge();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [people, setPeople] = useState<PinUser[]>([]);
  const [pinFor, setPinFor] = useState<PinUser | null>(null);
  const [pin, setPin] = useState('');

  useEffect(() => {
    bridge.call('auth.pinUsers', {}).then(setPeople, () => setPeople([]));
  }, [bridge]);

  async function attempt(action: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(errorText(e, t));
    } finally {
      setBusy(false);
    }
  }

  const submitPassword = (event: FormEvent) => {
    event.preventDefault();
    void attempt(() => bridge.call('auth.signIn', { email: email.trim(), password }));
  };
  const submitPin = (event: FormEvent) => {
    event.preventDefault();
    if (!pinFor) return;
    void attempt(async () => {
      try {
        await bridge.call('auth.signInWithPin', { userId: pinFor.id, pin });
      } finally {
        setPin('');
      }
    });
  };

  return (
    <main className="centered sign-in">
      <form className="card form" onSubmit={submitPassword} data-testid="signin-form">
        <h1>{t('ui.signIn.title')}</h1>
        <label>
          {t('ui.signIn.email')}
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="username" data-testid="signin-email" autoFocus />
        </label>
        <label>
          {t('ui.signIn.password')}
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="current-password" data-testid="signin-password" />
        </label>
        {!pinFor && <ErrorBox message={error} />}
        <button type="submit" className="primary big" disabled={busy} data-testid="signin-submit">
          {t('ui.signIn.submit')}
        </button>
      </form>

      {people.length > 0 && (
        <section className="card pin-switch" aria-label={t('ui.signIn.pinTitle')}>
          <h2>{t('ui.signIn.pinTitle')}</h2>
          <div className="pin-people">
            {people.map((person) => (
              <button
                key={person.id}
                type="button"
                className={pinFor?.id === person.id ? 'person selected' : 'person'}
                onClick={() => {
                  setPinFor(person);
                  setError(null);
                }}
                data-testid={`pin-user-${person.id}`}
              >
                {person.name}
                <small>{t(`ui.roles.${person.role}`)}</small>
              </button>
            ))}
          </div>
          {pinFor && (
            <form onSubmit={submitPin} className="form">
              <label>
                {t('ui.signIn.pinFor', { name: pinFor.name })}
                <input
                  type="password"
                  inputMode="numeric"
                  pattern="\d{4,6}"
                  maxLength={6}
                  value={pin}
                  onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
                  autoFocus
                  autoComplete="off"
                  data-testid="pin-input"
                />
              </label>
              <ErrorBox message={error} />
              <button type="submit" className="primary big" disabled={busy || pin.length < 4} data-testid="pin-submit">
                {t('ui.signIn.pinSubmit')}
              </button>
            </form>
          )}
        </section>
      )}
    </main>
  );
}
