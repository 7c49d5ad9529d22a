import * as z from 'zod/mini';
import { isValidCreditCode } from './credit-code.js';
import { AGENCY_ID } from './uploads.js';

/**
 * Settings of the stages after approval: uploads, contracting, payments, mid-term review,
 * third-party evaluation and the NGO's upload links. Knobs with a sensible default may be
 * left out of a settings file; what only a deployer can know (the bureau's name, finance
 * subscribers, the roster of evaluation agencies) must be given.
 */

/** 25 MiB: a scanned signed contract or a report with photos fits; a video does not. */
export const DEFAULT_MAX_UPLOAD_BYTES = 26_214_400;
/** Payment is due within 30 days of acceptance (DESIGN section 2). */
export const DEFAULT_PAYMENT_DUE_DAYS = 30;

export const EVALUATION_CRITERIA = ['PROFESSIONAL_SERVICE', 'OUTCOMES', 'MANAGEMENT'] as const;
export type EvaluationCriterion = (typeof EVALUATION_CRITERIA)[number];

const email = z.email();
const name = z.string().check(z.trim(), z.minLength(1), z.maxLength(120));
/**
 * How long a person has before a reminder (and as long again before escalation), in seconds: what
 * a wait takes when its working days are not given (tests, the fast demo).
 */
const timeoutSeconds = z.int().check(z.gte(60), z.lte(30 * 24 * 3600));
/** The same wait in working days on the official calendar (working-days.ts); when given, it is what counts. */
const timeoutWorkingDays = z.optional(z.int().check(z.positive(), z.lte(60)));

/**
 * Per purchase, upload kind and China calendar day (upload-limits.ts). 30 grants and 20 files a
 * kind a day: a report with its annexes, or a day's evidence photos, fit with room for retries;
 * a leaked link fills at most 20 files of 25 MB per kind a day.
 */
export const DEFAULT_UPLOAD_LIMITS = { grantsPerKindPerDay: 30, objectsPerKindPerDay: 20 } as const;

export const UploadLimitsSchema = z.strictObject({
  /** Presigned POSTs handed out; a grant the browser never used counts too. */
  grantsPerKindPerDay: z._default(
    z.int().check(z.positive(), z.lte(1000)),
    DEFAULT_UPLOAD_LIMITS.grantsPerKindPerDay,
  ),
  /** Objects that land (each S3 version); one past the limit is kept, quarantined and refused. */
  objectsPerKindPerDay: z._default(
    z.int().check(z.positive(), z.lte(1000)),
    DEFAULT_UPLOAD_LIMITS.objectsPerKindPerDay,
  ),
});

export const UploadSettingsSchema = z.strictObject({
  maxBytes: z._default(z.int().check(z.positive(), z.lte(5 * 1024 ** 3)), DEFAULT_MAX_UPLOAD_BYTES),
  /** A presigned POST is handed out when the NGO opens its page; it need not live long. */
  policyExpirySeconds: z._default(z.int().check(z.gte(60), z.lte(900)), 900),
  /**
   * Whether documents with VBA macros (.docm, .xlsm, .pptm, or Office 97-2003 files with a macro
   * project) are kept. Off by default: a macro is a program, and reviewers open these files.
   */
  allowMacroDocuments: z._default(z.boolean(), false),
  limits: z.prefault(UploadLimitsSchema, {}),
});

export const ContractSettingsSchema = z.strictObject({
  /** The purchasing party (甲方) as printed on the contract. */
  bureauName: name,
  bureauNameEn: name,
  /** How long the NGO has to upload the signed contract, and the officer to countersign. */
  signTimeoutSeconds: timeoutSeconds,
  signTimeoutWorkingDays: timeoutWorkingDays,
});

