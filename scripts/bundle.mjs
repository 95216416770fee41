// Bundles the compiled gateway (dist/main.js and everything it imports, node_modules included)
// into dist/bundle/, the code `npm start`, the Docker image and the test gateways run.
//
// Why: resolving and loading ~1,200 ES modules one file at a time was three quarters of the time
// to ready (0.75 s of 1.0 s on this project's 2-core machine); one bundle loads in about a third of
// that. tsc still emits dist/ file by file, for the type declarations and for tests that import a
// part directly.
//
// Plain JavaScript, like built.mjs: it runs right after tsc, with nothing else built.
import { build } from 'esbuild';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from './built.mjs';

const OUT = join(ROOT, 'dist', 'bundle');

export async function bundle() {
  rmSync(OUT, { recursive: true, force: true });
  await build({
    entryPoints: [join(ROOT, 'dist', 'main.js')],
    outdir: OUT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Dynamic imports stay lazy: a gateway without REDIS_URL or JWKS never loads node-redis,
    // @keyv/redis or jose, each split into a chunk of its own.
    splitting: true,
    // type-graphql names GraphQL types after their classes; bundling may rename a class whose name
    // another module also uses (two `Quote`s), so names are kept as written.
    keepNames: true,
    // Stack traces can be mapped back with `node --enable-source-maps`; off by default, since it
    // makes every Error's stack costlier.
    sourcemap: 'linked',
    // CommonJS packages inside an ES module bundle still call `require` for Node's built-ins.
    banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
    // An optional peer of type-graphql (validation), which this project does not use.
    external: ['class-validator'],
    plugins: [apolloHashOnNodeCrypto],
    logLevel: 'warning',
  });
  cheaperKeepNames();
}

/**
 * Apollo Server hashes every request's query text (`@apollo/utils.createhash`), with Node's crypto
 * when `module.require` exists and with sha.js, in JavaScript, otherwise. Inside a bundle `module`
 * is esbuild's shim, which has no `require`, so every request hashed in JavaScript: 3 % of an
 * uncached query's CPU. Resolved here to Node's own `createHash`, as Apollo does unbundled.
 */
const apolloHashOnNodeCrypto = {
  name: 'apollo-createhash-node-crypto',
  setup(builder) {
    builder.onResolve({ filter: /^@apollo\/utils\.createhash$/ }, () => ({ path: 'createhash', namespace: 'node-crypto-hash' }));
    builder.onLoad({ filter: /.*/, namespace: 'node-crypto-hash' }, () => ({ contents: "export { createHash } from 'node:crypto';", loader: 'js' }));
  },
};

/**
 * keepNames wraps every named function, inner ones included, in `__name(fn, "name")`, which
 * redefines `name` on each closure as it is created: every such closure gets a property store of
 * its own (≈ 300 bytes) and a defineProperty call. Per subscription that was ≈ 20 closures (5 KB of
 * its 26 KB retained), and more garbage per tick. Here `__name` only redefines a name that differs
 * (a class or function esbuild renamed, the case keepNames is for); `fn.name` reads the same.
 *
 * Nor does it name an anonymous function without a prototype: an arrow function, an async
 * function or a method that esbuild moved into a call (`__name(() => …, "next")`), where the
 * source gave it its name only by where it stood. Those were still ≈ 5 closures per subscription
 * (graphql-ws's `emit.next`, `error` and `complete` among them), each with a 256-byte property
 * store for that one name. Classes and `function`s, which have a prototype, keep their names:
 * those are the names code reads (type-graphql's type names, error classes).
 */
const NAME_HELPER = 'var __name = (target, value) => __defProp(target, "name", { value, configurable: true });';
const CHEAP_NAME_HELPER =
  'var __name = (target, value) => target.name === value || (target.name === "" && !Object.hasOwn(target, "prototype")) ? target : __defProp(target, "name", { value, configurable: true });';

function cheaperKeepNames() {
  let replaced = 0;
  let named = false;
  for (const file of readdirSync(OUT).filter((name) => name.endsWith('.js'))) {
    const path = join(OUT, file);
    const code = readFileSync(path, 'utf8');
    named ||= code.includes('__name(');
    if (!code.includes(NAME_HELPER)) continue;
    writeFileSync(path, code.replace(NAME_HELPER, CHEAP_NAME_HELPER));
    replaced += 1;
  }
  // An esbuild that writes the helper differently must not pass unnoticed (a bundle without named functions has none).
  if (named && replaced === 0) throw new Error('bundle: esbuild\'s __name helper not found; update cheaperKeepNames');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await bundle();
}
