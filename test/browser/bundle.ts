/**
 * Builds the real-library fixture pages (test/fixtures/libs) at test time into a fresh temporary
 * folder that the fixture server serves. The libraries' code stays in node_modules: every `*.ts` entry
 * is bundled with Vite's JS API (one ES module per entry, shared chunks beside them), and the HTML pages
 * and the hand-written service worker script are copied as they are.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { build } from 'vite';

export const LIBS_DIR = resolve(import.meta.dirname, '../fixtures/libs');

export interface BundledFixtures {
  dir: string;
  remove(): void;
}

/** Every top-level `*.ts` of `LIBS_DIR` bundled as `<name>.js`; every other file copied. */
export async function bundleLibraryFixtures(): Promise<BundledFixtures> {
  const dir = mkdtempSync(join(tmpdir(), 'entangle-libs-'));
  // Top-level files only: `shared/` holds modules the entries import.
  const files = readdirSync(LIBS_DIR, { withFileTypes: true }).filter((f) => f.isFile()).map((f) => f.name);
  const input = Object.fromEntries(files.filter((f) => f.endsWith('.ts')).map((f) => [basename(f, '.ts'), join(LIBS_DIR, f)]));
  try {
    await build({
      configFile: false,
      root: LIBS_DIR,
      publicDir: false,
      logLevel: 'warn',
      mode: 'production',
      // React and the scheduler pick their production builds, as on a real site.
      define: { 'process.env.NODE_ENV': JSON.stringify('production') },
      build: {
        outDir: dir,
        emptyOutDir: false,
        target: 'es2022',
        minify: false,
        modulePreload: false,
        copyPublicDir: false,
        rollupOptions: {
          input,
          // Entries keep their exports: nothing of a fixture may be tree-shaken into another shape.
          preserveEntrySignatures: 'strict',
          output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunk-[name]-[hash].js' },
        },
      },
    });
    for (const f of files) if (!f.endsWith('.ts')) cpSync(join(LIBS_DIR, f), join(dir, f));
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