export const PaymentSettingsSchema = z
  .strictObject({
    /** Calendar days after acceptance; a due date that falls on a rest day moves to the next working day. */
    dueDays: z._default(z.int().check(z.positive(), z.lte(365)), DEFAULT_PAYMENT_DUE_DAYS),
    /** When given, payment is due this many working days after acceptance instead. */
    dueWorkingDays: z.optional(z.int().check(z.positive(), z.lte(250))),
    /**
     * How often the closing step, waiting for the last tranches to be paid or waived, looks again by
     * itself (the last settlement resumes it at once; this mends a resumption that was lost).
     */
    settlementRecheckDays: z._default(z.int().check(z.positive(), z.lte(30)), 7),
    /** Working days after a tranche's due date that finance is reminded of it, still unconfirmed. */
    reminderWorkingDays: z._default(z.int().check(z.positive(), z.lte(60)), 5),
    /** Working days after the due date that it is escalated to the finance section head and the director. */
    escalationWorkingDays: z._default(z.int().check(z.positive(), z.lte(120)), 15),
    /** E-mail addresses subscribed to the finance notification topic at deploy time. */
    financeSubscribers: z.array(email).check(z.minLength(1), z.maxLength(20)),
  })
  .check(
    z.superRefine((payments, ctx) => {
      if (payments.escalationWorkingDays > payments.reminderWorkingDays) return;
      ctx.addIssue({
        code: 'custom',
        message: `an unconfirmed tranche is escalated after finance is reminded of it: escalationWorkingDays (${payments.escalationWorkingDays}) must be more than reminderWorkingDays (${payments.reminderWorkingDays})`,
      });
    }),
  );

export const MidtermSettingsSchema = z.strictObject({
  /** Days before the mid-term report's due date the NGO is reminded. */
  reminderDaysBefore: z._default(z.int().check(z.nonnegative(), z.lte(60)), 7),
  /** Days after the due date before a missing report is escalated to the officer. */
  graceDays: z._default(z.int().check(z.nonnegative(), z.lte(90)), 14),
  /** The same grace in working days on the official calendar; when given, it is what counts. */
  graceWorkingDays: timeoutWorkingDays,
  /** Rectify-and-resubmit rounds before the officer must pass or terminate. */
  maxRectificationRounds: z._default(z.int().check(z.nonnegative(), z.lte(5)), 2),
  /** How long the section chief has for a mid-term decision, or one on a late report. */
  reviewTimeoutSeconds: timeoutSeconds,
  reviewTimeoutWorkingDays: timeoutWorkingDays,
});

export const RubricLineSchema = z.strictObject({
  criterion: z.enum(EVALUATION_CRITERIA),
  /** Percent of the total score; the weights of a rubric sum to 100. */
  weight: z.int().check(z.positive(), z.lte(100)),
});
export type RubricLine = z.infer<typeof RubricLineSchema>;

export const DEFAULT_RUBRIC: readonly RubricLine[] = [
  { criterion: 'PROFESSIONAL_SERVICE', weight: 40 },
  { criterion: 'OUTCOMES', weight: 40 },
  { criterion: 'MANAGEMENT', weight: 20 },
];

/** A score threshold in points, 0-100, with at most one decimal (totals are kept in tenths). */
const bandThreshold = z.number().check(
  z.gte(0),
  z.lte(100),
  z.refine((v) => Math.abs(v * 10 - Math.round(v * 10)) < 1e-9, 'a band threshold has at most one decimal'),
);

export const GradeBandsSchema = z.strictObject({
  /** Lowest total that is excellent (优秀). */
  excellent: bandThreshold,
  /** Lowest total that is good (良好). */
  good: bandThreshold,
  /** Lowest total that passes (合格); anything below fails (不合格). */
  pass: bandThreshold,
});
export type GradeBands = z.infer<typeof GradeBandsSchema>;

export const DEFAULT_GRADE_BANDS: GradeBands = { excellent: 90, good: 80, pass: 60 };

/** The grades of a third-party evaluation, best first (domain/evaluation.ts grades a total). */
export const GRADES = ['EXCELLENT', 'GOOD', 'PASS', 'FAIL'] as const;
export type Grade = (typeof GRADES)[number];

/** The percent of the planned final tranche each grade pays (finalTrancheAward in evaluation.ts). */
export type FinalTrancheShares = Readonly<Record<Grade, number>>;

/**
 * What the bureau paid before shares were configurable: a fail withholds, any passing grade pays
 * in full. A deployment reduces by setting its own shares (the sample settings pay 80% on PASS).
 */
export const DEFAULT_FINAL_TRANCHE_SHARES: FinalTrancheShares = {
  EXCELLENT: 100,
  GOOD: 100,
  PASS: 100,
  FAIL: 0,
};

const sharePercent = z.int().check(z.gte(0), z.lte(100));

/**
 * The percent of the planned final tranche each grade pays: 100 pays in full, 0 withholds, any
 * other share reduces it (finalTrancheAward). A better grade never pays less than a worse one.
 */
