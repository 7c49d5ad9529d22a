import { formatChinaTime } from '../../../shared/domain/china-time.js';
import type { TokenSource } from '../api.js';
import { Bilingual } from '../bilingual.js';
import { useEarlierPages } from './earlier-pages.js';
import { EarlierPagesControl } from './earlier-pages-control.js';
import { type AuditEntryView, actorOf } from './timeline-actor.js';

export type { AuditEntryView } from './timeline-actor.js';

/**
 * The purchase's audit trail, oldest first: the view brings its newest entries, "Show earlier
 * entries" the pages before them. The chain's verification is of the whole trail, made by the
 * server on every read, whatever is shown.
 */
export function TimelineSection({
  token,
  purchaseId,
  audit,
  auditNext,
  auditChain,
}: {
  token: TokenSource;
  purchaseId: string;
  audit: readonly AuditEntryView[];
  auditNext: string | undefined;
  auditChain: { readonly valid: boolean; readonly entries?: number; readonly reason?: string };
}) {
  const earlier = useEarlierPages<AuditEntryView>(token, purchaseId, 'audit', auditNext);
  const entries = [...earlier.items, ...audit];
  const total = auditChain.entries ?? entries.length;
  return (
    <>
      <h2>
        <Bilingual zh="过程记录" en="Timeline" />
      </h2>
      <p class={auditChain.valid ? 'verified' : 'error'}>
        {auditChain.valid
          ? `记录链校验通过（${total} 条）· The chain of ${total} entries verifies`
          : `记录链校验失败 · The chain does not verify: ${auditChain.reason ?? ''}`}
      </p>
      <EarlierPagesControl
        earlier={earlier}
        showing={`显示最近 ${entries.length} 条 · Showing the latest ${entries.length}`}
        button="显示更早的记录 · Show earlier entries"
      />
      <ol class="timeline">
        {entries.map((entry) => (
          <li key={entry.seq} value={entry.seq}>
            <time dateTime={entry.at}>{formatChinaTime(entry.at)}</time> <code>{entry.action}</code>{' '}
            <span class="id">{actorOf(entry)}</span>
          </li>
        ))}
      </ol>
    </>
  );
}
