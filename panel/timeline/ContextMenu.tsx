/**
 * A context menu as DevTools draws one: at the pointer (or under a menu button, MenuButton.tsx),
 * `role="menu"` with `menuitem` / `menuitemcheckbox` items; ↑/↓ move, Enter or Space picks, Escape or a
 * click elsewhere closes. Rendered into document.body: the timeline's grid is `contain: strict`, which
 * would clip it.
 */
import { useEffect, useLayoutEffect, useRef, type KeyboardEvent, type RefObject } from 'react';
import { createPortal } from 'react-dom';

export interface ContextMenuItem {
  label: string;
  /** What tells the item apart when its label changes while the menu is open (a count in a live log):
   *  the same element then keeps the focus. The label when not given. */
  id?: string;
  /** A checkbox item (`menuitemcheckbox`) when defined. */
  checked?: boolean;
  disabled?: boolean;
  /** Drawn with a line above it. */
  separated?: boolean;
  title?: string;
  testId?: string;
  run: () => void;
}

export interface ContextMenuProps {
  /** The menu's accessible name. */
  label: string;
  /** Where it opens (client coordinates of the pointer). */
  x: number;
  y: number;
  items: readonly ContextMenuItem[];
  /** `byKey`: closed from the keyboard or by picking an item (the focus was in the menu); else by a
   *  press elsewhere, the window losing the focus or resizing. */
  onClose: (how: 'byKey' | 'elsewhere') => void;
  /** A checkbox item toggles without closing the menu (several picked in one go); an action closes it. */
  keepOpenOnCheck?: boolean;
  /** The button that opened it: a press there is not "elsewhere" (the button itself closes the menu). */
  anchor?: RefObject<HTMLElement | null>;
}

export function ContextMenu({ label, x, y, items, onClose, keepOpenOnCheck = false, anchor }: ContextMenuProps) {
  const host = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  useEffect(() => {
    close.current = onClose;
  });

  // Kept inside the window: a menu opened near the right or bottom edge opens to the left or above.
  useLayoutEffect(() => {
    const el = host.current;
    if (!el) return;
    const r = el.getBoundingClientRect();
    const vw = document.documentElement.clientWidth || window.innerWidth;
    const vh = document.documentElement.clientHeight || window.innerHeight;
    el.style.left = `${Math.max(0, Math.min(x, vw - r.width - 2))}px`;
    el.style.top = `${Math.max(0, y + r.height > vh ? y - r.height : y)}px`;
    el.querySelector<HTMLElement>('[role^="menuitem"]:not([aria-disabled="true"])')?.focus();
  }, [x, y]);

  useEffect(() => {
    const away = (e: Event): void => {
      const target = e.target as Node;
      if (!host.current?.contains(target) && !anchor?.current?.contains(target)) close.current('elsewhere');
    };
    const gone = (): void => close.current('elsewhere');
    document.addEventListener('mousedown', away, true);
    window.addEventListener('blur', gone);
    window.addEventListener('resize', gone);
    return () => {
      document.removeEventListener('mousedown', away, true);
      window.removeEventListener('blur', gone);
      window.removeEventListener('resize', gone);
    };
  }, [anchor]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const all = [...(host.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]:not([aria-disabled="true"])') ?? [])];
    const at = all.indexOf(document.activeElement as HTMLElement);
    switch (e.key) {
      case 'Escape':
        close.current('byKey');
        break;
      case 'Tab':
        // Closed, and the focus moves on from where closing puts it (a menu button, the grid): not
        // prevented, as in a menu button of the ARIA practices.
        close.current('byKey');
        return;
      case 'ArrowDown':
        all[(at + 1) % all.length]?.focus();
        break;
      case 'ArrowUp':
        all[(at - 1 + all.length) % all.length]?.focus();
        break;
      case 'Home':
        all[0]?.focus();
        break;
      case 'End':
        all[all.length - 1]?.focus();
        break;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  };

  return createPortal(
    <div ref={host} role="menu" aria-label={label} className="tl-menu" style={{ left: x, top: y }} onKeyDown={onKeyDown} onContextMenu={(e) => e.preventDefault()}>
      {items.map((item) => (
        <button
          key={item.id ?? item.label}
          type="button"
          role={item.checked === undefined ? 'menuitem' : 'menuitemcheckbox'}
          {...(item.checked === undefined ? {} : { 'aria-checked': item.checked })}
          aria-disabled={item.disabled ? true : undefined}
          className={item.separated ? 'tl-menu-sep' : undefined}
          title={item.title}
          data-testid={item.testId}
          tabIndex={-1}
          onClick={() => {
            if (item.disabled) return;
            if (!(keepOpenOnCheck && item.checked !== undefined)) close.current('byKey');
            item.run();
          }}
        >
          <span className="tl-menu-check" aria-hidden="true">
            {item.checked ? '✓' : ''}
          </span>
          {item.label}
        </button>
      ))}
    </div>,
    document.body,
  );
}
