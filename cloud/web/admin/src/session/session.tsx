import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import * as client from '../api/client.js';
import type { SessionUser } from '../api/client.js';

type SessionState =
  | { status: 'restoring' }
  /** The cookie could not be checked (network): the screen offers to try again. */
  | { status: 'unreachable'; message: string }
  | { status: 'signed-out' }
  | { status: 'signed-in'; user: SessionUser };

type SessionContextValue = {
  state: SessionState;
  restore: () => void;
  signIn: typeof client.signIn;
  changePassword: typeof client.changePassword;
  signOut: () => Promise<void>;
};

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'restoring' });
  const queryClient = useQueryClient();

  // The client tells of every change (sign-in, renewal, an API that ended the session).
  useEffect(
    () =>
      client.onSessionChange((user) => {
        if (!user) queryClient.clear();
        setState(user ? { status: 'signed-in', user } : { status: 'signed-out' });
      }),
    [queryClient],
  );

  const restore = useCallback(() => {
    setState({ status: 'restoring' });
    // A reload: the access token was in memory only, the cookie brings the session back.
    client.refreshSession().catch((error: unknown) => {
      setState({ status: 'unreachable', message: error instanceof Error ? error.message : String(error) });
    });
  }, []);

  useEffect(restore, [restore]);

  const value = useMemo<SessionContextValue>(
    () => ({
      state,
      restore,
      signIn: client.signIn,
      changePassword: client.changePassword,
      signOut: client.signOut,
    }),
    [state, restore],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in user, for screens that only show once someone is signed in. */
export function useUser(): SessionUser {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useUser without a signed-in user');
  return state.user;
}
