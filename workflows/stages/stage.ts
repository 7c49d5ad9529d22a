import type { IChainable, State } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { PurchaseLifecycleFunctions } from '../lifecycle-functions.js';
import type { Endings } from './endings.js';

/** What every stage fragment is built from. */
export interface StageContext {
  /** The state machine's construct: every state is created in it, so state names are global. */
  readonly scope: Construct;
  readonly functions: PurchaseLifecycleFunctions;
  readonly endings: Endings;
}

/**
 * One stage of the purchase, as a piece of the state machine: where it starts, and how its
 * normal end (the purchase goes on to the next stage) is chained. Its other ends (rejection,
 * termination) go to the shared endings.
 */
export interface StageFragment {
  readonly entry: State;
  /** Chains the stage's normal end into `next`. */
  next(next: IChainable): void;
}
