import { afterEach, describe, expect, it, vi } from 'vitest';
import { BUSINESS_METRICS, METRICS_NAMESPACE } from '../../../shared/lambda/metric-names.js';
import { countEvent, timeLinkAnswer } from '../../../shared/lambda/metrics.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** The Embedded Metric Format lines written meanwhile (Powertools writes each as one JSON object). */
function emfLines(): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const stream of ['log', 'info'] as const)
    vi.spyOn(console, stream).mockImplementation((line: unknown) => {
      const parsed = JSON.parse(String(line)) as Record<string, unknown>;
      if (parsed._aws) lines.push(parsed);
    });
  return lines;
}

describe('business metrics', () => {
  it('publishes each event at once as an EMF line in the namespace, with the service dimension', () => {
    const lines = emfLines();
    countEvent(BUSINESS_METRICS.uploadsRefused, 2);

    expect(lines).toHaveLength(1);
    const [line] = lines as [
      {
        _aws: {
          CloudWatchMetrics: {
            Namespace: string;
            Dimensions: string[][];
            Metrics: { Name: string; Unit: string }[];
          }[];
        };
      } & Record<string, unknown>,
    ];
    expect(line._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      Dimensions: [['service']],
      Metrics: [{ Name: 'UploadsRefused', Unit: 'Count' }],
    });
    expect(line).toMatchObject({ service: 'ngo-service-purchase', UploadsRefused: 2 });
  });

  it("records a link's answer time in milliseconds and passes the answer on", async () => {
    const lines = emfLines();
    const answered = timeLinkAnswer();
    await new Promise((r) => setTimeout(r, 15));
    expect(answered({ statusCode: 200 })).toEqual({ statusCode: 200 });

    expect(lines).toHaveLength(1);
    expect(lines[0]?.LinkLatency).toBeGreaterThanOrEqual(10);
    expect(JSON.stringify(lines[0])).toContain('"Unit":"Milliseconds"');
  });
});
