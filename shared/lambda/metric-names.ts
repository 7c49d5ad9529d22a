/**
 * The business metrics the functions publish (Embedded Metric Format, shared/lambda/metrics.ts)
 * and the dashboard graphs (infra/constructs/operations-watch.ts): one list, so the two agree.
 */
export const METRICS_NAMESPACE = 'NgoServicePurchase';
export const METRICS_SERVICE = 'ngo-service-purchase';

export const BUSINESS_METRICS = {
  proposalsSubmitted: 'ProposalsSubmitted',
  proposalsApproved: 'ProposalsApproved',
  proposalsRejected: 'ProposalsRejected',
  decisionsRecorded: 'DecisionsRecorded',
  uploadsRefused: 'UploadsRefused',
  paymentsNotified: 'PaymentsNotified',
  paymentsConfirmed: 'PaymentsConfirmed',
  /** Tranches notified, unconfirmed and past their due day, across open purchases (measured hourly). */
  paymentsOverdue: 'PaymentsOverdue',
  /** How long a task link or NGO page took to answer (ms). */
  linkLatency: 'LinkLatency',
} as const;

export type BusinessMetric = (typeof BUSINESS_METRICS)[keyof typeof BUSINESS_METRICS];
