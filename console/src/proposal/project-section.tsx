import { NEGATIVE_LIST, SERVICE_CATALOGUE } from '../../../shared/domain/catalogue.js';
import {
  lastTermDay,
  MAX_JUSTIFIED_TERM_MONTHS,
  MAX_TERM_MONTHS,
} from '../../../shared/domain/policy/term-rules.js';
import {
  PROCUREMENT_METHODS,
  type ProcurementMethod,
  SERVICE_AREAS,
  type ServiceArea,
} from '../../../shared/domain/proposal.js';
import { PROCUREMENT_METHOD_LABELS, SERVICE_AREA_LABELS } from '../../../shared/presentation/labels.js';
import { Bi, Field, onText, type SectionProps } from './fields.js';
import { termNeedsJustification } from './proposal-body.js';

/** Xiamen's districts, offered as suggestions; the field takes any district. */
const DISTRICTS = ['思明区', '湖里区', '集美区', '海沧区', '同安区', '翔安区'];

/** The project: what is bought, where, by whom, how and for how long. */
export function ProjectSection({ draft, edit, errors }: SectionProps) {
  const area = draft.serviceArea === '' ? undefined : draft.serviceArea;
  const items = area ? SERVICE_CATALOGUE[area] : [];
  const plainLast = lastTermDay(draft.term.start, MAX_TERM_MONTHS);
  const justifiedLast = lastTermDay(draft.term.start, MAX_JUSTIFIED_TERM_MONTHS);
  const needsJustification = termNeedsJustification(draft.term);
  return (
    <section aria-labelledby="proposal-project" class="form-section">
      <h2 id="proposal-project">
        <Bi zh="项目" en="The project" />
      </h2>
      <div class="form-grid">
        <Field path="title" label={{ zh: '项目名称', en: 'Title' }} errors={errors} size="wide">
          {(w) => (
            <input
              {...w}
              value={draft.title}
              maxLength={200}
              onInput={onText(edit, 'title', (d, v) => {
                d.title = v;
              })}
            />
          )}
        </Field>
        <Field path="serviceArea" label={{ zh: '服务领域', en: 'Service area' }} errors={errors}>
          {(w) => (
            <select
              {...w}
              value={draft.serviceArea}
              onChange={onText(edit, 'serviceArea', (d, v) => {
                d.serviceArea = v as ServiceArea | '';
                // An item of another area would only be refused: the choice starts again.
                const kept =
                  d.serviceArea !== '' &&
                  SERVICE_CATALOGUE[d.serviceArea].some((i) => i.code === d.serviceItem);
                if (!kept) d.serviceItem = '';
              })}
            >
              <option value="">请选择 · Choose</option>
              {SERVICE_AREAS.map((a) => (
                <option key={a} value={a}>
                  {SERVICE_AREA_LABELS[a].zh} · {SERVICE_AREA_LABELS[a].en}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          path="serviceItem"
          label={{ zh: '服务事项（指导性目录）', en: 'Service (from the catalogue)' }}
          errors={errors}
          size="double"
          hint={area ? undefined : <Bi zh="先选服务领域。" en="Choose the service area first." />}
        >
          {(w) => (
            <select
              {...w}
              value={draft.serviceItem}
              disabled={!area}
              onChange={onText(edit, 'serviceItem', (d, v) => {
                d.serviceItem = v;
              })}
            >
              <option value="">请选择 · Choose</option>
              {items.map((i) => (
                <option key={i.code} value={i.code}>
                  {i.nameZh} · {i.nameEn}
                </option>
              ))}
              <optgroup label="负面清单：不得购买 · Negative list: cannot be bought">
                {NEGATIVE_LIST.map((n) => (
                  <option key={n.code} value={n.code} disabled>
                    {n.nameZh} · {n.nameEn}
                  </option>
                ))}
              </optgroup>
            </select>
          )}
        </Field>
        <details class="negative-list wide">
          <summary>
            <Bi
              zh="哪些不能作为服务购买（负面清单）？"
              en="What cannot be bought as a service (the negative list)?"
            />
          </summary>
          <ul>
            {NEGATIVE_LIST.map((n) => (
              <li key={n.code}>
                <strong>{n.nameZh}</strong> <span lang="en">{n.nameEn}</span>:{' '}
                <span lang="en">{n.reason}</span>
              </li>
            ))}
          </ul>
        </details>
        <Field path="district" label={{ zh: '服务区域', en: 'District' }} errors={errors}>
          {(w) => (
            <>
              <input
                {...w}
                list="proposal-districts"
                value={draft.district}
                maxLength={60}
                onInput={onText(edit, 'district', (d, v) => {
                  d.district = v;
                })}
              />
              <datalist id="proposal-districts">
                {DISTRICTS.map((d) => (
                  <option key={d} value={d} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <Field path="purchasingUnit" label={{ zh: '购买主体', en: 'Purchasing unit' }} errors={errors}>
          {(w) => (
            <input
              {...w}
              value={draft.purchasingUnit}
              maxLength={120}
              placeholder="厦门市民政局"
              onInput={onText(edit, 'purchasingUnit', (d, v) => {
                d.purchasingUnit = v;
              })}
            />
          )}
        </Field>
        <Field path="procurementMethod" label={{ zh: '采购方式', en: 'Procurement method' }} errors={errors}>
          {(w) => (
            <select
              {...w}
              value={draft.procurementMethod}
              onChange={onText(edit, 'procurementMethod', (d, v) => {
                d.procurementMethod = v as ProcurementMethod;
              })}
            >
              <option value="">请选择 · Choose</option>
              {PROCUREMENT_METHODS.map((m) => (
                <option key={m} value={m}>
                  {PROCUREMENT_METHOD_LABELS[m].zh} · {PROCUREMENT_METHOD_LABELS[m].en}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field path="term.start" label={{ zh: '服务开始日期', en: 'Term starts' }} errors={errors}>
          {(w) => (
            <input
              {...w}
              type="date"
              value={draft.term.start}
              onInput={onText(edit, 'term.start', (d, v) => {
                d.term.start = v;
              })}
            />
          )}
        </Field>
        <Field
          path="term.end"
          label={{ zh: '服务结束日期', en: 'Term ends' }}
          errors={errors}
          hint={
            plainLast && justifiedLast ? (
              <Bi
                zh={`一般不超过 ${MAX_TERM_MONTHS} 个月（至 ${plainLast}）；有理由的最长 ${MAX_JUSTIFIED_TERM_MONTHS} 个月（至 ${justifiedLast}）。`}
                en={`Up to ${MAX_TERM_MONTHS} months (to ${plainLast}); with a justification up to ${MAX_JUSTIFIED_TERM_MONTHS} (to ${justifiedLast}).`}
              />
            ) : undefined
          }
        >
          {(w) => (
            <input
              {...w}
              type="date"
              value={draft.term.end}
              min={draft.term.start || undefined}
              onInput={onText(edit, 'term.end', (d, v) => {
                d.term.end = v;
              })}
            />
          )}
        </Field>
        {needsJustification && (
          <Field
            path="justification"
            label={{ zh: '超过 12 个月的理由', en: 'Why the term runs over 12 months' }}
            errors={errors}
            size="wide"
            hint={
              <Bi
                zh="须说明服务稳定连续、预算有保障（20 字以上）。"
                en="Say why the service must be stable and continuous and how its budget is guaranteed (20 characters or more)."
              />
            }
          >
            {(w) => (
              <textarea
                {...w}
                rows={3}
                maxLength={2000}
                value={draft.justification}
                onInput={onText(edit, 'justification', (d, v) => {
                  d.justification = v;
                })}
              />
            )}
          </Field>
        )}
      </div>
    </section>
  );
}
