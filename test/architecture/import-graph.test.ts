import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layers of docs/architecture.md, checked on the source: who may import whom, and no import
 * cycle anywhere in src/ (type-only imports included: a cycle of types is still a knot a reader
 * has to untie). Read from the files' import lines, so it needs no build.
 */

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

/** Each layer (a folder of src/) and the layers it may import; every layer may import domain. */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  domain: [],
  config: [],
  // Redis connections, their readiness, deadlines and outage bookkeeping, for every shared part.
  stores: [],
  // The audit trail is a Redis-backed store: it writes its stream on the instance's Redis link.
  observability: ['stores'],
  providers: [],
  resilience: ['stores'],
  auth: ['config'],
  market: ['providers', 'resilience', 'stores'],
  // Fan-out across instances (streaming/cluster/): leases and per-symbol channels on the instance's Redis link.
  streaming: ['providers', 'market', 'stores'],
  // The audit trail's types and its per-field scope (the consumer a provider call is billed to).
  graphql: ['market', 'streaming', 'auth', 'observability'],
  server: ['graphql', 'observability', 'auth'],
};

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import, static or dynamic, `export … from` included, of each file in src/. */
function importGraph(): Map<string, string[]> {
  const files = sourceFiles(SRC);
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((match) =>
      resolve(dirname(file), match[1]!).replace(/\.js$/, '.ts'),
    );
    graph.set(file, [...new Set(targets.filter((target) => known.has(target)))]);
  }
  return graph;
}

/** The strongly connected components with more than one file (Tarjan's algorithm). */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, counter);
    low.set(file, counter);
    counter++;
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(file, Math.min(low.get(file)!, index.get(next)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(relative(SRC, member));
    } while (member !== file);
    if (component.length > 1) found.push(component.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

const layerOf = (file: string): string => relative(SRC, file).split('/')[0]!.replace(/\.ts$/, '');

describe('the import graph of src/', () => {
  const graph = importGraph();

  it('has no cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('keeps every layer to the layers it may import', () => {
    const crossings: string[] = [];
    for (const [file, targets] of graph) {
      const from = layerOf(file);
      const allowed = MAY_IMPORT[from];
      if (!allowed) continue; // the composition root and main may import everything
      for (const target of targets) {
        const to = layerOf(target);
        if (to !== from && to !== 'domain' && !allowed.includes(to)) crossings.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
      }
    }
    expect(crossings).toEqual([]);
  });

  it('sees the imports it checks (a cycle planted in memory is found)', () => {
    const planted = new Map(graph);
    const [a, b] = [join(SRC, 'domain', 'index.ts'), join(SRC, 'domain', 'errors.ts')];
    planted.set(a, [...(graph.get(a) ?? []), b]);
    planted.set(b, [...(graph.get(b) ?? []), a]);
    expect(cycles(planted).some((cycle) => cycle.includes('domain/errors.ts') && cycle.includes('domain/index.ts'))).toBe(true);
    expect(graph.get(join(SRC, 'domain', 'index.ts'))).toContain(join(SRC, 'domain', 'errors.ts'));
  });
});
