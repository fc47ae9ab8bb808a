/**
 * One config, one build per output: `vite build --mode <target>`.
 *
 * Main-world and content scripts must each be a single classic file (no module loader exists in
 * those worlds), so they are built as IIFE libraries, one at a time. The panel and the devtools page
 * are ordinary ES-module pages. `scripts/build.mjs` runs every target and writes `dist/chrome/`.
 */
import { defineConfig, type UserConfig } from 'vite';
import { resolve } from 'node:path';

const root = import.meta.dirname;
export const OUT_DIR = resolve(root, 'dist/chrome');

const scripts = {
  inject: 'inject/main.ts',
  content: 'extension/content.ts',
  background: 'extension/background.ts',
} as const;

const pages = {
  panel: { root: 'panel', html: 'panel.html' },
  devtools: { root: 'extension', html: 'devtools.html' },
} as const;

export type BuildTarget = keyof typeof scripts | keyof typeof pages | 'cli';
export const BUILD_TARGETS = [...Object.keys(scripts), ...Object.keys(pages), 'cli'] as BuildTarget[];

/** The command-line tool: one ES module for Node, its dependencies left to node_modules. */
function cli(): UserConfig {
  return {
    publicDir: false,
    build: {
      ssr: resolve(root, 'cli/main.ts'),
      outDir: resolve(root, 'dist/cli'),
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      rollupOptions: {
        // scripts/ stay outside the bundle: they find dist/chrome relative to their own location.
        external: (id) => id.startsWith(resolve(root, 'scripts')) || /\/scripts\/[^/]+\.mjs$/.test(id),
        output: {
          entryFileNames: 'entangle.js',
          format: 'es',
          paths: (id) => {
            const m = /(?:^|\/)scripts\/([^/]+\.mjs)$/.exec(id);
            return m ? `../../scripts/${m[1]}` : id;
          },
        },
      },
    },
  };
}

function classicScript(name: keyof typeof scripts): UserConfig {
  return {
    publicDir: false,
    build: {
      outDir: OUT_DIR,
      emptyOutDir: false,
      minify: process.env.ENTANGLE_NO_MINIFY ? false : true,
      sourcemap: false,
      target: 'es2022',
      lib: { entry: resolve(root, scripts[name]), formats: ['iife'], name: `__entangle_${name}`, fileName: () => `${name}.js` },
    },
  };
}

function page(name: keyof typeof pages): UserConfig {
  const { root: pageRoot, html } = pages[name];
  return {
    root: resolve(root, pageRoot),
    base: './',
    publicDir: false,
    build: {
      outDir: OUT_DIR,
      emptyOutDir: false,
      target: 'es2022',
      minify: process.env.ENTANGLE_NO_MINIFY ? false : true,
      rollupOptions: { input: resolve(root, pageRoot, html) },
    },
  };
}

export default defineConfig(({ mode }) => {
  if (mode in scripts) return classicScript(mode as keyof typeof scripts);
  if (mode in pages) return page(mode as keyof typeof pages);
  if (mode === 'cli') return cli();
  throw new Error(`vite.config.ts: unknown build target "${mode}" (one of ${BUILD_TARGETS.join(', ')})`);
});
