import type { BilingualText } from '../../../shared/domain/bilingual.js';
import { formatChinaTime } from '../../../shared/domain/china-time.js';
import { Bi } from '../proposal/fields.js';
import { REFERENCE_SECTION_LABELS, type ReferenceChange, type ReferenceDataView } from './reference-view.js';

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
            const said = changeText(change);
            return (
              <li key={change.seq}>
                <time dateTime={change.at}>{formatChinaTime(change.at)}</time> <strong>{said.zh}</strong>{' '}
                <span lang="en">{said.en}</span>
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

/** Which section became which version; the seeding names every section it wrote (each version 1). */
function changeText(change: ReferenceChange): BilingualText {
  if (change.action === 'reference.seeded') {
    const sections = change.detail.sections.map((s) => REFERENCE_SECTION_LABELS[s]);
    return {
      zh: `${sections.map((s) => s.zh).join('、')}（初始导入）第 1 版`,
      en: `${sections.map((s) => s.en).join(', ')} v1 (seeded from the deployment's settings)`,
    };
  }
  const { section, version, summary } = change.detail;
  const label = REFERENCE_SECTION_LABELS[section];
  return { zh: `${label.zh} 第 ${version} 版`, en: `${label.en} v${version}: ${summary}` };
}
