export { loadConfig, ConfigError } from './load.js';
export type { Config } from './schema.js';
