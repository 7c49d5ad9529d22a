import type { IFunction } from 'aws-cdk-lib/aws-lambda';

/** The functions the purchase lifecycle invokes, one per kind of Task state. */
export interface PurchaseLifecycleFunctions {
  readonly validateProposal: IFunction;
  readonly reserveBudget: IFunction;
  readonly planApproval: IFunction;
  readonly requestDecision: IFunction;
  /** The officer's revision of a proposal an approver returned. */
  readonly requestRevision: IFunction;
  readonly concludeApproval: IFunction;
  readonly rejectPurchase: IFunction;
  readonly issueContract: IFunction;
  readonly planContracting: IFunction;
  readonly awaitUpload: IFunction;
  readonly concludeContracting: IFunction;
  readonly notifyPayment: IFunction;
  readonly terminatePurchase: IFunction;
  readonly planMidterm: IFunction;
  readonly concludeMidterm: IFunction;
  readonly planEvaluation: IFunction;
  readonly recordMissingReport: IFunction;
  readonly requestEvaluation: IFunction;
  readonly concludeEvaluation: IFunction;
  readonly closePurchase: IFunction;
  /** The closing step's wait until every tranche is paid or waived. */
  readonly awaitSettlement: IFunction;
  /** Starts the purchase's next execution (at a stage boundary, or before this one nears its limit). */
  readonly handOverExecution: IFunction;
  /** The amendment's approval: the next level its value requires, then its conclusion (applied or not). */
  readonly planAmendment: IFunction;
  readonly concludeAmendment: IFunction;
  /** Records an unexpected error on the purchase before the execution ends FAILED. */
  readonly recordWorkflowFailure: IFunction;
}
