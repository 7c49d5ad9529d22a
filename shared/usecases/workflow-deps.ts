import type { PolicySettings } from '../domain/policy-settings.js';
import type { Now } from '../ports/clock.js';
import type { Mailer } from '../ports/mailer.js';
import type {
  BudgetRepository,
  PurchaseRepository,
  TaskRepository,
  TrackRecordRepository,
} from '../ports/repositories.js';

/**
 * What the steps of the proposal and approval stages work with (validate-proposal,
 * reserve-budget, plan-approval, request-decision, approval-outcome), one function per Task
 * state of the workflow. Each is safe to run twice with the same input: every write is named
 * by an eventId, so a Step Functions retry or a resumed execution changes nothing twice.
 */
export interface WorkflowDeps {
  purchases: PurchaseRepository;
  budgets: BudgetRepository;
  tasks: TaskRepository;
  settings: PolicySettings;
  now: Now;
  /** Tells the purchasing officer how the approval ended (steps that end it). */
  mailer?: Mailer;
  /** NGOs' evaluations: one that failed bars the NGO from new purchases for the following year. */
  trackRecords?: TrackRecordRepository;
}
