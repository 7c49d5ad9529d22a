import { DELIVERABLE_KINDS, type DeliverableKind } from '../../../shared/domain/proposal.js';
import { UPLOAD_KIND_LABELS } from '../../../shared/domain/uploads.js';
import { blankDeliverable } from './draft.js';
import { Bi, Field, onText, type SectionProps } from './fields.js';
import { RowList } from './rows.js';

/** What the NGO delivers and by when: a mid-term and a final report at least, within the term. */
export function DeliverablesSection({ draft, edit, errors }: SectionProps) {
  return (
    <section aria-labelledby="proposal-deliverables" class="form-section">
      <h2 id="proposal-deliverables">
        <Bi zh="交付成果" en="Deliverables" />
      </h2>
      <RowList
        path="deliverables"
        legend={{
          zh: '交付安排（须有中期报告和终期报告）',
          en: 'Due (a mid-term and a final report at least)',
        }}
        rowLegend={{ zh: '交付', en: 'deliverable' }}
        count={draft.deliverables.length}
        max={20}
        firstField="kind"
        errors={errors}
        onAdd={() => edit('deliverables', (d) => void d.deliverables.push(blankDeliverable()))}
        onRemove={(i) => edit('deliverables', (d) => void d.deliverables.splice(i, 1))}
      >
        {(i) => {
          const item = draft.deliverables[i];
          if (!item) return null;
          const path = (f: string) => `deliverables[${i}].${f}`;
          return (
            <>
              <Field path={path('kind')} label={{ zh: '类型', en: 'Kind' }} errors={errors}>
                {(w) => (
                  <select
                    {...w}
                    value={item.kind}
                    onChange={onText(edit, path('kind'), (d, v) => {
                      const row = d.deliverables[i];
                      if (row) row.kind = v as DeliverableKind | '';
                    })}
                  >
                    <option value="">请选择 · Choose</option>
                    {DELIVERABLE_KINDS.map((k) => (
                      <option key={k} value={k}>
                        {UPLOAD_KIND_LABELS[k].zh} · {UPLOAD_KIND_LABELS[k].en}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field path={path('dueDate')} label={{ zh: '截止日期', en: 'Due' }} errors={errors}>
                {(w) => (
                  <input
                    {...w}
                    type="date"
                    value={item.dueDate}
                    min={draft.term.start || undefined}
                    max={draft.term.end || undefined}
                    onInput={onText(edit, path('dueDate'), (d, v) => {
                      const row = d.deliverables[i];
                      if (row) row.dueDate = v;
                    })}
                  />
                )}
              </Field>
              <Field
                path={path('description')}
                label={{ zh: '内容', en: 'What' }}
                errors={errors}
                size="double"
              >
                {(w) => (
                  <input
                    {...w}
                    value={item.description}
                    maxLength={500}
                    onInput={onText(edit, path('description'), (d, v) => {
                      const row = d.deliverables[i];
                      if (row) row.description = v;
                    })}
                  />
                )}
              </Field>
            </>
          );
        }}
      </RowList>
    </section>
  );
}
