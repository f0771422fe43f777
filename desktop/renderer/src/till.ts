/** What every screen of the till needs: the app state (enrolment, user, locale) and the sync view. */
import { createContext, useContext } from 'react';
import type { AppState, SyncView } from '../../bridge/contract.js';

export type TillContextValue = {
  state: AppState;
  sync: SyncView | null;
  refreshSync(): void;
};

export const TillContext = createContext<TillContextValue | null>(null);

export function useTill(): TillContextValue {
  const value = useContext(TillContext);
  if (!value) throw new Error('useTill outside TillContext');
  return value;
}
