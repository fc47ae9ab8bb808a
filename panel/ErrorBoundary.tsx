/**
 * Keeps a failure inside one view. React unmounts the whole tree when a render throws and no boundary
 * catches it: one malformed event used to blank the panel for good (the relay resends its buffer to a
 * reopened panel, which then failed again). Each view (toolbar, filter bar, graph, timeline,
 * inspector…) sits in its own boundary, so the others stay usable and the failed one says why and
 * offers to try again.
 *
 * A class component: React has no hook for catching render errors.
 */
import { Component, type ErrorInfo, type ReactNode } from 'react';

/** Longest error message shown in the fallback (the rest is in the console). */
const MESSAGE_CHARS = 300;
/** Inline, so the fallback shows even if the view's stylesheet is what failed to apply. */
const FALLBACK_STYLE = { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 8, padding: '8px 12px', background: 'var(--warn-bg)', color: 'var(--warn-fg)' } as const;

export interface ErrorBoundaryProps {
  /** The view's name, for the fallback's accessible label and the console (`timeline`). */
  name: string;
  children?: ReactNode;
  /** When this changes (another store, another capture), a failed view tries again by itself. */
  resetKey?: unknown;
  /** Told of every error caught (tests; the panel logs to the console). */
  onError?(error: unknown, info: ErrorInfo): void;
}

interface State {
  error: { message: string } | null;
  resetKey: unknown;
}

/** An error's message as plain text, without running anything a hostile value could define. */
export function errorMessage(error: unknown): string {
  let text: string;
  if (error instanceof Error) text = typeof error.message === 'string' && error.message !== '' ? error.message : error.name;
  else if (typeof error === 'string') text = error;
  else text = `a thrown ${error === null ? 'null' : typeof error}`;
  return text.length > MESSAGE_CHARS ? `${text.slice(0, MESSAGE_CHARS - 1)}…` : text;
}

export class ErrorBoundary extends Component<ErrorBoundaryProps, State> {
  override state: State = { error: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: { message: errorMessage(error) } };
  }

  static getDerivedStateFromProps(props: ErrorBoundaryProps, state: State): Partial<State> | null {
    if (Object.is(props.resetKey, state.resetKey)) return null;
    return { resetKey: props.resetKey, error: null };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    if (this.props.onError) this.props.onError(error, info);
    else console.error(`Entangle: the ${this.props.name} view failed`, error, info.componentStack);
  }

  private readonly retry = (): void => this.setState({ error: null });

  override render(): ReactNode {
    const { error } = this.state;
    if (error === null) return this.props.children;
    return (
      <div className="view-failed" role="alert" aria-label={`${this.props.name} view failed`} data-testid="view-failed" data-view={this.props.name} style={FALLBACK_STYLE}>
        <span>This view failed: {error.message}</span>
        <button type="button" onClick={this.retry} title={`Draw the ${this.props.name} again`}>
          Retry
        </button>
      </div>
    );
  }
}
