import type { BilingualText } from '../../../shared/domain/bilingual.js';
import type {
  ApproverRoster,
  ReferenceData,
  ReferenceSection,
} from '../../../shared/domain/reference-data.js';
import { APPROVAL_LEVEL_LABELS } from '../../../shared/presentation/labels.js';

/** One section as the API shows it: its value, its version and who changed it last, when. */
export interface SectionView<Value> {
  readonly value: Value;
  readonly version: number;
  readonly updatedAt: string;
  /** An administrator's e-mail, or `settings` for what the deployment's settings seeded. */
  readonly updatedBy: string;
}

export interface BudgetLinesView extends SectionView<ReferenceData['budgetLines']> {
  /** What is left unreserved on each line drawn on; a line not listed has all of its total left. */
  readonly availableFen: Readonly<Record<string, number>>;
}

/**
 * One entry of the reference data's audit trail: an administrator's change of one section, or the
 * deploy's seeding of the sections the table lacked (each as version 1).
 */
export type ReferenceChange = {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
} & (
  | {
      readonly action: 'reference.changed';
      readonly detail: {
        readonly section: ReferenceSection;
        readonly version: number;
        readonly summary: string;
      };
    }
  | {
      readonly action: 'reference.seeded';
      readonly detail: { readonly sections: readonly ReferenceSection[] };
    }
);

/** What the page reads of GET /reference-data. */
export interface ReferenceDataView {
  readonly sections: {
    readonly budgetLines: BudgetLinesView;
    readonly salaryBenchmarks: SectionView<ReferenceData['salaryBenchmarks']>;
    readonly approvers: SectionView<ReferenceData['approvers']>;
    readonly agencies: SectionView<ReferenceData['agencies']>;
  };
  /** Newest first, at most 50. */
  readonly changes: readonly ReferenceChange[];
  readonly chain:
    | { readonly valid: true; readonly entries: number }
    | { readonly valid: false; readonly reason: string };
}

/** What PUT /reference-data/{section} answers. */
export interface SavedSection<Value> {
  readonly section: SectionView<Value>;
}

export const REFERENCE_SECTION_LABELS: Readonly<Record<ReferenceSection, BilingualText>> = {
  budgetLines: { zh: '预算指标', en: 'Budget lines' },
  salaryBenchmarks: { zh: '工资基准', en: 'Salary benchmarks' },
  approvers: { zh: '审批人', en: 'Approvers' },
  agencies: { zh: '第三方评估机构', en: 'Evaluation agencies' },
};

export type ApproverRole = keyof ApproverRoster;

/** The approvers in the order a purchase meets them; the deputy takes a task an approver let time out. */
export const APPROVER_ROLES: readonly ApproverRole[] = [
  'SECTION_CHIEF',
  'FINANCE_SECTION',
  'BUREAU_DIRECTOR',
  'DEPUTY',
  'ADMINISTRATOR',
];

export const APPROVER_ROLE_LABELS: Readonly<Record<ApproverRole, BilingualText>> = {
  ...APPROVAL_LEVEL_LABELS,
  DEPUTY: { zh: '代理审批人', en: 'Deputy' },
  ADMINISTRATOR: { zh: '系统管理员（无人可审批时）', en: 'Administrator (when no one else may decide)' },
};
