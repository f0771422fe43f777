import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppState, SyncView } from '../../bridge/contract.js';
import { errorText, useBridge } from './bridge.js';
import { ErrorBox } from './components/dialog.js';
import { TopBar } from './components/top-bar.js';
import { EnrolScreen } from './features/enrol/enrol-screen.js';
import { SyncProgress } from './features/enrol/sync-progress.js';
import { PosShell } from './features/pos-shell.js';
import { SignInScreen } from './features/sign-in/sign-in-screen.js';
import { TillContext, type TillContextValue } from './till.js';

const SYNC_POLL_MS = 3_000;

/** The till's screens in order: enrolment, first catalogue sync, sign-in, then the counter. */
export function App() {
  const bridge = useBridge();
  const { t, i18n } = useTranslation();
  const [state, setState] = useState<AppState | null>(null);
  const [sync, setSync] = useState<SyncView | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  /** After an enrolment, the first sync is shown until it completes. */
  const [firstSync, setFirstSync] = useState(false);
  const translate = useRef(t);
  translate.current = t;

  const failed = useRef(false);
  const refreshSync = useCallback(() => {
    bridge.call('sync.status', {}).then(
      (next) => {
        setSync((previous) => (previous && JSON.stringify(previous) === JSON.stringify(next) ? previous : next));
        if (!failed.current) setFailure(null);
      },
      (error: unknown) => setFailure(errorText(error, translate.current)),
    );
  }, [bridge]);

  useEffect(() => {
    let live = true;
    const load = () =>
      bridge.call('app.state', {}).then(
        (next) => {
          if (!live) return;
          failed.current = false;
          setState((previous) => (previous && JSON.stringify(previous) === JSON.stringify(next) ? previous : next));
          setFailure(null);
        },
        (error: unknown) => {
          if (!live) return;
          failed.current = true;
          setFailure(errorText(error, translate.current));
        },
      );
    void load();
    const offs = [
      bridge.on('app.changed', (next) => setState(next)),
      bridge.on('session.changed', ({ user }) => setState((s) => (s ? { ...s, user } : s))),
      bridge.on('sync.status', (next) => setSync(next)),
    ];
    refreshSync();
    // Events carry most changes; the poll also catches the waiting count after local writes and
    // a link to the till that came back.
    const timer = window.setInterval(() => {
      // The host may have restarted (signed out, other locale): ask again rather than trust events.
      void load();
      refreshSync();
    }, SYNC_POLL_MS);
    return () => {
      live = false;
      offs.forEach((off) => off());
      window.clearInterval(timer);
    };
  }, [bridge, refreshSync]);

  useEffect(() => {
    if (firstSync && sync?.state === 'in-sync') setFirstSync(false);
  }, [firstSync, sync]);

  useEffect(() => {
    if (state && state.locale !== i18n.language) void i18n.changeLanguage(state.locale);
    document.documentElement.lang = state?.locale ?? i18n.language;
  }, [state, i18n]);

  const value = useMemo<TillContextValue | null>(() => (state ? { state, sync, refreshSync } : null), [state, sync, refreshSync]);

  if (!value) {
    return (
      <main className="centered">
        <div className="card">
          <h1>{t('ui.app.title')}</h1>
          {failure ? <ErrorBox message={failure} /> : <p data-testid="loading">{t('ui.common.loading')}</p>}
        </div>
      </main>
    );
  }

  let screen;
  if (!value.state.enrolled || sync?.state === 'revoked') {
    // A revoked till enrols again with a new code (a new identity); its unsent sales stay on disk.
    screen = <EnrolScreen revoked={sync?.state === 'revoked'} onEnrolled={() => setFirstSync(true)} />;
  } else if ((firstSync && sync?.state !== 'in-sync') || (sync && sync.local.users === 0 && sync.state === 'syncing')) {
    screen = <SyncProgress onContinue={() => setFirstSync(false)} />;
  } else if (!value.state.user) {
    screen = <SignInScreen />;
  } else {
    screen = <PosShell user={value.state.user} />;
  }

  return (
    <TillContext.Provider value={value}>
      <div className="app">
        <TopBar />
        {failure && <ErrorBox message={failure} testId="bridge-error" />}
        {screen}
      </div>
    </TillContext.Provider>
  );
}
