import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { BUSINESS_METRICS, type BusinessMetric, METRICS_NAMESPACE, METRICS_SERVICE } from './metric-names.js';

/**
 * Business and health metrics in Embedded Metric Format (Powertools Metrics): each is one JSON log
 * line that CloudWatch turns into a metric, published at once (a step that counts nothing writes
 * nothing, so there is no empty-metrics line per invocation).
 */
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });

/** One or more occurrences of a business event (a proposal submitted, a payment confirmed, ...). */
export function countEvent(name: BusinessMetric, count = 1): void {
  metrics.addMetric(name, MetricUnit.Count, count);
  metrics.publishStoredMetrics();
}

/** How long something took, in milliseconds (a link page's answer). */
export function recordDuration(name: BusinessMetric, ms: number): void {
  metrics.addMetric(name, MetricUnit.Milliseconds, ms);
  metrics.publishStoredMetrics();
}

/** Starts timing a link's answer; the returned function records it (LinkLatency) and passes the answer on. */
export function timeLinkAnswer(): <T>(answer: T) => T {
  const started = performance.now();
  return (answer) => {
    recordDuration(BUSINESS_METRICS.linkLatency, Math.round(performance.now() - started));
    return answer;
  };
}
