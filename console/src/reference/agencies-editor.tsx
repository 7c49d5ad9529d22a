import type { EvaluationAgency } from '../../../shared/domain/lifecycle-settings.js';
import type { TokenSource } from '../api.js';
import { CreditCodeHint } from '../proposal/credit-code-hint.js';
import { Bi, Field } from '../proposal/fields.js';
import { RowList } from '../proposal/rows.js';
import { AGENCIES, type AgencyDraft, blankAgency } from './agencies-draft.js';
import { type EditorProps, ReferenceSection } from './reference-section.js';
import type { SectionView } from './reference-view.js';
import { onRowCheck, onRowText } from './row-edits.js';
import { SampleFlag } from './sample-flag.js';

/**
 * The third-party evaluation agencies a purchase's evaluation is assigned to, with the NGOs each
 * has ties with and whether it answers to the bureau (either keeps it from an assignment).
 */
export function AgenciesSection({
  token,
  section,
  mayEdit,
  reloadPage,
}: {
  token: TokenSource;
  section: SectionView<EvaluationAgency[]>;
  mayEdit: boolean;
  reloadPage: () => void;
}) {
  return (
    <ReferenceSection
      token={token}
      drafting={AGENCIES}
      section={section}
      mayEdit={mayEdit}
      reloadPage={reloadPage}
      rules={{
        zh: '编号为 2–40 位小写字母、数字和连字符，每个编号只用一次；邮箱须有效；关联机构填写 18 位统一社会信用代码（含校验位）。',
        en: 'An id is 2–40 of a-z, 0-9 and -, each used once; the e-mail must be valid; linked NGOs are 18-character credit codes with their check character.',
      }}
      table={(agencies) => <AgenciesTable agencies={agencies} />}
      editor={(form) => <AgenciesEditor {...form} />}
    />
  );
}

function AgenciesTable({ agencies }: { agencies: readonly EvaluationAgency[] }) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">机构 · Agency</th>
          <th scope="col">邮箱 · E-mail</th>
          <th scope="col">关联机构 · Linked NGOs</th>
          <th scope="col">隶属本局 · Answers to the bureau</th>
        </tr>
      </thead>
      <tbody>
        {agencies.map((a) => (
          <tr key={a.id}>
            <td>
              {a.name}
              {a.sample && <SampleFlag />}
              <span class="id">{a.id}</span>
            </td>
            <td>
              <span class="id">{a.email}</span>
            </td>
            <td>
              {a.linkedNgoCreditCodes.length === 0
                ? '—'
                : a.linkedNgoCreditCodes.map((code) => (
                    <span class="id" key={code}>
                      {code}
                    </span>
                  ))}
            </td>
            <td>{a.linkedToBureau ? '是 · yes' : '否 · no'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function AgenciesEditor({ draft, edit, errors }: EditorProps<AgencyDraft[]>) {
  return (
    <RowList
      path="agencies"
      legend={{ zh: '第三方评估机构', en: 'Evaluation agencies' }}
      rowLegend={{ zh: '机构', en: 'agency' }}
      count={draft.length}
      max={200}
      min={0}
      removable={(i) => draft[i]?.saved === false}
      firstField="id"
      errors={errors}
      onAdd={() => edit('agencies', (d) => void d.push(blankAgency()))}
      onRemove={(i) => edit('agencies', (d) => void d.splice(i, 1))}
    >
      {(i) => {
        const agency = draft[i];
        if (!agency) return null;
        const path = (f: string) => `agencies[${i}].${f}`;
        return (
          <>
            <Field
              path={path('id')}
              label={{ zh: '编号', en: 'Id' }}
              errors={errors}
              hint={<Bi zh="2–40 位 a-z、0-9 和 -。" en="2–40 of a-z, 0-9 and -." />}
            >
              {(w) => (
                <input
                  {...w}
                  value={agency.id}
                  maxLength={40}
                  autoComplete="off"
                  spellcheck={false}
                  autoCapitalize="none"
                  onInput={onRowText(edit, path('id'), i, (r, v) => {
                    r.id = v;
                  })}
                />
              )}
            </Field>
            <Field path={path('name')} label={{ zh: '名称', en: 'Name' }} errors={errors} size="double">
              {(w) => (
                <input
                  {...w}
                  value={agency.name}
                  maxLength={120}
                  onInput={onRowText(edit, path('name'), i, (r, v) => {
                    r.name = v;
                  })}
                />
              )}
            </Field>
            <Field path={path('email')} label={{ zh: '邮箱', en: 'E-mail' }} errors={errors} size="double">
              {(w) => (
                <input
                  {...w}
                  type="email"
                  value={agency.email}
                  autoComplete="off"
                  spellcheck={false}
                  onInput={onRowText(edit, path('email'), i, (r, v) => {
                    r.email = v;
                  })}
                />
              )}
            </Field>
            <Field
              path={path('linkedToBureau')}
              label={{ zh: '隶属本局或为本局提供咨询', en: 'Answers to or advised the bureau' }}
              errors={errors}
              hint={<Bi zh="勾选后不会被指派评估。" en="If ticked, it is never assigned." />}
            >
              {(w) => (
                <input
                  {...w}
                  type="checkbox"
                  checked={agency.linkedToBureau}
                  onChange={onRowCheck(edit, path('linkedToBureau'), i, (r, checked) => {
                    r.linkedToBureau = checked;
                  })}
                />
              )}
            </Field>
            <Field path={path('sample')} label={{ zh: '样例数据', en: 'Sample data' }} errors={errors}>
              {(w) => (
                <input
                  {...w}
                  type="checkbox"
                  checked={agency.sample}
                  onChange={onRowCheck(edit, path('sample'), i, (r, checked) => {
                    r.sample = checked;
                  })}
                />
              )}
            </Field>
            <LinkedNgos index={i} agency={agency} edit={edit} errors={errors} />
          </>
        );
      }}
    </RowList>
  );
}

/** The credit codes of the NGOs an agency has ties with, each checked as it is typed. */
function LinkedNgos({
  index,
  agency,
  edit,
  errors,
}: Omit<EditorProps<AgencyDraft[]>, 'draft'> & { index: number; agency: AgencyDraft }) {
  const list = `agencies[${index}].linkedNgoCreditCodes`;
  const codes = agency.linkedNgoCreditCodes;
  return (
    <RowList
      path={list}
      legend={{
        zh: '有关联的社会组织（不会被指派评估它们）',
        en: 'Linked NGOs (never assigned to evaluate them)',
      }}
      rowLegend={{ zh: '信用代码', en: 'credit code' }}
      count={codes.length}
      max={100}
      min={0}
      errors={errors}
      onAdd={() => edit(list, (d) => void d[index]?.linkedNgoCreditCodes.push(''))}
      onRemove={(j) => edit(list, (d) => void d[index]?.linkedNgoCreditCodes.splice(j, 1))}
    >
      {(j) => {
        const path = `${list}[${j}]`;
        const code = codes[j] ?? '';
        return (
          <Field
            path={path}
            label={{ zh: '统一社会信用代码', en: 'Unified social credit code' }}
            errors={errors}
            size="double"
            hint={<CreditCodeHint typed={code} inError={errors.has(path)} />}
          >
            {(w) => (
              <input
                {...w}
                class="code"
                value={code}
                maxLength={20}
                autoComplete="off"
                spellcheck={false}
                autoCapitalize="characters"
                onInput={onRowText(edit, path, index, (r, v) => {
                  r.linkedNgoCreditCodes[j] = v;
                })}
              />
            )}
          </Field>
        );
      }}
    </RowList>
  );
}
