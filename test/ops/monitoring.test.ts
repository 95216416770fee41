import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parser } from '@prometheus-io/lezer-promql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { deleteSharedKeys, SHARED_REDIS_URL, uniquePrefix } from '../support/shared-redis.js';

/**
 * The dashboard and the alert rules in ops/ are checked against what a real gateway exports:
 * every query parses as PromQL (Prometheus's own grammar) and names only metrics a gateway with
 * Redis and a keyed provider declares on /metrics; the rules pass `promtool check rules` and their
 * unit tests (`promtool test rules`, from Debian's prometheus package, which .ci/run installs);
 * the compose profile mounts files that exist.
 */

const OPS = fileURLToPath(new URL('../../ops/', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROMTOOL = spawnSync('promtool', ['--version']).status === 0;

interface Rule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}
interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly gridPos: { h: number; w: number; x: number; y: number };
  readonly targets?: ReadonlyArray<{ expr: string; refId: string }>;
}

const rules = (parseYaml(readFileSync(`${OPS}prometheus/alerts.yml`, 'utf8')) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((group) => group.rules);
const dashboard = JSON.parse(readFileSync(`${OPS}grafana/dashboards/marketgraph.json`, 'utf8')) as { uid: string; title: string; panels: Panel[] };
const panelQueries = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ where: `panel "${panel.title}" ${target.refId}`, expr: target.expr })));
const ruleQueries = rules.map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr }));

/** Syntax errors of a PromQL expression, and the metric names it selects. */
function readPromQL(expr: string): { errors: number; metrics: string[] } {
  // Grafana's interval variables are not PromQL; Grafana replaces them before sending.
  const query = expr.replaceAll('$__rate_interval', '5m');
  let errors = 0;
  const metrics: string[] = [];
  parser.parse(query).iterate({
    enter(node) {
      if (node.type.isError) errors += 1;
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') metrics.push(query.slice(node.from, node.to));
    },
  });
  return { errors, metrics };
}

/** A histogram's series are its name with _bucket, _sum or _count. */
function family(metric: string, declared: ReadonlySet<string>): string {
  const base = metric.replace(/_(bucket|sum|count)$/, '');
  return declared.has(metric) ? metric : base;
}

let upstream: FakeUpstream;
let gateway: SpawnedGateway;
let declared: Set<string>;
const prefix = uniquePrefix('monitoring');

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.on({ path: '/stable/quote', query: { symbol: 'AAPL' } }, { json: fixture('fmp/stable/quote-aapl.json') });
  gateway = await spawnGateway({
    PROVIDERS: 'fmp,simulated',
    FMP_API_KEY: 'test-key-0001',
    FMP_BASE_URL: upstream.url,
    FMP_QUOTA: '300/min,10000/day',
    REDIS_URL: SHARED_REDIS_URL,
    REDIS_PREFIX: prefix,
  });
  const metrics = await (await fetch(`${gateway.origin}/metrics`)).text();
  declared = new Set([...metrics.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1] as string));
});
afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
  await deleteSharedKeys(`${prefix}*`);
});

describe('the Grafana dashboard and the Prometheus alert rules', () => {
  it.each([...panelQueries, ...ruleQueries])('$where parses as PromQL and names only exported metrics', ({ expr }) => {
    const { errors, metrics } = readPromQL(expr);
    expect(errors).toBe(0);
    expect(metrics.length).toBeGreaterThan(0);
    const unknown = metrics.filter((metric) => metric !== 'up' && !declared.has(family(metric, declared)));
    expect(unknown).toEqual([]);
  });

  it('covers what operators watch', () => {
    const titles = dashboard.panels.map((panel) => panel.title);
    for (const title of ['Request rate', 'Latency percentiles', 'Errors and refusals by code', 'Provider calls', 'Provider errors', 'Provider latency p95', 'Circuit breakers', 'Quota left', 'Cache hit ratio', 'Stale answers', 'Dead letters', 'Stream subscribers', 'Tick latency']) {
      expect(titles).toContain(title);
    }
    expect(rules.map((rule) => rule.alert).sort()).toEqual(
      ['MarketgraphDeadLettersGrowing', 'MarketgraphDown', 'MarketgraphLatencyObjective', 'MarketgraphProviderBreakerOpen', 'MarketgraphQuotaLow', 'MarketgraphRedisDown'].sort(),
    );
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels) expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
  });

  it('has quota figures to alert on: remaining and limit for each key window', async () => {
    const metrics = await (await fetch(`${gateway.origin}/metrics`)).text();
    expect(metrics).toMatch(/^provider_quota_limit\{provider="fmp",key="…0001",window="minute"\} 300$/m);
    expect(metrics).toMatch(/^provider_quota_limit\{provider="fmp",key="…0001",window="day"\} 10000$/m);
    expect(metrics).toMatch(/^provider_quota_remaining\{provider="fmp",key="…0001",window="day"\} \d+$/m);
    expect(metrics).toMatch(/^redis_connected 1$/m);
  });

  it.skipIf(!PROMTOOL)('pass promtool check rules and the rules’ unit tests (promtool test rules)', () => {
    const check = execFileSync('promtool', ['check', 'rules', 'alerts.yml'], { cwd: `${OPS}prometheus`, encoding: 'utf8' });
    expect(check).toContain('SUCCESS: 6 rules found');
    const tests = execFileSync('promtool', ['test', 'rules', 'alerts.test.yml'], { cwd: `${OPS}prometheus`, encoding: 'utf8' });
    expect(tests).toContain('SUCCESS');
  });

  it('are what the compose profile mounts', () => {
    const compose = parseYaml(readFileSync(`${ROOT}docker-compose.yml`, 'utf8')) as { services: Record<string, { profiles?: string[]; volumes?: string[] }> };
    for (const service of ['prometheus', 'grafana']) {
      expect(compose.services[service]?.profiles).toEqual(['monitoring']);
      for (const volume of compose.services[service]?.volumes ?? []) expect(existsSync(`${ROOT}${(volume.split(':')[0] as string).replace(/^\.\//, '')}`)).toBe(true);
    }
    expect(compose.services['gateway']?.profiles).toBeUndefined();
  });
});
