// The environment that puts a gateway on the shared Redis tier (L2 cache, cluster single-flight),
// with every key it writes (quotas, consumer budgets and the audit stream too) under a key prefix
// of the bench run's own, so a run neither spends nor leaves state for the next.
export function l2Env(redisUrl: string, prefix: string): Record<string, string> {
  return { REDIS_URL: redisUrl, REDIS_PREFIX: prefix };
}
