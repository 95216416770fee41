import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `npm start` builds only when it must: on a project whose dist/ is missing, failed or older than
 * src/, and never again after that. Run against a tiny project of its own (the real scripts, the
 * real TypeScript and bundler, a one-line src/main.ts), so the test neither waits for the whole build nor
 * touches the repository's dist/.
 */

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let project: string;

/**
 * Marks src/main.ts as changed after the last build: its time set past the stamp's, as the file
 * system recorded it (not this process's clock, which a suite run under libfaketime shifts).
 */
async function touchAfterBuild(file: string): Promise<void> {
  const built = (await stat(join(project, 'dist', '.built'))).mtimeMs;
  const later = new Date(built + 5_000);
  await utimes(file, later, later);
}

async function start(): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [join(project, 'scripts', 'start.mjs')], { cwd: project, timeout: 60_000 });
}

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'mg-start-'));
  await mkdir(join(project, 'scripts'));
  await mkdir(join(project, 'src'));
  await cp(join(ROOT, 'scripts', 'built.mjs'), join(project, 'scripts', 'built.mjs'));
  await cp(join(ROOT, 'scripts', 'start.mjs'), join(project, 'scripts', 'start.mjs'));
  await cp(join(ROOT, 'scripts', 'bundle.mjs'), join(project, 'scripts', 'bundle.mjs'));
  await symlink(join(ROOT, 'node_modules'), join(project, 'node_modules'), 'dir');
  await writeFile(join(project, 'package.json'), JSON.stringify({ type: 'module' }));
  await writeFile(
    join(project, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, types: ['node'] } }),
  );
  await writeFile(join(project, 'tsconfig.build.json'), JSON.stringify({ extends: './tsconfig.json', compilerOptions: { rootDir: 'src', outDir: 'dist' }, include: ['src'] }));
  await writeFile(join(project, 'src', 'main.ts'), "process.stdout.write('gateway v1 ready\\n');\n");
});
afterAll(async () => {
  await rm(project, { recursive: true, force: true });
});

// Each case runs the real TypeScript compiler, some twice: seconds each on a loaded machine.
describe('npm start (scripts/start.mjs)', { timeout: 120_000 }, () => {
  it('builds a missing dist/ and says so, then runs it', async () => {
    const { stdout, stderr } = await start();
    expect(stderr).toContain('dist/ has no build yet: building it');
    expect(stdout).toBe('gateway v1 ready\n');
  });

  it('runs an up-to-date dist/ without building', async () => {
    const { stdout, stderr } = await start();
    expect(stderr).toBe('');
    expect(stdout).toBe('gateway v1 ready\n');
  });

  it('rebuilds when src/ changed since the last build, and runs the new code', async () => {
    const main = join(project, 'src', 'main.ts');
    await writeFile(main, "process.stdout.write('gateway v2 ready\\n');\n");
    await touchAfterBuild(main);
    const { stdout, stderr } = await start();
    expect(stderr).toContain('src/ changed since dist/ was built: building it');
    expect(stdout).toBe('gateway v2 ready\n');
  });

  it('says the build failed, exits non-zero and runs nothing, when src/ does not compile', async () => {
    const main = join(project, 'src', 'main.ts');
    await writeFile(main, "const broken: number = 'text';\nprocess.stdout.write('gateway v3 ready\\n');\n");
    await touchAfterBuild(main);
    const failed = await start().then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failed?.code).toBeGreaterThan(0);
    expect(failed?.stderr).toContain('the build failed');
    expect(failed?.stdout).not.toContain('gateway v3 ready');
    // tsc emitted dist/main.js all the same, but a failed build is not stamped: the next start
    // builds again rather than running what it emitted.
    expect(await readFile(join(project, 'dist', 'main.js'), 'utf8')).toContain('gateway v3 ready');
    const again = await start().catch((error: { stderr: string }) => error);
    expect(again.stderr).toContain('building it');
  });

  it('is what `npm start` runs, with no build step of its own', async () => {
    const { scripts } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    // The young generation's size is fixed when the heap is set up: Node 24 grows it to 128 MB unless told (README).
    expect(scripts['start']).toBe('node --max-semi-space-size=16 scripts/start.mjs');
    expect(scripts['prestart']).toBeUndefined();
    expect(scripts['prepare']).toBe('node scripts/built.mjs');
  });
});
