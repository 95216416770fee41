// The environment that puts a gateway on the shared Redis tier (L2 cache, cluster single-flight),
// under a key prefix of the bench run's own.
export function l2Env(redisUrl: string, prefix: string): Record<string, string> {
  return { REDIS_URL: redisUrl, CACHE_REDIS_PREFIX: prefix };
}
