import { describe, expect, it } from 'vitest';
import { settingOrigin, withWorkerOrigin, workerOrigins } from './workerSetting';

describe('the "Record inside workers" setting', () => {
  it('is remembered per origin of the top document, one key for all local files, none for pages it cannot apply to', () => {
    expect(settingOrigin('https://a.test:8443/x/y?q#h')).toBe('https://a.test:8443');
    expect(settingOrigin('http://127.0.0.1:4000/')).toBe('http://127.0.0.1:4000');
    expect(settingOrigin('file:///home/me/page.html')).toBe('file://');
    for (const url of ['about:blank', 'about:blank#entangle-record', 'data:text/html,x', 'chrome://newtab/', 'chrome-extension://abc/panel.html', 'not a url', undefined]) {
      expect(settingOrigin(url)).toBeNull();
    }
  });

  it('reads only origins set to true from whatever storage holds', () => {
    expect([...workerOrigins({ 'https://a.test': true, 'https://b.test': 'yes', 'https://c.test': false })]).toEqual(['https://a.test']);
    for (const junk of [undefined, null, 7, 'x', ['https://a.test']]) expect(workerOrigins(junk).size).toBe(0);
  });

  it('turns one origin on or off and keeps the others', () => {
    const one = withWorkerOrigin(undefined, 'https://b.test', true);
    expect(one).toEqual({ 'https://b.test': true });
    const two = withWorkerOrigin(one, 'https://a.test', true);
    expect(two).toEqual({ 'https://a.test': true, 'https://b.test': true });
    expect(withWorkerOrigin(two, 'https://b.test', false)).toEqual({ 'https://a.test': true });
    expect(withWorkerOrigin({ junk: 3 }, 'https://a.test', false)).toEqual({});
  });
});
