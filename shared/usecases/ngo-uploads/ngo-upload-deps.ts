import type { LifecycleSettings } from '../../domain/lifecycle-settings.js';
import type { PolicySettings } from '../../domain/policy-settings.js';
import type { Now } from '../../ports/clock.js';
import type { LinkKeyProvider } from '../../ports/link-key.js';
import type {
  DeliverableRepository,
  PaymentRepository,
  PurchaseRepository,
  UploadCountRepository,
  WaitRepository,
} from '../../ports/repositories.js';
import type { ObjectStore, UploadSigner } from '../../ports/storage.js';
import type { TaskCallbacks } from '../../ports/workflow.js';

/**
 * The NGO's side of the lifecycle: its page (reached from an e-mailed link signed for one
 * purchase), the presigned POST for one file, and recording what then lands in the bucket.
 * Files never pass through Lambda; the bytes are judged after they arrive, and only an
 * accepted file resumes the workflow step that waits for it.
 */

export type Log = (message: string, detail?: Record<string, unknown>) => void;

/** What opening the NGO's link needs. */
export interface NgoLinkDeps {
  purchases: Pick<PurchaseRepository, 'getPurchase'>;
  /** The NGO-link keys (never the task-link ones). */
  linkKey: LinkKeyProvider;
  now: Now;
}

/** The NGO's page: it reads, and writes nothing. */
export interface NgoPageDeps extends NgoLinkDeps {
  /** The NGO's other purchases, found by its credit code in the purchases list. */
  purchases: Pick<PurchaseRepository, 'getPurchase' | 'listPurchases'>;
  deliverables: Pick<DeliverableRepository, 'listDeliverables'>;
  /** The tranches, for the notices of what was notified and paid. */
  payments: Pick<PaymentRepository, 'listPayments'>;
  waits: Pick<WaitRepository, 'getWait'>;
  /** Today's counts, to say on the page which kind's uploads are used up. */
  uploadCounts: Pick<UploadCountRepository, 'uploadCounts'>;
  signer: Pick<UploadSigner, 'storageOrigin'>;
  objects: Pick<ObjectStore, 'presignGet'>;
  settings: Pick<LifecycleSettings, 'uploads' | 'contract'>;
  /** The official calendar the signed contract's due date is counted on. */
  policy: Pick<PolicySettings, 'officialCalendar'>;
  /** Per-response CSP nonce. */
  newNonce?: () => string;
}

/** The upload grant (a presigned POST for one file): it writes only the day's grant count. */
export interface UploadGrantDeps extends NgoLinkDeps {
  waits: Pick<WaitRepository, 'getWait'>;
  uploadCounts: Pick<UploadCountRepository, 'countUpload'>;
  signer: UploadSigner;
  settings: Pick<LifecycleSettings, 'uploads'>;
  /** 16 random bytes in base64url; injectable so tests can name uploads. */
  newUploadId?: () => string;
}

export interface RecordUploadDeps {
  /** The documents bucket; events about any other bucket are ignored. */
  bucket: string;
  purchases: Pick<PurchaseRepository, 'getPurchase' | 'change'>;
  deliverables: DeliverableRepository;
  /** Objects landed per kind and day, against the daily limit. */
  uploadCounts: Pick<UploadCountRepository, 'countUpload'>;
  waits: Pick<WaitRepository, 'getWait' | 'satisfyWait'>;
  callbacks: TaskCallbacks;
  objects: Pick<ObjectStore, 'readHead' | 'sha256' | 'quarantine'>;
  settings: Pick<LifecycleSettings, 'uploads'>;
  now: Now;
  log?: Log;
  /** Quarantines and lost callbacks; defaults to `log`. */
  warn?: Log;
}

/** How long the contract download link on the page works. */
export const CONTRACT_LINK_SECONDS = 15 * 60;
