import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // type-graphql is loaded as CommonJS and would get graphql's CJS build while our ESM imports
    // get its .mjs build: two realms, and "Cannot use GraphQLSchema from another module".
    alias: { graphql: require.resolve('graphql') },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end files spawn servers on ports of their own; two cores run two files at once well.
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
