import middy from '@middy/core';
import { log, withLogContext } from '../../shared/lambda/log.js';
import { BUSINESS_METRICS } from '../../shared/lambda/metric-names.js';
import { countEvent } from '../../shared/lambda/metrics.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import type { Now } from '../../shared/ports/clock.js';
import { systemNow } from '../../shared/ports/clock.js';
import type { PaymentRepository, PurchaseRepository } from '../../shared/ports/repositories.js';
import { overduePayments } from '../../shared/usecases/operations.js';

/** Run hourly by a schedule: publishes how many tranches are overdue (0 too, so the graph has no gaps). */
export function createHandler(deps: {
  purchases: PurchaseRepository;
  payments: PaymentRepository;
  now: Now;
}) {
  return middy()
    .use(withLogContext())
    .handler(async () => {
      const overdue = await overduePayments(deps);
      countEvent(BUSINESS_METRICS.paymentsOverdue, overdue.length);
      if (overdue.length > 0) log.warn('tranches overdue', { overdue });
      return { overdue: overdue.length };
    });
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler({
  purchases: tableRepositories().purchases,
  payments: tableRepositories().payments,
  now: systemNow,
});
