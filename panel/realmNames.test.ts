import { describe, expect, it } from 'vitest';
import type { RealmModel } from '../model/correlator';
import { middleEllipsis, nameRealms, realmKindName, realmNamesOf, realmTitle, shortenName, UNREPORTED_REALM } from './realmNames';

type R = Pick<RealmModel, 'id' | 'kind' | 'url'>;
const realm = (id: string, kind: RealmModel['kind'], url?: string): R => ({ id, kind, ...(url !== undefined ? { url } : {}) });

const nameOf = (r: R, max?: number): string => nameRealms([r]).name(r.id, max);

describe('realm names', () => {
  it('names each kind as people think of it, never by its id', () => {
    const realms = [
      realm('k3j4x9', 'top', 'http://localhost:33843/penpal.html'),
      realm('18c2ab', 'iframe', 'http://localhost:33843/penpal-child.html?x=1#h'),
      realm('pp77', 'popup', 'https://b.test/login/'),
      realm('k3j4x9:w1', 'worker', 'http://localhost:33843/js/worker.js'),
      realm('k3j4x9:h1', 'sharedworker', 'http://localhost:33843/shared.js'),
      realm('serviceworker:http://localhost:33843/sw.js', 'serviceworker', 'http://localhost:33843/sw.js'),
      realm('zz', 'unknown', 'https://c.test/page'),
    ];
    const names = nameRealms(realms);
    expect(realms.map((r) => names.name(r.id))).toEqual([
      'top',
      'iframe localhost:33843/penpal-child.html',
      'popup b.test/login',
      'worker worker.js',
      'shared worker shared.js',
      'service worker sw.js',
      'realm c.test/page',
    ]);
    for (const r of realms) expect(names.name(r.id)).not.toContain(r.id);
  });

  it('names realms without a URL by their kind, and ids it does not know as unreported', () => {
    const names = nameRealms([realm('a', 'iframe'), realm('b', 'unknown')]);
    expect(names.name('a')).toBe('iframe');
    expect(names.name('b')).toBe('realm');
    expect(names.name('nope')).toBe(UNREPORTED_REALM);
    expect(names.parts('nope')).toBeUndefined();
  });

  it('reads non-hierarchical URLs sensibly', () => {
    expect(nameOf(realm('a', 'iframe', 'about:blank'))).toBe('iframe about:blank');
    expect(nameOf(realm('a', 'iframe', 'about:srcdoc'))).toBe('iframe about:srcdoc');
    expect(nameOf(realm('a', 'iframe', 'data:text/html;base64,PGgxPg=='))).toBe('iframe data:text/html');
    expect(nameOf(realm('a', 'worker', 'blob:https://a.test/3f2a9c1e-1111-2222-3333-444455556666'))).toBe('worker blob:a.test');
    expect(nameOf(realm('a', 'iframe', 'blob:https://a.test/3f2a9c1e-1111-2222-3333-444455556666'))).toBe(
      'iframe blob:a.test/3f2a9c1e-1111-2222-3333-444455556666',
    );
    expect(nameOf(realm('a', 'iframe', 'not a url'))).toBe('iframe not a url');
    expect(nameOf(realm('a', 'iframe', 'https://b.test/'))).toBe('iframe b.test');
    expect(nameOf(realm('a', 'iframe', 'https://b.test/app/'))).toBe('iframe b.test/app');
    expect(nameOf(realm('a', 'worker', 'https://b.test/w%20one.js'))).toBe('worker w one.js');
  });

  it('tells look-alikes apart: first by the whole URL, then by number in model order', () => {
    const realms = [
      realm('t1', 'top', 'https://a.test/one.html'),
      realm('t2', 'top', 'https://a.test/two.html'),
      realm('fa', 'iframe', 'https://a.test/bc-frame.html?name=a'),
      realm('fb', 'iframe', 'https://a.test/bc-frame.html?name=b'),
      realm('x1', 'iframe', 'https://a.test/frame.html'),
      realm('x2', 'iframe', 'https://a.test/frame.html'),
      realm('x3', 'iframe', 'https://a.test/frame.html'),
      realm('w1', 'worker', 'https://a.test/a/worker.js'),
      realm('w2', 'worker', 'https://a.test/b/worker.js'),
      realm('solo', 'iframe', 'https://a.test/solo.html?q=1'),
    ];
    const names = nameRealms(realms);
    expect(realms.map((r) => names.name(r.id))).toEqual([
      'top a.test/one.html',
      'top a.test/two.html',
      'iframe a.test/bc-frame.html?name=a',
      'iframe a.test/bc-frame.html?name=b',
      'iframe #1 a.test/frame.html',
      'iframe #2 a.test/frame.html',
      'iframe #3 a.test/frame.html',
      'worker a.test/a/worker.js',
      'worker a.test/b/worker.js',
      // Unique without its query: the query stays out.
      'iframe a.test/solo.html',
    ]);
    expect(new Set(realms.map((r) => names.name(r.id))).size).toBe(realms.length);
  });

  it('numbers two tops at the same URL (a reload) and keeps a lone top short', () => {
    const names = nameRealms([realm('t1', 'top', 'https://a.test/'), realm('t2', 'top', 'https://a.test/'), realm('f', 'iframe', 'https://b.test/f.html')]);
    expect(names.name('t1')).toBe('top #1 a.test');
    expect(names.name('t2')).toBe('top #2 a.test');
    expect(nameRealms([realm('t1', 'top', 'https://a.test/')]).name('t1')).toBe('top');
  });

  it('shortens from the middle: directories first, keeping the kind, host and file name', () => {
    const r = realm('f', 'iframe', 'http://localhost:33843/some/deep/path/penpal-child.html');
    expect(nameOf(r)).toBe('iframe localhost:33843/some/deep/path/penpal-child.html');
    expect(nameOf(r, 100)).toBe('iframe localhost:33843/some/deep/path/penpal-child.html');
    const noDirs = nameOf(r, 45);
    expect(noDirs).toBe('iframe localhost:33843/…/penpal-child.html');
    const tight = nameOf(r, 30);
    expect(tight).toHaveLength(30);
    expect(tight.startsWith('iframe local')).toBe(true);
    expect(tight.endsWith('child.html')).toBe(true);
    expect(tight).toContain('…');
    // Too short for any place: the kind word, cut at its end when even that does not fit.
    expect(nameOf(r, 9)).toBe('iframe');
    expect(nameOf(r, 4)).toBe('ifr…');
    expect(nameOf(realm('s', 'serviceworker', 'https://a.test/sw.js'), 8)).toBe('service…');
  });

  it('never makes a name longer than asked for', () => {
    const realms = [
      realm('a', 'iframe', 'https://a-very-long-host-name.example.com:8443/deep/er/and/deeper/file-name-here.html?x=1'),
      realm('b', 'iframe', 'https://a-very-long-host-name.example.com:8443/deep/er/and/deeper/file-name-here.html?x=2'),
      realm('c', 'sharedworker', 'https://x.test/sh.js'),
    ];
    const names = nameRealms(realms);
    for (let max = 0; max <= 120; max++) {
      for (const r of realms) {
        const n = names.name(r.id, max);
        expect(n.length).toBeLessThanOrEqual(max);
        // Room is used: a name cut in its middle fills nearly all of it (one that only lost its
        // directories may be shorter).
        if (max >= 20 && n !== names.name(r.id) && !n.includes('/…/')) expect(n.length).toBeGreaterThan(max - 3);
      }
    }
    // The query that tells them apart survives a middle cut (the end is kept).
    expect(names.name('a', 40).endsWith('html?x=1')).toBe(true);
    expect(names.name('b', 40).endsWith('html?x=2')).toBe(true);
  });

  it('keeps the number of a look-alike when shortened', () => {
    const names = nameRealms([realm('x1', 'iframe', 'https://a.test/dir/frame.html'), realm('x2', 'iframe', 'https://a.test/dir/frame.html')]);
    expect(names.name('x2', 30)).toBe('iframe #2 a.test/…/frame.html');
    expect(names.parts('x2')?.tag).toBe('#2');
  });

  it('middleEllipsis keeps more of the end than of the start', () => {
    expect(middleEllipsis('abcdefghij', 10)).toBe('abcdefghij');
    expect(middleEllipsis('abcdefghij', 6)).toBe('ab…hij');
    expect(middleEllipsis('abcdefghij', 1)).toBe('…');
    expect(middleEllipsis('abcdefghij', 0)).toBe('');
  });

  it('shortenName of parts made by hand', () => {
    expect(shortenName({ kind: 'worker', head: '', dirs: [], tail: 'worker.js' }, 40)).toBe('worker worker.js');
  });

  it('kind words and tooltips: the id and full URL go in the tooltip', () => {
    expect(realmKindName('sharedworker')).toBe('shared worker');
    expect(realmKindName('serviceworker')).toBe('service worker');
    expect(realmTitle('abcd', { kind: 'iframe', url: 'https://b.test/f.html?x=1', origin: 'https://b.test' })).toBe(
      'iframe https://b.test/f.html?x=1\nrealm abcd',
    );
    expect(realmTitle('abcd', { kind: 'iframe', url: 'about:blank', origin: 'https://a.test' })).toBe('iframe about:blank\nrealm abcd\norigin https://a.test');
    expect(realmTitle('abcd')).toContain('realm abcd');
  });

  it('memoises per realm map', () => {
    const map = new Map<string, RealmModel>([['t', { ...realm('t', 'top', 'https://a.test/'), instrumented: true, events: 0, gaps: 0, missing: 0, faults: 0 }]]);
    expect(realmNamesOf(map)).toBe(realmNamesOf(map));
    expect(realmNamesOf(map).name('t')).toBe('top');
  });
});

describe('untrusted realms', () => {
  it('are named with a warning first, kept when shortened, and explained in the tooltip', () => {
    const names = nameRealms([
      { id: 'a', kind: 'top', url: 'https://a.test/' },
      { id: 'b', kind: 'iframe', url: 'https://a.test/dir/deeper/frame.html', untrusted: 'inheritedWindow' },
    ]);
    expect(names.name('a')).toBe('top');
    expect(names.name('b')).toBe('⚠ iframe a.test/dir/deeper/frame.html');
    expect(names.name('b', 20).startsWith('⚠ iframe')).toBe(true);
    expect(realmTitle('b', { kind: 'iframe', url: 'https://a.test/f.html', untrusted: 'inheritedWindow' })).toMatch(/untrusted: its document inherited the window/);
  });
});
