import { createAuthenticator, type Authenticator } from '../auth/index.js';
import { ConfigError, type Config } from '../config/index.js';
import { createSchema } from '../graphql/schema.js';
import type { Logger } from '../observability/logger.js';
import type { GraphQLSchema } from 'graphql';
import type { RightsEnforcement } from '../graphql/rights/enforce.js';

/** Stage 5: the executable schema, its rights enforced, and who may call it. */
export interface GraphQLParts {
  readonly schema: GraphQLSchema;
  readonly authenticator: Authenticator;
}

export async function graphqlStage(config: Pick<Config, 'auth'>, enforcement: RightsEnforcement, logger: Logger): Promise<GraphQLParts> {
  const schema = await createSchema(enforcement);
  // A JWKS file that cannot be read is a setting the gateway refuses to start with (exit 2).
  const authenticator = await createAuthenticator(config.auth, {
    onVerifierUnavailable: (error) => logger.warn({ err: error }, 'a consumer token could not be verified: the JWKS is unreachable or invalid'),
  }).catch((error: unknown) => {
    throw error instanceof Error && error.message.startsWith('AUTH_JWKS') ? new ConfigError(`Invalid ${error.message}`) : error;
  });
  if (config.auth.openDevelopment) {
    logger.warn(
      'open development mode: no AUTH_JWT_SECRET, AUTH_JWKS or AUTH_API_KEYS, so callers without credentials get the admin profile (set AUTH_ANONYMOUS_PROFILE=public, or configure credentials, to stop this)',
    );
  }
  return { schema, authenticator };
}
