import { chinaCalendarDate } from '../../domain/china-time.js';
import type { UploadWait } from '../../domain/deliverables.js';
import { isTerminal } from '../../domain/lifecycle.js';
import { officialCalendar } from '../../domain/official-calendar.js';
import type { PurchaseRecord } from '../../domain/purchase.js';
import { UPLOAD_KINDS, type UploadKind } from '../../domain/uploads.js';
import { signedContractWait } from '../../domain/waits.js';
import { waitDeadline } from '../../domain/working-days.js';
import type { NgoDueItem } from '../../presentation/pages/ngo-page.js';
import type { NgoPageDeps } from './ngo-upload-deps.js';

/** What the NGO may upload now: the kinds its stage calls for and those a workflow step waits for, with their due dates. */

/** Kinds the stage calls for by itself; a workflow step waiting for a kind opens it too. */
function kindsOfStage(purchase: PurchaseRecord): UploadKind[] {
  const planned = new Set(purchase.proposal.deliverables.map((d) => d.kind));
  switch (purchase.stage) {
    case 'CONTRACTING':
      return ['SIGNED_CONTRACT'];
    case 'MIDTERM_REVIEW':
      return (['MIDTERM_REPORT', 'FINAL_REPORT', 'EVIDENCE'] as const).filter((k) => planned.has(k));
    case 'EVALUATION':
      return (['FINAL_REPORT', 'EVIDENCE'] as const).filter((k) => planned.has(k));
    default:
      return [];
  }
}

export interface UploadState {
  openKinds: UploadKind[];
  waits: Map<UploadKind, UploadWait>;
}

export async function uploadState(
  deps: Pick<NgoPageDeps, 'waits'>,
  purchase: PurchaseRecord,
): Promise<UploadState> {
  const waits = new Map<UploadKind, UploadWait>();
  if (isTerminal(purchase.stage)) return { openKinds: [], waits };
  const found = await Promise.all(UPLOAD_KINDS.map((k) => deps.waits.getWait(purchase.purchaseId, k)));
  for (const wait of found) if (wait?.status === 'WAITING') waits.set(wait.kind, wait);
  const byStage = new Set(kindsOfStage(purchase));
  return { openKinds: UPLOAD_KINDS.filter((k) => byStage.has(k) || waits.has(k)), waits };
}

export function dueItems(
  purchase: PurchaseRecord,
  state: UploadState,
  deps: Pick<NgoPageDeps, 'settings' | 'policy'>,
): NgoDueItem[] {
  const open = new Set(state.openKinds);
  const items: NgoDueItem[] = [];
  if (purchase.stage === 'CONTRACTING' || state.waits.has('SIGNED_CONTRACT')) {
    const wait = state.waits.get('SIGNED_CONTRACT');
    // Counted as the upload request mail counts it: in working days when the settings give them.
    const dueAt =
      wait &&
      waitDeadline(Date.parse(wait.since), signedContractWait(deps.settings), officialCalendar(deps.policy))
        .at;
    items.push({
      kind: 'SIGNED_CONTRACT',
      dueDate: dueAt ? chinaCalendarDate(new Date(dueAt).toISOString()) : undefined,
      open: open.has('SIGNED_CONTRACT'),
    });
  }
  for (const plan of purchase.proposal.deliverables) {
    // A rectification round moves the mid-term report's due date.
    const dueDate =
      plan.kind === 'MIDTERM_REPORT' ? (purchase.midterm?.dueDate ?? plan.dueDate) : plan.dueDate;
    items.push({ kind: plan.kind, dueDate, description: plan.description, open: open.has(plan.kind) });
  }
  return items;
}
