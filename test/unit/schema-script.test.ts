import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = await mkdtemp(join(tmpdir(), 'marketgraph-schema-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('npm run schema:emit', () => {
  it('reports the size of what it wrote in bytes, not UTF-16 characters', async () => {
    // Written beside the test, not over the committed schema.graphql others may be editing.
    const target = join(dir, 'schema.graphql');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/schema.ts', '--write', target], { timeout: 60_000 });
    const written = await readFile(target);
    // The schema's descriptions hold non-ASCII punctuation, so the two counts differ.
    expect(written.length).toBeGreaterThan(written.toString('utf8').length);
    expect(stdout).toBe(`${target} written (${written.length} bytes)\n`);
  });
});
