import { authSettingsProblem } from './auth.js';
import { EnvSchema, toConfig, type Config } from './schema.js';

/** Start-up refuses a bad setting with one line that names it; the CLI exits 2 on it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads the settings from an environment. Empty strings count as unset, so `PORT=` in a
 * compose file means "the default", not "invalid".
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const known = Object.keys(EnvSchema.shape);
  const input: Record<string, string> = {};
  for (const key of known) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') input[key] = value.trim();
  }
  const parsed = EnvSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    // Values of secret-bearing settings (URLs with passwords, keys) are never echoed.
    const secret = /URL|KEY|SECRET|TOKEN|PASSWORD/.test(name);
    const shown = input[name] === undefined || secret ? '' : ` (got "${input[name]}")`;
    throw new ConfigError(`Invalid ${name}${shown}: ${issue?.message ?? 'invalid value'}`);
  }
  const config = toConfig(parsed.data);
  for (const id of config.providers) {
    if (id !== 'simulated' && config.remote[id].keys.length === 0) {
      throw new ConfigError(`Invalid PROVIDERS: "${id}" needs ${id.toUpperCase()}_API_KEY (one key, or several comma-separated)`);
    }
  }
  const authProblem = authSettingsProblem(config.auth);
  if (authProblem) throw new ConfigError(authProblem);
  return config;
}
