import { describe, expect, it } from 'vitest';
import { forTerminal } from './terminal';

describe('page text on the terminal', () => {
  it('leaves ordinary text alone, accents and emoji included', () => {
    expect(forTerminal("DataCloneError: f() {} could not be cloned.")).toBe("DataCloneError: f() {} could not be cloned.");
    expect(forTerminal('déjà vu 👍')).toBe('déjà vu 👍');
  });

  it('escapes terminal escapes, CR/LF and every other control character', () => {
    const fake = '\u001b[2K\r\ncapture written to /tmp/fake\u0007';
    expect(forTerminal(fake)).toBe('\\e[2K\\r\\ncapture written to /tmp/fake\\x07');
    expect(forTerminal('a\u0000b\u007fc\u009bd\te')).toBe('a\\x00b\\x7fc\\x9bd\\te');
    expect(forTerminal('x').includes('\u001b')).toBe(false);
  });

  it('escapes line separators and the bidi controls that reorder what is shown', () => {
    expect(forTerminal('a\u2028b\u202ec\u2066d')).toBe('a\\u2028b\\u202ec\\u2066d');
  });

  it('leaves no control character behind, whatever the input', () => {
    let all = '';
    for (let c = 0; c < 0x2100; c++) all += String.fromCharCode(c);
    // eslint-disable-next-line no-control-regex
    expect(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(forTerminal(all))).toBe(false);
  });
});
