import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { AuditEntry } from '../../../shared/domain/audit.js';
import type { DeliverableRecord } from '../../../shared/domain/deliverables.js';
import type { PaymentNotice } from '../../../shared/domain/payment-records.js';
import type { Proposal } from '../../../shared/domain/proposal.js';
import type { Assignee, HumanTask } from '../../../shared/domain/tasks.js';
import type { Repositories } from '../../../shared/ports/repositories.js';

/**
 * What the contract suite runs against: the repositories, and a back door for the few cases
 * that must look at or change what is stored behind the ports (someone with write access to
 * the table editing an audit entry; the reservation items no port lists).
 */
export interface RepositoryHarness {
  repos: Repositories;
  backdoor: {
    /** Overwrites fields of a stored audit entry without touching anything else. */
    editAuditEntry(purchaseId: string, seq: number, change: Partial<AuditEntry>): Promise<void>;
    /** Stores an audit entry under its sequence number without moving the purchase's chain head. */
    insertAuditEntry(entry: AuditEntry): Promise<void>;
    /** The stored reservation of a purchase on a budget line. */
    reservation(
      lineId: string,
      purchaseId: string,
    ): Promise<{ status: 'RESERVED' | 'RELEASED'; amountFen: number; keptFen?: number } | undefined>;
  };
  /** Frees what the harness holds (an emulator process); called once after the suite. */
  stop?(): Promise<void>;
}

export const NOW = '2026-04-01T08:00:00.000Z';
export const LATER = '2026-04-02T08:00:00.000Z';
export const EXPIRES = '2026-04-30T08:00:00.000Z';

export const chief: Assignee = { name: 'Chen Li', email: 'chen.li@bureau.example', role: 'SECTION_CHIEF' };
export const deputy: Assignee = { name: 'Wu Fang', email: 'wu.fang@bureau.example', role: 'DEPUTY' };
export const clerk: Assignee = { name: 'Lin Hua', email: 'lin.hua@bureau.example', role: 'FINANCE_CLERK' };
export const evaluator: Assignee = {
  name: 'Huang Min',
  email: 'huang.min@agency.example',
  role: 'EVALUATOR',
};

export const proposal: Proposal = {
  title: 'Home care visits for elderly residents living alone',
  serviceArea: 'ELDERLY_CARE',
  serviceItem: 'ELDER-HOME-CARE',
  district: 'Siming',
  purchasingUnit: 'Xiamen Civil Affairs Bureau',
  ngo: {
    name: 'Lujiang Social Work Centre',
    creditCode: '52350200MJ0000000X',
    contactEmail: 'ngo@example.org',
  },
  term: { start: '2026-01-01', end: '2026-12-31' },
  procurementMethod: 'COMPETITIVE_CONSULTATION',
  totalFen: 50_000_000,
  budgetLines: [{ item: 'Staff', amountFen: 50_000_000 }],
  staffPlan: [
    { role: 'Social worker', headcount: 4, monthlySalaryFen: 900_000, monthlySocialWelfareFen: 250_000 },
  ],
  trancheSchedule: [
    { milestone: 'CONTRACT_SIGNED', percent: 40 },
    { milestone: 'MIDTERM_PASSED', percent: 30 },
    { milestone: 'EVALUATION_PASSED', percent: 30 },
  ],
  deliverables: [{ kind: 'MIDTERM_REPORT', dueDate: '2026-06-30', description: 'Mid-term report' }],
  budgetLineRef: '2026-MZ-ELDER-01',
};

type OpenTaskInput = Parameters<Repositories['tasks']['openTask']>[0];

/**
 * The harness of the running suite (made in its beforeAll) and the steps most cases share.
 * Every case works on purchases, lines and NGOs of its own (random ids), so the cases share
 * one store, as the functions share one table.
 */
export class Subject {
  private harness: RepositoryHarness | undefined;

  use(harness: RepositoryHarness | undefined): void {
    this.harness = harness;
  }

  private get current(): RepositoryHarness {
    if (!this.harness) throw new Error('the repository harness is not made yet (beforeAll)');
    return this.harness;
  }

  get repos(): Repositories {
    return this.current.repos;
  }

  get backdoor(): RepositoryHarness['backdoor'] {
    return this.current.backdoor;
  }

  async newPurchase(createdBy = 'officer-1'): Promise<string> {
    const purchaseId = randomUUID();
    await this.repos.purchases.createPurchase({ purchaseId, proposal, createdBy, now: NOW });
    return purchaseId;
  }

  /** Opens a task of `stepKey`: an APPROVAL of the section chief unless the input says otherwise. */
  async openTask(
    purchaseId: string,
    input: Partial<OpenTaskInput> & { stepKey: string },
  ): Promise<HumanTask> {
    const { task } = await this.repos.tasks.openTask({
      purchaseId,
      attempt: 'FIRST',
      assignee: chief,
      expiresAt: EXPIRES,
      now: NOW,
      ...input,
    });
    return task;
  }

  openApproval(purchaseId: string, expiresAt = EXPIRES): Promise<HumanTask> {
    return this.openTask(purchaseId, {
      stepKey: 'APPROVAL:SECTION_CHIEF',
      level: 'SECTION_CHIEF',
      taskToken: 'token-1',
      expiresAt,
    });
  }

  async expectChainIntact(purchaseId: string): Promise<void> {
    expect(await this.repos.purchases.verifyAuditChain(purchaseId)).toMatchObject({ valid: true });
  }

  async actions(purchaseId: string): Promise<string[]> {
    return (await this.repos.purchases.listAudit(purchaseId)).map((e) => e.action);
  }
}

export function upload(purchaseId: string, overrides: Partial<DeliverableRecord> = {}): DeliverableRecord {
  const uploadId = overrides.uploadId ?? randomUUID();
  return {
    purchaseId,
    uploadId,
    kind: 'MIDTERM_REPORT',
    key: `uploads/${purchaseId}/MIDTERM_REPORT/${uploadId}/report.pdf`,
    // The S3 version the check read: a record keeps it, so every later read is pinned to it.
    versionId: 'L4kqtJlcpXroDTDmpUMLUo3Q2zXRiXLT',
    fileName: 'report.pdf',
    size: 48_213,
    sha256: 'a'.repeat(64),
    detectedType: 'PDF',
    declaredContentType: 'application/pdf',
    uploadedBy: `ngo:${proposal.ngo.creditCode}`,
    uploadedAt: NOW,
    eTag: '"etag-1"',
    status: 'ACCEPTED',
    reasons: [],
    ...overrides,
  };
}

const MILESTONES = ['CONTRACT_SIGNED', 'MIDTERM_PASSED', 'EVALUATION_PASSED'] as const;

export function notice(purchaseId: string, tranche: number): PaymentNotice {
  return {
    purchaseId,
    tranche,
    milestone: MILESTONES[tranche - 1] ?? 'CONTRACT_SIGNED',
    amountFen: 10_000_000,
    dueDate: '2026-05-01',
    notifiedAt: NOW,
    confirmTaskId: `task-${tranche}`,
  };
}

/** A string of about `bytes` bytes, to fill items past a page of the table (1 MB). */
export function padding(bytes: number): string {
  return 'x'.repeat(bytes);
}
