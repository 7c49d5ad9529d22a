import type { GradeBands, RubricLine } from '../../domain/lifecycle-settings.js';
import type { TaskPurpose } from '../../domain/tasks.js';
import type { Now } from '../../ports/clock.js';
import type { LinkKeyProvider } from '../../ports/link-key.js';
import type { Mailer } from '../../ports/mailer.js';
import type { PaymentRepository, PurchaseRepository, TaskRepository } from '../../ports/repositories.js';
import type { UploadSigner } from '../../ports/storage.js';
import type { TaskCallbacks } from '../../ports/workflow.js';
import type { ReviewedDocuments } from './task-documents.js';

/**
 * The e-mailed task link. GET and HEAD only ever render; the decision is a POST that
 * carries the page's nonce. The signature is checked before anything is read, so a forged
 * link learns nothing about which task ids exist.
 */
export interface TaskLinkDeps {
  tasks: TaskRepository;
  purchases: PurchaseRepository;
  payments: PaymentRepository;
  callbacks: TaskCallbacks;
  /** Tells the NGO what finance confirmed it was paid (the payment confirmation links). */
  mailer: Mailer;
  /** The task-link keys. */
  linkKey: LinkKeyProvider;
  now: Now;
  /**
   * The files a review task is about (REVIEWED_UPLOAD_KINDS, see reviewedUploads), with their
   * short-lived links where the bucket is granted. The page shows them and a decision is recorded
   * only when they are still the ones the page showed. Never asked for links for an evaluation
   * whose agency has not declared independence.
   */
  reviewedDocuments: ReviewedDocuments;
  /**
   * Where the evaluation page can offer the agency's report upload (a presigned POST asked for by
   * the page's script): the bucket's origin, the largest file, and the script's nonce per response.
   * Without it the page shows the report but no upload form.
   */
  reportUploads?: {
    signer: Pick<UploadSigner, 'storageOrigin'>;
    maxBytes: number;
    newNonce?: () => string;
  };
  /**
   * The evaluation rubric the agency scores on.
   * @default DEFAULT_RUBRIC
   */
  rubric?: readonly RubricLine[];
  /**
   * The grade bands a submitted total is graded by.
   * @default DEFAULT_GRADE_BANDS
   */
  bands?: GradeBands;
  log?: (message: string, detail?: Record<string, unknown>) => void;
  /** Told once per decision, when it is first recorded (for the business metrics). */
  onDecided?: (purpose: TaskPurpose) => void;
}