export const FinalTrancheSharesSchema = z
  .strictObject({ EXCELLENT: sharePercent, GOOD: sharePercent, PASS: sharePercent, FAIL: sharePercent })
  .check(
    z.superRefine((shares, ctx) => {
      for (let i = 1; i < GRADES.length; i++) {
        const better = GRADES[i - 1] as (typeof GRADES)[number];
        const worse = GRADES[i] as (typeof GRADES)[number];
        if (shares[better] < shares[worse])
          ctx.addIssue({
            code: 'custom',
            message: `${better} pays ${shares[better]}% of the final tranche, less than ${worse} (${shares[worse]}%): a better grade never pays less`,
          });
      }
    }),
  );

export const EvaluationAgencySchema = z.strictObject({
  id: z.string().check(z.regex(AGENCY_ID, 'an agency id is 2-40 of a-z, 0-9 and -')),
  name,
  email,
  /** NGOs the agency has ties with (advised, audited, shares staff with): never assigned to them. */
  linkedNgoCreditCodes: z.array(
    z
      .string()
      .check(
        z.refine(
          isValidCreditCode,
          'not a valid 18-character unified social credit code with its check digit',
        ),
      ),
  ),
  /** True when the agency answers to the bureau (a unit under it, or it advised the bureau): never assigned. */
  linkedToBureau: z.boolean(),
  /** True when the entry is illustrative sample data, not a real agency of this deployment. */
  sample: z.boolean(),
});
export type EvaluationAgency = z.infer<typeof EvaluationAgencySchema>;

export const EvaluationSettingsSchema = z.strictObject({
  rubric: z._default(
    z.array(RubricLineSchema).check(
      z.superRefine((rubric, ctx) => {
        const seen = new Set<string>();
        for (const line of rubric) {
          if (seen.has(line.criterion))
            ctx.addIssue({ code: 'custom', message: `${line.criterion} is listed twice` });
          seen.add(line.criterion);
        }
        for (const criterion of EVALUATION_CRITERIA) {
          if (!seen.has(criterion))
            ctx.addIssue({ code: 'custom', message: `the rubric lacks ${criterion}` });
        }
        const sum = rubric.reduce((total, line) => total + line.weight, 0);
        if (sum !== 100) {
          ctx.addIssue({
            code: 'custom',
            message: `the rubric weights sum to ${sum}, not 100 (${rubric.map((l) => `${l.criterion} ${l.weight}`).join(', ')})`,
          });
        }
      }),
    ),
    () => DEFAULT_RUBRIC.map((line) => ({ ...line })),
  ),
  bands: z._default(
    GradeBandsSchema.check(
      z.superRefine((b, ctx) => {
        if (b.excellent > b.good && b.good > b.pass) return;
        ctx.addIssue({
          code: 'custom',
          message: `grade bands must be strictly decreasing (excellent > good > pass), got excellent ${b.excellent}, good ${b.good}, pass ${b.pass}`,
        });
      }),
    ),
    () => ({ ...DEFAULT_GRADE_BANDS }),
  ),
  agencies: z.array(EvaluationAgencySchema).check(
    z.minLength(1),
    z.superRefine((agencies, ctx) => {
      const seen = new Set<string>();
      for (const agency of agencies) {
        if (seen.has(agency.id))
          ctx.addIssue({ code: 'custom', message: `agency id ${agency.id} is used twice` });
        seen.add(agency.id);
      }
    }),
  ),
  /** How long an agency has to declare independence, and later to submit its scores. */
  timeoutSeconds,
  timeoutWorkingDays,
  finalTrancheShare: z._default(FinalTrancheSharesSchema, () => ({ ...DEFAULT_FINAL_TRANCHE_SHARES })),
});

export const NgoLinkSettingsSchema = z.strictObject({
  /** Days an NGO's e-mailed page link stays usable. */
  validityDays: z._default(z.int().check(z.positive(), z.lte(90)), 30),
});

export const LifecycleSettingsSchema = z.strictObject({
  uploads: z.prefault(UploadSettingsSchema, {}),
  contract: ContractSettingsSchema,
  payments: PaymentSettingsSchema,
  midterm: MidtermSettingsSchema,
  evaluation: EvaluationSettingsSchema,
  ngoLinks: z.prefault(NgoLinkSettingsSchema, {}),
});
export type LifecycleSettings = z.infer<typeof LifecycleSettingsSchema>;
