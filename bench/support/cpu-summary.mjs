// Summarizes a V8 .cpuprofile (node --cpu-prof): self time by function and by file, top N, so a
// bench run's profile reads in a terminal.
//
//   node bench/support/cpu-summary.mjs bench-cpu/CPU.….cpuprofile [top=25]
import { readFileSync } from 'node:fs';

const [file, topText] = process.argv.slice(2);
if (!file) throw new Error('usage: cpu-summary.mjs FILE.cpuprofile [top]');
const top = Number(topText ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
// Self time per node: each sample is one interval spent in the sampled (leaf) node.
const self = new Map();
const { samples, timeDeltas } = profile;
for (let index = 0; index < samples.length; index++) self.set(samples[index], (self.get(samples[index]) ?? 0) + (timeDeltas[index] ?? 0));
const total = [...self.values()].reduce((a, b) => a + b, 0);

const shortUrl = (url) => url.replace(/^file:\/\//, '').replace(/^.*node_modules\//, 'nm/').replace(/^.*\/dist\//, 'dist/');
const byFunction = new Map();
const byFile = new Map();
for (const [id, us] of self) {
  const { callFrame } = byId.get(id);
  const where = shortUrl(callFrame.url) || '(native)';
  const name = `${callFrame.functionName || '(anonymous)'} ${where}:${callFrame.lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  const fileKey = where.startsWith('nm/') ? where.split('/').slice(0, where.split('/')[1]?.startsWith('@') ? 3 : 2).join('/') : where;
  byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + us);
}
const show = (title, map) => {
  console.log(`\n${title} (of ${(total / 1e6).toFixed(1)} s sampled)`);
  for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1e3).toFixed(0).padStart(7)} ms  ${name}`);
};
show('self time by function', byFunction);
show('self time by file / package', byFile);

// Inclusive time by source module of the bundle (esbuild marks each module with a `// path`
// comment line): a sample counts once for every module on its stack, so "src/streaming/cluster/
// tick-wire.ts" includes the zod it calls.
const markers = new Map();
const moduleOf = (url, line) => {
  if (!url.startsWith('file://') || !url.endsWith('.js')) return undefined;
  let list = markers.get(url);
  if (!list) {
    list = [];
    readFileSync(new URL(url), 'utf8').split('\n').forEach((text, index) => {
      const match = /^\/\/ ((?:src|dist|node_modules)\/\S+)$/.exec(text);
      if (match) list.push([index, match[1].replace(/^node_modules\/((?:@[^/]+\/)?[^/]+).*$/, 'nm/$1')]);
    });
    markers.set(url, list);
  }
  let found;
  for (const [at, name] of list) if (at <= line) found = name;
  return found;
};
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const inclusive = new Map();
for (const [id, us] of self) {
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const { callFrame } = byId.get(at);
    const name = moduleOf(callFrame.url, callFrame.lineNumber);
    if (name) seen.add(name);
  }
  for (const name of seen) inclusive.set(name, (inclusive.get(name) ?? 0) + us);
}
show('inclusive time by source module (bundle)', inclusive);
const selfByModule = new Map();
for (const [id, us] of self) {
  const { callFrame } = byId.get(id);
  const name = moduleOf(callFrame.url, callFrame.lineNumber) ?? (shortUrl(callFrame.url) || callFrame.functionName);
  selfByModule.set(name, (selfByModule.get(name) ?? 0) + us);
}
show('self time by source module (bundle)', selfByModule);
