/**
 * A button that opens a menu under it, DevTools style: what a narrow bar cannot show in line (the
 * toolbar's `»`, the filter bar's *More filters*). The menu is the timeline's ContextMenu (↑/↓ move,
 * Enter or Space picks, Escape or a press elsewhere closes); closing it gives the focus back to the
 * button.
 */
import { useRef, useState, type ReactNode } from 'react';
import { ContextMenu, type ContextMenuItem } from './timeline/ContextMenu';
import './timeline/timeline.css';

export type MenuItem = ContextMenuItem;

export function MenuButton({
  label,
  name,
  title,
  items,
  testId,
  pressed,
  checksKeepOpen = false,
}: {
  /** What the button shows; `name` is its accessible name and the menu's. */
  label: ReactNode;
  name: string;
  title?: string;
  items: readonly MenuItem[];
  testId?: string;
  /** Shown as active (some of its items are on). */
  pressed?: boolean;
  /** A checkbox item toggles without closing the menu (several picked in one go). */
  checksKeepOpen?: boolean;
}) {
  const button = useRef<HTMLButtonElement>(null);
  const [at, setAt] = useState<{ x: number; y: number } | null>(null);
  const close = (): void => {
    setAt(null);
    button.current?.focus();
  };
  return (
    <>
      <button
        ref={button}
        type="button"
        aria-label={name}
        title={title ?? name}
        aria-haspopup="menu"
        aria-expanded={at !== null}
        {...(pressed === undefined ? {} : { 'data-active': pressed })}
        {...(testId === undefined ? {} : { 'data-testid': testId })}
        onClick={() => {
          if (at !== null) return close();
          const r = button.current!.getBoundingClientRect();
          setAt({ x: r.left, y: r.bottom });
        }}
      >
        {label}
      </button>
      {at !== null && <ContextMenu label={name} x={at.x} y={at.y} items={items} onClose={close} keepOpenOnCheck={checksKeepOpen} anchor={button} />}
    </>
  );
}
