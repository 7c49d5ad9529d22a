import type { BilingualText } from '../../domain/bilingual.js';
import { chinaCalendarDate } from '../../domain/china-time.js';
import { CONTRACT_CONTENT_TYPE, contractFileName } from '../../domain/contract.js';
import { uploadableFileTypes } from '../../domain/file-types.js';
import { isTerminal } from '../../domain/lifecycle.js';
import type { LifecycleSettings } from '../../domain/lifecycle-settings.js';
import { ngoNotices } from '../../domain/ngo-notices.js';
import type { PurchaseRecord } from '../../domain/purchase.js';
import { uploadDay, usedUpNotice } from '../../domain/upload-limits.js';
import type { UploadKind } from '../../domain/uploads.js';
import { signNgoLink } from '../../links/ngo-link.js';
import type { LinkKeyring } from '../../ports/link-key.js';
import type { UploadCount } from '../../ports/repositories.js';
import { summarizeProposal } from '../../presentation/labels.js';
import type { HtmlPage } from '../../presentation/pages/layout.js';
import { ngoLinkExpiredPage } from '../../presentation/pages/ngo-link-pages.js';
import { type NgoHtmlPage, type NgoPurchaseRow, ngoPage } from '../../presentation/pages/ngo-page.js';
import { forbiddenPage, notFoundPage } from '../../presentation/pages/status-pages.js';
import { CONTRACT_LINK_SECONDS, type NgoPageDeps } from './ngo-upload-deps.js';
import { dueItems, uploadState } from './open-for-upload.js';
import { type LinkInput, newNonce, openLink } from './open-ngo-link.js';

/** The NGO's page, reached from an e-mailed link signed for one purchase. */
const STATUS_PAGES = { 403: forbiddenPage, 404: notFoundPage } as const;

/** GET/HEAD /ngo/{purchaseId}?exp&sig: the page; never a change. */
export async function showNgoPage(deps: NgoPageDeps, input: LinkInput): Promise<NgoHtmlPage | HtmlPage> {
  const opened = await openLink(deps, input);
  // An expired link of ours offers to mail a fresh one (to the registered contact, never shown here).
  if (!opened.ok && opened.status === 410) return ngoLinkExpiredPage(freshLinkAction(input));
  if (!opened.ok) return STATUS_PAGES[opened.status]();
  const { purchase, expiresAt } = opened;
  const [state, deliverables, payments, counts, storageOrigin, contractUrl, purchases] = await Promise.all([
    uploadState(deps, purchase),
    deps.deliverables.listDeliverables(purchase.purchaseId),
    deps.payments.listPayments(purchase.purchaseId),
    isTerminal(purchase.stage)
      ? Promise.resolve([])
      : deps.uploadCounts.uploadCounts(purchase.purchaseId, uploadDay(deps.now())),
    deps.signer.storageOrigin(),
    purchase.contract?.key
      ? deps.objects.presignGet(purchase.contract.key, CONTRACT_LINK_SECONDS, {
          fileName: contractFileName(purchase.purchaseId),
          contentType: CONTRACT_CONTENT_TYPE,
        })
      : Promise.resolve(undefined),
    purchasesOfTheContact(deps, purchase, expiresAt),
  ]);
  return ngoPage({
    summary: summarizeProposal(purchase.purchaseId, purchase.proposal),
    stage: purchase.stage,
    closed: isTerminal(purchase.stage),
    due: dueItems(purchase, state, deps),
    received: deliverables.map((d) => ({
      kind: d.kind,
      fileName: d.fileName,
      size: d.size,
      uploadedAt: d.uploadedAt,
      status: d.status,
      reasons: d.reasons,
    })),
    notices: ngoNotices(purchase, payments),
    purchases,
    contractUrl,
    openKinds: state.openKinds,
    limitNotices: usedUpNotices(counts, state.openKinds, deps.settings.uploads.limits),
    fileTypes: uploadableFileTypes(deps.settings.uploads),
    maxBytes: deps.settings.uploads.maxBytes,
    linkExpiresAt: expiresAt,
    storageOrigin,
    nonce: (deps.newNonce ?? newNonce)(),
  });
}

/** How many budget years back the page looks for the NGO's purchases: a term is at most three years. */
const YEARS_BACK = 3;
/** Enough for any one NGO at the bureau (about 119 NGOs share a few hundred purchases a year). */
const PURCHASES_LISTED = 50;

/**
 * Every purchase of the NGO registered with the same contact, newest first, each with its own
 * page link (relative, signed to the same expiry as the link that opened this page): one link
 * opens all of them. Another contact's purchases are not shown, though the NGO is the same.
 */
async function purchasesOfTheContact(
  deps: NgoPageDeps,
  current: PurchaseRecord,
  expiresAt: string,
): Promise<NgoPurchaseRow[]> {
  const thisYear = Number(chinaCalendarDate(deps.now()).slice(0, 4));
  const years = Array.from({ length: YEARS_BACK + 2 }, (_, i) => thisYear + 1 - i);
  const pages = await Promise.all(
    years.map((budgetYear) =>
      deps.purchases.listPurchases({
        filter: { budgetYear, ngoCreditCode: current.proposal.ngo.creditCode },
        sort: 'newest',
        limit: PURCHASES_LISTED,
      }),
    ),
  );
  const ids = pages.flatMap((p) => p.items.map((i) => i.purchaseId)).slice(0, PURCHASES_LISTED);
  const records = await Promise.all(
    ids.map((id) => (id === current.purchaseId ? current : deps.purchases.getPurchase(id))),
  );
  const keys = await deps.linkKey();
  return records
    .filter((r): r is PurchaseRecord => r?.proposal.ngo.contactEmail === current.proposal.ngo.contactEmail)
    .map((r) => ({
      purchaseId: r.purchaseId,
      title: r.proposal.title,
      stage: r.stage,
      term: r.proposal.term,
      current: r.purchaseId === current.purchaseId,
      link: relativeNgoLink(r.purchaseId, expiresAt, keys),
    }));
}

/** A page link relative to this page (`<purchaseId>?exp&sig`), so it needs no base URL. */
function relativeNgoLink(purchaseId: string, expiresAt: string, keys: LinkKeyring): string {
  const signed = new URL(signNgoLink('https://ngo.invalid', purchaseId, expiresAt, keys));
  return `${encodeURIComponent(purchaseId)}${signed.search}`;
}

/** The expired link's own fresh-link route, relative to the page (the same purchase, expiry and signature). */
function freshLinkAction(input: LinkInput): string {
  const query = new URLSearchParams({ exp: input.exp ?? '', sig: input.sig ?? '' });
  return `${encodeURIComponent(input.purchaseId)}/fresh-link?${query}`;
}

/** Why an open kind takes nothing more today: its grants or its files of the day are used up. */
function usedUpNotices(
  counts: readonly UploadCount[],
  openKinds: readonly UploadKind[],
  limits: LifecycleSettings['uploads']['limits'],
): BilingualText[] {
  return counts
    .filter((c) => openKinds.includes(c.kind))
    .map((c) => ({
      ...c,
      limit: c.measure === 'GRANT' ? limits.grantsPerKindPerDay : limits.objectsPerKindPerDay,
    }))
    .filter((c) => c.count >= c.limit)
    .sort(
      (a, b) => openKinds.indexOf(a.kind) - openKinds.indexOf(b.kind) || a.measure.localeCompare(b.measure),
    )
    .map((c) => usedUpNotice(c.kind, c.measure, c.limit));
}
