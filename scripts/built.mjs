// Whether dist/ holds a build of the current src/, and building it when it does not. Plain
// JavaScript on purpose: it runs before anything is compiled, on every `npm start` and after
// `npm ci` (the `prepare` script), so it must not need tsx or a build of its own.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** What `npm start` runs: the bundle of dist/main.js (scripts/bundle.mjs). */
export const ENTRY = join(ROOT, 'dist', 'bundle', 'main.js');
/**
 * Written after every successful build. tsc emits its outputs even when type checking fails, so
 * an emitted file's time says a build ran, not that it succeeded.
 */
const STAMP = join(ROOT, 'dist', '.built');
/** What the build reads besides src/: a changed compiler or bundler setting needs a new build too. */
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'scripts/bundle.mjs'];

function newestChange(path) {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, entry)));
  return newest;
}

/** Why dist/ cannot be run as it is, or undefined when it is up to date. */
export function staleBuild() {
  if (!existsSync(ENTRY) || !existsSync(STAMP)) return 'dist/ has no build yet';
  const builtAt = statSync(STAMP).mtimeMs;
  const changed = INPUTS.map((input) => join(ROOT, input)).filter((input) => existsSync(input) && newestChange(input) > builtAt);
  return changed.length === 0 ? undefined : 'src/ changed since dist/ was built';
}

/** Builds with the project's TypeScript; exits with a clear message where it cannot. */
export function build(reason) {
  process.stderr.write(`marketgraph: ${reason}: building it (npm run build)…\n`);
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(tsc)) {
    process.stderr.write('marketgraph: TypeScript is not installed, so dist/ cannot be built: run `npm ci` (with dev dependencies) first.\n');
    process.exit(1);
  }
  for (const step of [[tsc, '-p', join(ROOT, 'tsconfig.build.json')], [join(ROOT, 'scripts', 'bundle.mjs')]]) {
    const result = spawnSync(process.execPath, step, { stdio: 'inherit' });
    if (result.status !== 0) {
      process.stderr.write('marketgraph: the build failed; see the errors above.\n');
      process.exit(result.status ?? 1);
    }
  }
  stamp();
}

/** Marks dist/ as built from src/ as it is now (`npm run build` calls it after tsc). */
export function stamp() {
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
}

// `node scripts/built.mjs` (the `prepare` script): build only when dist/ is not current;
// `--stamp` (after `tsc` in `npm run build`): record that dist/ is current.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--stamp')) stamp();
  else {
    const reason = staleBuild();
    if (reason) build(reason);
  }
}
