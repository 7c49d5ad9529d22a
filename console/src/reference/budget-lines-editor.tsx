import { formatYuan } from '../../../shared/domain/money.js';
import type { BudgetLineSetting } from '../../../shared/domain/policy-settings.js';
import type { TokenSource } from '../api.js';
import { Bi, Field } from '../proposal/fields.js';
import { RowList } from '../proposal/rows.js';
import { fenOfText } from '../proposal/typed-text.js';
import { YuanInput, yuanHint } from '../proposal/yuan-input.js';
import { BUDGET_LINES, type BudgetLineDraft, blankBudgetLine } from './budget-lines-draft.js';
import { type EditorProps, ReferenceSection } from './reference-section.js';
import type { BudgetLinesView } from './reference-view.js';
import { onRowText } from './row-edits.js';

/** What is reserved on each line, from one reading of the page (total less what is left). */
type Reserved = ReadonlyMap<string, number>;

function reservedByLine(view: BudgetLinesView): Reserved {
  return new Map(
    view.value.map((l) => [l.lineId, l.totalFen - (view.availableFen[l.lineId] ?? l.totalFen)] as const),
  );
}

/** The annual budget lines proposals reserve on, with what is reserved and left on each. */
export function BudgetLinesSection({
  token,
  section,
  mayEdit,
  reloadPage,
}: {
  token: TokenSource;
  section: BudgetLinesView;
  mayEdit: boolean;
  reloadPage: () => void;
}) {
  const reserved = reservedByLine(section);
  return (
    <ReferenceSection
      token={token}
      drafting={BUDGET_LINES}
      section={section}
      mayEdit={mayEdit}
      reloadPage={reloadPage}
      rules={{
        zh: '已有的预算指标不能删除，编号和年度不能修改；总额不得低于已预留的金额。金额以元填写，精确到分；年度为 2000–2100。',
        en: 'An existing line cannot be removed, nor its id or year changed; its total cannot go below what is reserved on it. Amounts are in yuan, to the fen; a year is 2000–2100.',
      }}
      table={(lines) => <BudgetLinesTable lines={lines} reserved={reserved} />}
      editor={(form) => <BudgetLinesEditor {...form} reserved={reserved} />}
    />
  );
}

function BudgetLinesTable({ lines, reserved }: { lines: readonly BudgetLineSetting[]; reserved: Reserved }) {
  if (lines.length === 0)
    return (
      <p>
        <Bi zh="还没有预算指标。" en="There is no budget line yet." />
      </p>
    );
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">编号 · Line</th>
          <th scope="col">年度 · Year</th>
          <th scope="col">用途 · Description</th>
          <th scope="col" class="num">
            总额 · Total
          </th>
          <th scope="col" class="num">
            已预留 · Reserved
          </th>
          <th scope="col" class="num">
            剩余 · Left
          </th>
        </tr>
      </thead>
      <tbody>
        {lines.map((l) => {
          const held = reserved.get(l.lineId) ?? 0;
          return (
            <tr key={l.lineId}>
              <td>
                <span class="id">{l.lineId}</span>
              </td>
              <td>{l.year}</td>
              <td>{l.description}</td>
              <td class="num">{formatYuan(l.totalFen)}</td>
              <td class="num">{formatYuan(held)}</td>
              <td class="num">{formatYuan(l.totalFen - held)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function BudgetLinesEditor({
  draft,
  edit,
  errors,
  reserved,
}: EditorProps<BudgetLineDraft[]> & { reserved: Reserved }) {
  return (
    <RowList
      path="budgetLines"
      legend={{ zh: '预算指标', en: 'Budget lines' }}
      rowLegend={{ zh: '指标', en: 'line' }}
      count={draft.length}
      max={500}
      min={0}
      removable={(i) => draft[i]?.saved === false}
      firstField="lineId"
      errors={errors}
      onAdd={() => edit('budgetLines', (d) => void d.push(blankBudgetLine()))}
      onRemove={(i) => edit('budgetLines', (d) => void d.splice(i, 1))}
    >
      {(i) => {
        const line = draft[i];
        if (!line) return null;
        const path = (f: string) => `budgetLines[${i}].${f}`;
        const set = (f: string, apply: (row: BudgetLineDraft, v: string) => void) =>
          onRowText(edit, path(f), i, apply);
        const held = reserved.get(line.lineId) ?? 0;
        const typedFen = fenOfText(line.totalYuan);
        const kept = line.saved
          ? { zh: '已有指标，不能修改。', en: 'An existing line keeps it.' }
          : undefined;
        return (
          <>
            <Field
              path={path('lineId')}
              label={{ zh: '编号', en: 'Line id' }}
              errors={errors}
              hint={<Bi {...(kept ?? { zh: '如 2026-MZ-ELDER-01。', en: 'E.g. 2026-MZ-ELDER-01.' })} />}
            >
              {(w) => (
                <input
                  {...w}
                  class="code"
                  value={line.lineId}
                  readOnly={line.saved}
                  maxLength={45}
                  autoComplete="off"
                  spellcheck={false}
                  onInput={set('lineId', (r, v) => {
                    r.lineId = v;
                  })}
                />
              )}
            </Field>
            <Field
              path={path('year')}
              label={{ zh: '年度', en: 'Year' }}
              errors={errors}
              hint={<Bi {...(kept ?? { zh: '2000–2100。', en: '2000–2100.' })} />}
            >
              {(w) => (
                <input
                  {...w}
                  inputMode="numeric"
                  value={line.year}
                  readOnly={line.saved}
                  maxLength={4}
                  autoComplete="off"
                  onInput={set('year', (r, v) => {
                    r.year = v;
                  })}
                />
              )}
            </Field>
            <Field
              path={path('description')}
              label={{ zh: '用途', en: 'Description' }}
              errors={errors}
              size="double"
            >
              {(w) => (
                <input
                  {...w}
                  value={line.description}
                  maxLength={200}
                  onInput={set('description', (r, v) => {
                    r.description = v;
                  })}
                />
              )}
            </Field>
            <Field
              path={path('totalFen')}
              label={{ zh: '总额（元）', en: 'Total (yuan)' }}
              errors={errors}
              hint={
                held > 0 ? (
                  <>
                    {yuanHint(line.totalYuan)}{' '}
                    <span class={typedFen !== undefined && typedFen < held ? 'warn' : undefined}>
                      <Bi
                        zh={`已预留 ${formatYuan(held)}，总额不得低于此数。`}
                        en={`${formatYuan(held)} is reserved: the total cannot be less.`}
                      />
                    </span>
                  </>
                ) : (
                  yuanHint(line.totalYuan)
                )
              }
            >
              {(w) => (
                <YuanInput
                  wiring={w}
                  value={line.totalYuan}
                  onInput={set('totalFen', (r, v) => {
                    r.totalYuan = v;
                  })}
                />
              )}
            </Field>
          </>
        );
      }}
    </RowList>
  );
}
