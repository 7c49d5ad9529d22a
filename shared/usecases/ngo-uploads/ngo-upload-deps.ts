import type { LifecycleSettings } from '../../domain/lifecycle-settings.js';
import type { Now } from '../../ports/clock.js';
import type { LinkKeyProvider } from '../../ports/link-key.js';
import type { DeliverableRepository, PurchaseRepository, WaitRepository } from '../../ports/repositories.js';
import type { ObjectStore, UploadSigner } from '../../ports/storage.js';
import type { TaskCallbacks } from '../../ports/workflow.js';

/**
 * The NGO's side of the lifecycle: its page (reached from an e-mailed link signed for one
 * purchase), the presigned POST for one file, and recording what then lands in the bucket.
 * Files never pass through Lambda; the bytes are judged after they arrive, and only an
 * accepted file resumes the workflow step that waits for it.
 */

export type Log = (message: string, detail?: Record<string, unknown>) => void;

export interface NgoPageDeps {
  purchases: Pick<PurchaseRepository, 'getPurchase'>;
  deliverables: Pick<DeliverableRepository, 'listDeliverables'>;
  waits: Pick<WaitRepository, 'getWait'>;
  signer: UploadSigner;
  objects: Pick<ObjectStore, 'presignGet'>;
  /** The NGO-link keys (never the task-link ones). */
  linkKey: LinkKeyProvider;
  settings: Pick<LifecycleSettings, 'uploads' | 'contract'>;
  now: Now;
  /** 16 random bytes in base64url; injectable so tests can name uploads. */
  newUploadId?: () => string;
  /** Per-response CSP nonce. */
  newNonce?: () => string;
}

export interface RecordUploadDeps {
  /** The documents bucket; events about any other bucket are ignored. */
  bucket: string;
  purchases: Pick<PurchaseRepository, 'getPurchase' | 'change'>;
  deliverables: DeliverableRepository;
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
