/**
 * A button that opens a menu under it, DevTools style: what a narrow bar cannot show in line (the
 * toolbar's `»`, the filter bar's *More filters*). The menu is the timeline's ContextMenu (↑/↓ move,
 * Enter or Space picks, Escape or a press elsewhere closes); closed from the keyboard or by a pick,
 * it gives the focus back to the button (a press elsewhere leaves the focus where it goes).
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
  active,
  keepOpenOnCheck = false,
}: {
  /** What the button shows; `name` is its accessible name and the menu's. */
  label: ReactNode;
  name: string;
  title?: string;
  items: readonly MenuItem[];
  testId?: string;
  /** Drawn as active (some of its items are on): the class `menu-button-active`. */
  active?: boolean;
  /** A checkbox item toggles without closing the menu (several picked in one go). */
  keepOpenOnCheck?: boolean;
}) {
  const button = useRef<HTMLButtonElement>(null);
  const [at, setAt] = useState<{ x: number; y: number } | null>(null);
  const close = (how: 'byKey' | 'elsewhere'): void => {
    setAt(null);
    if (how === 'byKey') button.current?.focus();
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
        className={active ? 'menu-button-active' : undefined}
        {...(testId === undefined ? {} : { 'data-testid': testId })}
        onClick={() => {
          if (at !== null) return close('byKey');
          const r = button.current!.getBoundingClientRect();
          setAt({ x: r.left, y: r.bottom });
        }}
      >
        {label}
      </button>
      {at !== null && <ContextMenu label={name} x={at.x} y={at.y} items={items} onClose={close} keepOpenOnCheck={keepOpenOnCheck} anchor={button} />}
    </>
  );
}
