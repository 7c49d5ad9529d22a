/**
 * The purchase lifecycle. A purchase is always at exactly one stage; the workflow moves
 * it forward only along ALLOWED_TRANSITIONS, and every move is a conditional write.
 */
export const STAGES = [
  'PROPOSAL',
  'APPROVAL',
  'CONTRACTING',
  'MIDTERM_REVIEW',
  'EVALUATION',
  'CLOSED',
  'REJECTED',
  'TERMINATED',
] as const;
export type Stage = (typeof STAGES)[number];

export const TERMINAL_STAGES: ReadonlySet<Stage> = new Set(['CLOSED', 'REJECTED', 'TERMINATED']);

export const ALLOWED_TRANSITIONS: Readonly<Record<Stage, readonly Stage[]>> = {
  PROPOSAL: ['APPROVAL', 'REJECTED'],
  APPROVAL: ['CONTRACTING', 'REJECTED'],
  CONTRACTING: ['MIDTERM_REVIEW', 'TERMINATED'],
  MIDTERM_REVIEW: ['EVALUATION', 'TERMINATED'],
  EVALUATION: ['CLOSED'],
  CLOSED: [],
  REJECTED: [],
  TERMINATED: [],
};

export class IllegalTransitionError extends Error {
  override name = 'IllegalTransitionError';
  constructor(
    readonly from: Stage,
    readonly to: Stage,
  ) {
    super(
      `a purchase at ${from} cannot move to ${to}; allowed: ${ALLOWED_TRANSITIONS[from].join(', ') || 'none (final stage)'}`,
    );
  }
}

/** The purchase is not at the stage the caller expected (someone else moved it first). */
export class StageConflictError extends Error {
  override name = 'StageConflictError';
  constructor(
    readonly purchaseId: string,
    readonly expected: Stage,
    readonly actual: Stage,
  ) {
    super(`purchase ${purchaseId} is at ${actual}, not at ${expected}`);
  }
}

export function canTransition(from: Stage, to: Stage): boolean {
  return ALLOWED_TRANSITIONS[from].includes(to);
}

export function assertTransition(from: Stage, to: Stage): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
}

export function isTerminal(stage: Stage): boolean {
  return TERMINAL_STAGES.has(stage);
}

/** Where a workflow execution may (re)start: every non-final stage is a boundary. */
export type ResumePoint = Exclude<Stage, 'CLOSED' | 'REJECTED' | 'TERMINATED'>;
