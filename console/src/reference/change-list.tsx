import { formatChinaTime } from '../../../shared/domain/china-time.js';
import { Bi } from '../proposal/fields.js';
import { REFERENCE_SECTION_LABELS, type ReferenceDataView } from './reference-view.js';

/**
 * The reference data's audit trail, newest first: when, which section became which version, what
 * changed (the server's English sentence) and who did it; above it, whether the chain verifies.
 */
export function ChangeList({ changes, chain }: Pick<ReferenceDataView, 'changes' | 'chain'>) {
  return (
    <section aria-labelledby="reference-changes">
      <h2 id="reference-changes">
        <Bi zh="变更记录" en="Changes" />
      </h2>
      <p class={chain.valid ? 'verified' : 'error'}>
        {chain.valid
          ? `记录链校验通过（${chain.entries} 条）· The chain of ${chain.entries} entries verifies`
          : `记录链校验失败 · The chain does not verify: ${chain.reason}`}
      </p>
      {changes.length === 0 ? (
        <p>
          <Bi zh="还没有变更记录。" en="Nothing has changed yet." />
        </p>
      ) : (
        <ol class="timeline">
          {changes.map((change) => {
            const section = REFERENCE_SECTION_LABELS[change.detail.section];
            return (
              <li key={change.seq}>
                <time dateTime={change.at}>{formatChinaTime(change.at)}</time>{' '}
                <strong>
                  {section.zh}
                  {change.action === 'reference.seeded' ? '（初始导入）' : ''} 第 {change.detail.version} 版
                </strong>{' '}
                <span lang="en">
                  {section.en} v{change.detail.version}
                  {change.action === 'reference.seeded' ? ' (seeded)' : ''}: {change.detail.summary}
                </span>
                <span class="id">{change.actor}</span>
              </li>
            );
          })}
        </ol>
      )}
      {changes.length === 50 && (
        <p class="hint">
          <Bi zh="只列出最近 50 条。" en="Only the latest 50 are listed." />
        </p>
      )}
    </section>
  );
}
