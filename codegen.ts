import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for every operation the tests and examples send, generated from the
 * committed schema. A schema change that breaks a client operation breaks the type-check.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['test/operations/**/*.graphql', 'examples/**/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'test/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        emitLegacyCommonJSImports: false,
        enumsAsTypes: true,
        scalars: {
          Date: 'string',
          DateTime: 'string',
          SafeInt: 'number',
        },
      },
    },
  },
};

export default config;
