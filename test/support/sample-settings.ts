import {
  DEFAULT_GRADE_BANDS,
  DEFAULT_MAX_UPLOAD_BYTES,
  DEFAULT_PAYMENT_DUE_DAYS,
  DEFAULT_RUBRIC,
  type LifecycleSettings,
} from '../../shared/domain/lifecycle-settings.js';

/** Sample values for the local runtime, the demo and tests; the agencies are marked `sample`. */
export const DEFAULT_LIFECYCLE_SETTINGS: LifecycleSettings = {
  uploads: { maxBytes: DEFAULT_MAX_UPLOAD_BYTES, policyExpirySeconds: 900 },
  contract: {
    bureauName: '厦门市民政局',
    bureauNameEn: 'Xiamen Municipal Civil Affairs Bureau',
    signTimeoutSeconds: 7 * 24 * 3600,
  },
  payments: {
    dueDays: DEFAULT_PAYMENT_DUE_DAYS,
    financeSubscribers: ['finance-section@civil-affairs.example.gov.cn'],
  },
  midterm: {
    reminderDaysBefore: 7,
    graceDays: 14,
    maxRectificationRounds: 2,
    reviewTimeoutSeconds: 5 * 24 * 3600,
  },
  evaluation: {
    rubric: DEFAULT_RUBRIC.map((line) => ({ ...line })),
    bands: { ...DEFAULT_GRADE_BANDS },
    agencies: [
      {
        id: 'ludao-eval',
        name: '厦门市鹭岛社会组织评估中心（示例）',
        email: 'assess@ludao-eval.example.org',
        // Advised the sample elderly-care NGO (乐龄, 思明区) on its case records: not independent of it.
        linkedNgoCreditCodes: ['52350203MJ0427315L'],
        linkedToBureau: false,
        sample: true,
      },
      {
        id: 'mingjian-eval',
        name: '福建明鉴公共服务绩效评价事务所（示例）',
        email: 'projects@mingjian-eval.example.org',
        linkedNgoCreditCodes: [],
        linkedToBureau: false,
        sample: true,
      },
      {
        id: 'jiahe-eval',
        name: '厦门嘉禾社会工作发展研究院（示例）',
        email: 'evaluation@jiahe-research.example.org',
        linkedNgoCreditCodes: [],
        linkedToBureau: false,
        sample: true,
      },
    ],
    timeoutSeconds: 10 * 24 * 3600,
  },
  ngoLinks: { validityDays: 30 },
};
