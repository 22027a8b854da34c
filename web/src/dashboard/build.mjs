// Bundles the rooms page (instructor dashboard + student join form) next to the lab page's bundle.
// Called by web/build.mjs with the same outdir (static, cached files) and pagedir (rooms.html, served no-cache by
// dev.bpflab.rooms at /dashboard.html and /join). Runnable alone: node web/src/dashboard/build.mjs --outdir=… --pagedir=…
import * as esbuild from 'esbuild';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const HASHED = /^rooms(-[A-Z0-9]+)?\.(js|css)$/;

export async function buildRooms({ outdir, pagedir }) {
  mkdirSync(outdir, { recursive: true });
  mkdirSync(pagedir, { recursive: true });
  for (const file of readdirSync(outdir)) {
    if (HASHED.test(file)) rmSync(join(outdir, file));
  }
  const result = await esbuild.build({
    entryPoints: { rooms: join(here, 'main.js') },
    entryNames: '[name]-[hash]',
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2020'],
    outdir,
    legalComments: 'eof',
    logLevel: 'warning',
    metafile: true,
  });
  const bundled = Object.keys(result.metafile.outputs).map(p => basename(p));
  const script = bundled.find(f => f.endsWith('.js'));
  const style = bundled.find(f => f.endsWith('.css'));
  const page = readFileSync(join(here, 'rooms.html'), 'utf8')
    .replace('href="/rooms.css"', `href="/${style}"`)
    .replace('src="/rooms.js"', `src="/${script}"`);
  if (!page.includes(script) || !page.includes(style)) {
    throw new Error('rooms.html must reference /rooms.js and /rooms.css');
  }
  writeFileSync(join(pagedir, 'rooms.html'), page);
  return [script, style];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = name => process.argv.find(a => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const outdir = resolve(arg('outdir') ?? join(here, '../../dist'));
  const files = await buildRooms({ outdir, pagedir: resolve(arg('pagedir') ?? outdir) });
  console.log(`bpflab rooms page: ${files.join(', ')} in ${outdir}`);
}
