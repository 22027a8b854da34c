// Bundles the lab page with esbuild into the directory Quarkus serves static files from.
// Run by Maven (generate-resources) as `npm run build -- --outdir=<dir>`; by hand it writes to dist/.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const arg = name => process.argv.find(a => a.startsWith(`--${name}=`))?.slice(name.length + 3);
// outdir: the static files (served as they are, cached). pagedir: index.html, which the server hands out itself
// with no-cache at / and /s/{id}, so that a new release's page (and its new bundle names) is seen at once.
const outdir = resolve(arg('outdir') ?? join(here, 'dist'));
const pagedir = resolve(arg('pagedir') ?? outdir);

mkdirSync(outdir, { recursive: true });
mkdirSync(pagedir, { recursive: true });
// Bundles carry a content hash in their names, so a browser never runs a cached old bundle after an upgrade.
const HASHED = /^app(-[A-Z0-9]+)?\.(js|css)$/;
for (const file of readdirSync(outdir)) {
  if (HASHED.test(file)) rmSync(join(outdir, file));
}
const result = await esbuild.build({
  entryPoints: { app: join(here, 'src/main.js') },
  entryNames: '[name]-[hash]',
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020'],
  outdir,
  sourcemap: false,
  legalComments: 'eof',
  logLevel: 'warning',
  metafile: true,
});
const bundled = Object.keys(result.metafile.outputs).map(p => basename(p));
const script = bundled.find(f => f.endsWith('.js'));
const style = bundled.find(f => f.endsWith('.css'));
const page = readFileSync(join(here, 'index.html'), 'utf8')
  .replace('href="/app.css"', `href="/${style}"`)
  .replace('src="/app.js"', `src="/${script}"`);
if (!page.includes(script) || !page.includes(style)) {
  throw new Error('index.html must reference /app.js and /app.css');
}
writeFileSync(join(pagedir, 'index.html'), page);
copyFileSync(join(here, 'favicon.svg'), join(outdir, 'favicon.svg'));
// The rooms page (instructor dashboard, join form) is its own bundle, built by its own module.
await (await import('./src/dashboard/build.mjs')).buildRooms({ outdir, pagedir });

let raw = 0;
let gz = 0;
for (const path of [...bundled.map(f => join(outdir, f)), join(pagedir, 'index.html'), join(outdir, 'favicon.svg')]) {
  const bytes = readFileSync(path);
  raw += bytes.length;
  gz += gzipSync(bytes, { level: 9 }).length;
}
console.log(`bpflab web bundle: ${outdir}: ${(raw / 1024).toFixed(1)} KiB raw, ${(gz / 1024).toFixed(1)} KiB gzip`);
