// Installs the page's npm dependencies when they are missing or older than the lockfile, so that a plain
// `./mvnw package` needs no manual npm step and repeated builds don't reinstall everything.
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const here = dirname(fileURLToPath(import.meta.url));
const lockfile = join(here, 'package-lock.json');
const installed = join(here, 'node_modules', '.package-lock.json');

const upToDate = existsSync(installed) && existsSync(lockfile)
  && statSync(installed).mtimeMs >= statSync(lockfile).mtimeMs;
if (upToDate) {
  process.exit(0);
}
const args = existsSync(lockfile) ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
console.log(`bpflab web: npm ${args.join(' ')}`);
const result = spawnSync('npm', args, { cwd: here, stdio: 'inherit' });
if (result.error) {
  console.error(`bpflab web: could not run npm (${result.error.message}); install Node.js 18+ and npm, `
    + 'or build without the page: -Dskip.web=true');
  process.exit(1);
}
process.exit(result.status ?? 1);
