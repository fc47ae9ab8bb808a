/**
 * For component tests under happy-dom, which does no layout: every element gets a 400×800 client box
 * for the file's tests (so the timeline's virtualizer has a viewport), and the DOM and localStorage
 * are cleaned after each test.
 */
import { cleanup } from '@testing-library/react';
import { afterAll, afterEach, beforeAll } from 'vitest';

export function withLaidOutElements(): void {
  const sizes: [string, PropertyDescriptor | undefined][] = [];
  beforeAll(() => {
    for (const [prop, value] of [
      ['clientHeight', 400],
      ['clientWidth', 800],
      ['offsetHeight', 400],
      ['offsetWidth', 800],
    ] as const) {
      sizes.push([prop, Object.getOwnPropertyDescriptor(HTMLElement.prototype, prop)]);
      Object.defineProperty(HTMLElement.prototype, prop, { configurable: true, get: () => value });
    }
  });
  afterAll(() => {
    for (const [prop, d] of sizes) if (d) Object.defineProperty(HTMLElement.prototype, prop, d);
  });
  afterEach(() => {
    cleanup();
    localStorage.clear();
  });
}
