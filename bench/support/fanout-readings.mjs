// What bench/stream-fanout.mjs reads to make its report: the processes' CPU and RSS and the
// machine's shares (/proc), the gateways' metrics, and the clients' latencies (kept, summed into
// percentiles and per-second p99s, the tick's ISO time read from the bytes it came in).
import { readFile } from 'node:fs/promises';

export const cpuSeconds = async (pid) => {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
export const rssMb = async (pid) => Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
/** The machine's CPU time so far (jiffies, all cores): busy, idle and stolen by the hypervisor. */
export const machineTimes = async () => {
  const [user, nice, system, idle, iowait, irq, softirq, steal] = (await readFile('/proc/stat', 'utf8')).split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { busy: user + nice + system + irq + softirq, idle: idle + iowait, steal };
};
export const round = (value, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
export const percentile = (sorted, fraction) => (sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]);

/** A gateway's /metrics text; '' when it does not answer (a starved gateway may not): its figures are NaN then, and the run goes on. */
const metricsText = (origin) => fetch(`${origin}/metrics`, { signal: AbortSignal.timeout(30_000) }).then((response) => response.text(), () => '');

export async function metricSum(origin, name) {
  const text = await metricsText(origin);
  if (text === '') return Number.NaN;
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}

/**
 * The latencies the clients record, in fixed chunks: a plain array of 2.4 million numbers (60 s at
 * 40,000 a second) is copied whole each time it grows, a pause of the measuring process itself.
 */
export class Latencies {
  chunks = [new Float64Array(1 << 20)];
  used = 0;
  push(ms) {
    if (this.used === 1 << 20) {
      this.chunks.push(new Float64Array(1 << 20));
      this.used = 0;
    }
    this.chunks[this.chunks.length - 1][this.used++] = ms;
  }
  /** Every latency, in the order the messages arrived. */
  inOrder() {
    const all = new Float64Array((this.chunks.length - 1) * (1 << 20) + this.used);
    this.chunks.forEach((chunk, index) => all.set(index === this.chunks.length - 1 ? chunk.subarray(0, this.used) : chunk, index * (1 << 20)));
    return all;
  }
}

/**
 * The p99 of each of `count` equal runs of arrivals (seconds, at an even rate): whether a p99 past
 * the target comes from one stall or from the whole window.
 */
export function p99BySecond(inOrder, count) {
  const size = Math.max(1, Math.floor(inOrder.length / count));
  const p99s = [];
  for (let start = 0; start + size <= inOrder.length; start += size) p99s.push(percentile(inOrder.slice(start, start + size).sort(), 0.99));
  return { secondsOver50Ms: p99s.filter((p99) => p99 > 50).length, seconds: p99s.length, worstSecondP99Ms: Math.max(...p99s) };
}

const digits = (data, at, count) => {
  let value = 0;
  for (let index = at; index < at + count; index++) value = value * 10 + data[index] - 48;
  return value;
};
/** Epoch ms of the ISO time (`2026-12-07T16:05:03.123Z`, as both servers write it) starting at `at`, read from the bytes: no string per message. */
export function isoTimeAt(data, at) {
  if (data[at + 10] !== 84 || data[at + 19] !== 46 || data[at + 23] !== 90) return Date.parse(data.latin1Slice(at, data.indexOf(34, at)));
  return Date.UTC(digits(data, at, 4), digits(data, at + 5, 2) - 1, digits(data, at + 8, 2), digits(data, at + 11, 2), digits(data, at + 14, 2), digits(data, at + 17, 2), digits(data, at + 20, 3));
}

/**
 * The gateways' own view of the same latency: their `stream_tick_to_client_seconds` histogram
 * (the owner's receipt of the tick from upstream → its message written to the socket, through
 * Redis for the instance that does not own the symbol), summed over `origins`, as the cumulative
 * count per bucket bound. What the clients measure beyond it is the fake's frame waiting to be
 * read by its owner and the way from the socket to the client.
 */
export async function latencyBuckets(origins) {
  const buckets = new Map();
  for (const origin of origins) {
    const text = await metricsText(origin);
    for (const line of text.split('\n')) {
      const match = /^stream_tick_to_client_seconds_bucket\{.*le="([^"]+)".*\} (\S+)$/.exec(line);
      if (match) buckets.set(match[1], (buckets.get(match[1]) ?? 0) + Number(match[2]));
    }
  }
  return buckets;
}

/** Of the items counted between two `latencyBuckets` readings: the share within each bound (ms), and the smallest bound holding 99 %. */
export function inGatewayLatency(before, after) {
  const total = (after.get('+Inf') ?? 0) - (before.get('+Inf') ?? 0);
  const shares = {};
  let p99BoundMs;
  for (const [bound, count] of after) {
    if (bound === '+Inf') continue;
    const share = total > 0 ? (count - (before.get(bound) ?? 0)) / total : Number.NaN;
    shares[`within${Number(bound) * 1000}Ms`] = round(share, 4);
    if (p99BoundMs === undefined && share >= 0.99) p99BoundMs = Number(bound) * 1000;
  }
  return { items: total, p99AtMostMs: p99BoundMs ?? null, ...shares };
}

/** Shares of the machine's CPU time between two readings: busy, idle, and stolen by the hypervisor. */
export function machineShares(before, after) {
  const busy = after.busy - before.busy;
  const idle = after.idle - before.idle;
  const steal = after.steal - before.steal;
  const total = Math.max(1, busy + idle + steal);
  return { busyShare: round(busy / total), idleShare: round(idle / total), stealShare: round(steal / total) };
}
