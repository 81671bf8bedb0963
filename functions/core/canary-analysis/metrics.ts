/**
 * Reads each canary metric for the baseline and the canary server group from CloudWatch
 * (GetMetricData: one statistic per period, the group named by the scope dimension:
 * AutoScalingGroupName by default, or another such as TargetGroup), and computes ratios (numerator / denominator per period) here rather than with
 * metric math. Query building and combining are pure; only `fetchObservations` calls AWS.
 */
import { GetMetricDataCommand, type CloudWatchClient, type MetricDataQuery, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { CanaryMetric, MetricQuery } from './config.js';
import { MetricsFetchError } from './errors.js';
import type { Observations } from './judge/index.js';

type Side = 'control' | 'experiment';

export interface ScopedGroups {
  /** Baseline server group (control). */
  readonly control: string;
  /** Canary server group (experiment). */
  readonly experiment: string;
}

interface PlannedQuery {
  readonly id: string;
  readonly metric: number;
  readonly side: Side;
  readonly part: 'value' | 'numerator' | 'denominator';
  readonly query: MetricDataQuery;
}

/** GetMetricData takes at most 500 queries per call. */
const MAX_QUERIES = 500;

export function planQueries(
  metrics: readonly CanaryMetric[],
  groups: ScopedGroups,
  options: { readonly periodSeconds: number; readonly scopeDimension: string },
): PlannedQuery[] {
  const planned: PlannedQuery[] = [];
  metrics.forEach((metric, i) => {
    for (const side of ['control', 'experiment'] as const) {
      const parts: Array<[PlannedQuery['part'], MetricQuery]> =
        'numerator' in metric.query
          ? [
              ['numerator', metric.query.numerator],
              ['denominator', metric.query.denominator],
            ]
          : [['value', metric.query]];
      for (const [part, q] of parts) {
        const id = `m${i}_${side}_${part}`;
        planned.push({
          id,
          metric: i,
          side,
          part,
          query: {
            Id: id,
            ReturnData: true,
            MetricStat: {
              Metric: {
                Namespace: q.namespace,
                MetricName: q.metricName,
                Dimensions: [
                  ...Object.entries(q.dimensions)
                    .filter(([name]) => name !== options.scopeDimension)
                    .map(([Name, Value]) => ({ Name, Value })),
                  { Name: options.scopeDimension, Value: groups[side] },
                ],
              },
              Period: options.periodSeconds,
              Stat: q.statistic,
              ...(q.unit ? { Unit: q.unit as never } : {}),
            },
          },
        });
      }
    }
  });
  return planned;
}

/** Per-period values in time order; ratios by timestamp, a zero denominator giving null (no data). */
export function combineResults(metrics: readonly CanaryMetric[], planned: readonly PlannedQuery[], results: readonly MetricDataResult[]): Observations {
  const byId = new Map<string, Map<number, number>>();
  for (const result of results) {
    if (!result.Id) continue;
    const series = byId.get(result.Id) ?? new Map<number, number>();
    (result.Timestamps ?? []).forEach((t, k) => {
      const v = result.Values?.[k];
      if (v !== undefined) series.set(new Date(t).getTime(), v);
    });
    byId.set(result.Id, series);
  }
  const observations: Record<string, { control: Array<number | null>; experiment: Array<number | null> }> = {};
  metrics.forEach((metric, i) => {
    const entry = { control: [] as Array<number | null>, experiment: [] as Array<number | null> };
    for (const side of ['control', 'experiment'] as const) {
      const ids = planned.filter((p) => p.metric === i && p.side === side);
      const value = ids.find((p) => p.part === 'value');
      if (value) {
        entry[side] = sortedValues(byId.get(value.id));
        continue;
      }
      const numerator = byId.get(ids.find((p) => p.part === 'numerator')!.id) ?? new Map<number, number>();
      const denominator = byId.get(ids.find((p) => p.part === 'denominator')!.id) ?? new Map<number, number>();
      entry[side] = [...numerator.keys()]
        .filter((t) => denominator.has(t))
        .sort((a, b) => a - b)
        .map((t) => {
          const d = denominator.get(t)!;
          return d === 0 ? null : numerator.get(t)! / d;
        });
    }
    observations[metric.name] = entry;
  });
  return observations;
}

function sortedValues(series: Map<number, number> | undefined): number[] {
  return series ? [...series.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v) : [];
}

export async function fetchObservations(
  client: CloudWatchClient,
  metrics: readonly CanaryMetric[],
  groups: ScopedGroups,
  window: { readonly start: number; readonly end: number },
  options: { readonly periodSeconds: number; readonly scopeDimension: string },
): Promise<Observations> {
  const planned = planQueries(metrics, groups, options);
  const results: MetricDataResult[] = [];
  for (let offset = 0; offset < planned.length; offset += MAX_QUERIES) {
    const batch = planned.slice(offset, offset + MAX_QUERIES).map((p) => p.query);
    let token: string | undefined;
    do {
      let out;
      try {
        out = await client.send(
          new GetMetricDataCommand({
            MetricDataQueries: batch,
            StartTime: new Date(window.start),
            EndTime: new Date(window.end),
            ScanBy: 'TimestampAscending',
            ...(token ? { NextToken: token } : {}),
          }),
        );
      } catch (error) {
        const e = error as { name?: string; message?: string; $fault?: string; $retryable?: unknown };
        const retryable = e.$fault === 'server' || Boolean(e.$retryable) || /Throttl|LimitExceeded/.test(e.name ?? '');
        throw new MetricsFetchError(`GetMetricData failed: ${e.name ?? 'Error'}: ${e.message ?? String(error)}`, retryable, { cause: error });
      }
      results.push(...(out.MetricDataResults ?? []));
      token = out.NextToken;
    } while (token);
  }
  return combineResults(metrics, planned, mergeById(results));
}

/** Pages of the same query come back as separate results: join them. */
function mergeById(results: readonly MetricDataResult[]): MetricDataResult[] {
  const merged = new Map<string, { Id: string; Timestamps: Date[]; Values: number[] }>();
  for (const r of results) {
    if (!r.Id) continue;
    const m = merged.get(r.Id) ?? { Id: r.Id, Timestamps: [], Values: [] };
    m.Timestamps.push(...(r.Timestamps ?? []));
    m.Values.push(...(r.Values ?? []));
    merged.set(r.Id, m);
  }
  return [...merged.values()];
}
