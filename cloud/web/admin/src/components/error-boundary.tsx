import { Component, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

type Props = { children: ReactNode; resetKey?: string };
type State = { failed: boolean; resetKey: string | undefined };

/** A screen that throws says so in the user's language and offers a reload; the menu stays usable. */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { failed: false, resetKey: this.props.resetKey };

  static getDerivedStateFromError(): Partial<State> {
    return { failed: true };
  }

  // Moving to another screen gives it a fresh start.
  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    return props.resetKey !== state.resetKey ? { failed: false, resetKey: props.resetKey } : null;
  }

  override render() {
    return this.state.failed ? <ScreenFailure /> : this.props.children;
  }
}

export function ScreenFailure() {
  const { t } = useTranslation();
  return (
    <div className="card failure" role="alert" data-testid="screen-failure">
      <h2>{t('ui.app.failureTitle')}</h2>
      <p>{t('ui.app.failureBody')}</p>
      <button type="button" className="primary" onClick={() => window.location.reload()}>
        {t('ui.app.reload')}
      </button>
    </div>
  );
}
