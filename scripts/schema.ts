/**
 * Prints the schema the code builds to `schema.graphql` (`--write`, or `--write <file>` to write
 * it elsewhere), or fails when the committed file differs from it (`--check`), so a schema change
 * is always a reviewed diff.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { createSchema } from '../src/graphql/schema.js';

const committedFile = fileURLToPath(new URL('../schema.graphql', import.meta.url));
const header = '# Generated from the type-graphql classes in src/graphql by `npm run schema:emit`. Do not edit.\n\n';

// With directives: `@requiresRight` on a field is part of the contract a client reads.
const printed = header + printSchemaWithDirectives(await createSchema()) + '\n';
const mode = process.argv[2];
if (mode === '--write') {
  const target = process.argv[3] ?? committedFile;
  await writeFile(target, printed);
  // Bytes as written (UTF-8): descriptions hold "’", "–" and "…", so the string length is fewer.
  process.stdout.write(`${target === committedFile ? 'schema.graphql' : target} written (${Buffer.byteLength(printed, 'utf8')} bytes)\n`);
} else if (mode === '--check') {
  const committed = await readFile(committedFile, 'utf8').catch(() => '');
  if (committed !== printed) {
    process.stderr.write('schema.graphql is out of date with the code: run `npm run schema:emit` and commit the result.\n');
    process.exit(1);
  }
  process.stdout.write('schema.graphql is up to date\n');
} else {
  process.stderr.write('usage: tsx scripts/schema.ts --write [file] | --check\n');
  process.exit(2);
}
