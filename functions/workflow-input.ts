import * as z from 'zod/mini';
import { APPROVAL_LEVELS } from '../shared/domain/policy-settings.js';
import { TRANCHE_MILESTONES } from '../shared/domain/proposal.js';
import { UPLOAD_KINDS } from '../shared/domain/uploads.js';

/** Inputs the state machine passes to its Lambda tasks (see workflows/purchase-lifecycle.ts). */
export const PurchaseStepInput = z.object({
  purchaseId: z.string().check(z.regex(/^PUR-\d{4}-[A-Z0-9]{16}$/)),
});

/** A plan step: it also knows when its execution started, to hand over before AWS's one-year limit. */
export const PlanStepInput = z.object({
  purchaseId: PurchaseStepInput.shape.purchaseId,
  startedAt: z.optional(z.iso.datetime()),
});

/** The execution handing its purchase over to a fresh one, by name. */
export const HandOverInput = z.object({
  purchaseId: PurchaseStepInput.shape.purchaseId,
  execution: z.string().check(z.minLength(1), z.maxLength(80)),
});

export const RequestDecisionInput = z.object({
  purchaseId: PurchaseStepInput.shape.purchaseId,
  purpose: z.optional(
    z.enum(['APPROVAL', 'COUNTERSIGN', 'MIDTERM_REVIEW', 'LATE_REPORT', 'AMENDMENT_APPROVAL']),
  ),
  level: z.enum(APPROVAL_LEVELS),
  round: z.optional(z.int().check(z.positive())),
  maxRounds: z.optional(z.int().check(z.positive())),
  extension: z.optional(z.int().check(z.positive())),
  deadline: z.optional(z.iso.datetime()),
  amendmentId: z.optional(z.string().check(z.regex(/^A\d{1,4}$/))),
  lineAvailableFen: z.optional(z.nullable(z.int())),
  attempt: z.enum(['FIRST', 'REMINDER', 'ESCALATION']),
  taskToken: z.string().check(z.minLength(1), z.maxLength(1024)),
});

/** The end of an amendment's approval: decided by its levels, or lapsed after the escalation. */
export const ConcludeAmendmentInput = z.object({
  purchaseId: PurchaseStepInput.shape.purchaseId,
  lapsed: z.optional(z.boolean()),
});
export type ConcludeAmendmentInput = z.infer<typeof ConcludeAmendmentInput>;

/** The revision wait: the level that returned the proposal, the round, and the attempt's token. */
export const RequestRevisionInput = z.object({
  purchaseId: PurchaseStepInput.shape.purchaseId,
  level: z.enum(APPROVAL_LEVELS),
  round: z.int().check(z.positive()),
  attempt: z.enum(['FIRST', 'REMINDER', 'ESCALATION']),
  taskToken: z.string().check(z.minLength(1), z.maxLength(1024)),
});

export const RejectPurchaseInput = z.object({
  purchaseId: PurchaseStepInput.shape.purchaseId,
  error: z.optional(z.string()),
  cause: z.optional(z.string()),
});
export type RejectPurchaseInput = z.infer<typeof RejectPurchaseInput>;

const attempt = z.enum(['FIRST', 'REMINDER', 'ESCALATION']);
const taskToken = z.string().check(z.minLength(1), z.maxLength(1024));

export const AwaitUploadInput = z.object({
  purchaseId: PurchaseStepInput.shape.purchaseId,
  kind: z.enum(UPLOAD_KINDS),
  since: z.iso.datetime(),
  attempt,
  taskToken,
  deadline: z.optional(z.iso.datetime()),
});

export const NotifyPaymentInput = z.object({
  purchaseId: PurchaseStepInput.shape.purchaseId,
  milestone: z.enum(TRANCHE_MILESTONES),
});
export type NotifyPaymentInput = z.infer<typeof NotifyPaymentInput>;

export const TerminatePurchaseInput = RejectPurchaseInput;

export const RequestEvaluationInput = z.object({
  purchaseId: PurchaseStepInput.shape.purchaseId,
  attempt,
  taskToken,
});

/** The closing step's wait for every tranche to be paid or waived. */
export const AwaitSettlementInput = z.object({
  purchaseId: PurchaseStepInput.shape.purchaseId,
  startedAt: z.optional(z.iso.datetime()),
  taskToken,
});
