// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorBoundary, errorMessage } from './ErrorBoundary';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

/** Throws while `state.fail` is set. */
const state = { fail: true };
function Fragile({ text }: { text: string }) {
  if (state.fail) throw new TypeError('items.forEach is not a function');
  return <p>{text}</p>;
}

describe('ErrorBoundary', () => {
  it('keeps a failing view to itself: the fallback says why, and the views beside it stay', () => {
    state.fail = true;
    const errors: unknown[] = [];
    render(
      <div>
        <ErrorBoundary name="timeline" onError={(e) => errors.push(e)}>
          <Fragile text="rows" />
        </ErrorBoundary>
        <ErrorBoundary name="inspector">
          <p>inspector here</p>
        </ErrorBoundary>
      </div>,
    );
    const alert = screen.getByRole('alert', { name: 'timeline view failed' });
    expect(alert.textContent).toContain('This view failed: items.forEach is not a function');
    expect(screen.getByText('inspector here')).toBeTruthy();
    expect(errors).toHaveLength(1);
  });

  it('Retry draws the view again', () => {
    state.fail = true;
    render(
      <ErrorBoundary name="graph" onError={() => undefined}>
        <Fragile text="drawn" />
      </ErrorBoundary>,
    );
    expect(screen.getByTestId('view-failed')).toBeTruthy();
    state.fail = false;
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(screen.queryByTestId('view-failed')).toBeNull();
    expect(screen.getByText('drawn')).toBeTruthy();
  });

  it('tries again by itself when its reset key changes (another store, another capture)', () => {
    state.fail = true;
    const { rerender } = render(
      <ErrorBoundary name="timeline" resetKey={1} onError={() => undefined}>
        <Fragile text="fresh" />
      </ErrorBoundary>,
    );
    expect(screen.getByTestId('view-failed')).toBeTruthy();
    state.fail = false;
    act(() =>
      rerender(
        <ErrorBoundary name="timeline" resetKey={2} onError={() => undefined}>
          <Fragile text="fresh" />
        </ErrorBoundary>,
      ),
    );
    expect(screen.getByText('fresh')).toBeTruthy();
  });

  it('logs to the console when no one else listens', () => {
    state.fail = true;
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    render(
      <ErrorBoundary name="filter bar">
        <Fragile text="x" />
      </ErrorBoundary>,
    );
    expect(log.mock.calls.some((c) => c[0] === 'Entangle: the filter bar view failed')).toBe(true);
  });

  it('shows a message as plain, bounded text, whatever was thrown', () => {
    expect(errorMessage(new Error('<b>bold</b>'))).toBe('<b>bold</b>');
    expect(errorMessage(new RangeError(''))).toBe('RangeError');
    expect(errorMessage('a string')).toBe('a string');
    expect(errorMessage({ toString: () => 'never called' })).toBe('a thrown object');
    expect(errorMessage(null)).toBe('a thrown null');
    expect(errorMessage(new Error('x'.repeat(1000)))).toHaveLength(300);
  });
});
