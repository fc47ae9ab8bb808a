import { describe, expect, it } from 'vitest';
import { sharedWorkerName } from './instrument';

const name = (init: unknown): string | undefined => sharedWorkerName(init, Object.prototype);

describe("a SharedWorker's name, as the browser converted it", () => {
  it('a string, a primitive made a string, options with a data name, or none', () => {
    expect([name('hub'), name(5), name(true), name(7n), name(undefined), name(null)]).toEqual(['hub', '5', 'true', '7', '', '']);
    expect([name({ name: 'hub' }), name({ name: 5 }), name({ name: undefined }), name({}), name({ type: 'module' }), name(Object.create(null))]).toEqual([
      'hub',
      '5',
      '',
      '',
      '',
      '',
    ]);
  });

  it('unknown where telling would run page code: a getter, an object name, options that may inherit one', () => {
    let calls = 0;
    const getter = {
      get name() {
        calls++;
        return 'x';
      },
    };
    class Options {
      get name() {
        calls++;
        return 'y';
      }
    }
    const objectName = { name: { toString: () => (calls++, 'z') } };
    expect([name(getter), name(new Options()), name(objectName), name(Symbol('s'))]).toEqual([undefined, undefined, undefined, undefined]);
    expect(calls).toBe(0);
  });
});
