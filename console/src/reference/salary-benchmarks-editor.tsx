import { formatYuan } from '../../../shared/domain/money.js';
import type { SalaryBenchmark } from '../../../shared/domain/policy-settings.js';
import type { TokenSource } from '../api.js';
import { Bi, Field } from '../proposal/fields.js';
import { RowList } from '../proposal/rows.js';
import { YuanInput, yuanHint } from '../proposal/yuan-input.js';
import { type EditorProps, ReferenceSection } from './reference-section.js';
import type { SectionView } from './reference-view.js';
import { onRowCheck, onRowText } from './row-edits.js';
import {
  blankSalaryBenchmark,
  SALARY_BENCHMARKS,
  type SalaryBenchmarkDraft,
} from './salary-benchmarks-draft.js';
import { SampleFlag } from './sample-flag.js';

/** The city's average public-sector wage by year, which a proposal's staff pay is held to. */
export function SalaryBenchmarksSection({
  token,
  section,
  mayEdit,
  reloadPage,
}: {
  token: TokenSource;
  section: SectionView<SalaryBenchmark[]>;
  mayEdit: boolean;
  reloadPage: () => void;
}) {
  return (
    <ReferenceSection
      token={token}
      drafting={SALARY_BENCHMARKS}
      section={section}
      mayEdit={mayEdit}
      reloadPage={reloadPage}
      rules={{
        zh: '每个年度一条；年度为 2000–2100；年平均工资以元填写，精确到分，并注明来源。',
        en: 'One benchmark a year; a year is 2000–2100; the annual wage is in yuan, to the fen, with its source.',
      }}
      table={(benchmarks) => <SalaryBenchmarksTable benchmarks={benchmarks} />}
      editor={(form) => <SalaryBenchmarksEditor {...form} />}
    />
  );
}

function SalaryBenchmarksTable({ benchmarks }: { benchmarks: readonly SalaryBenchmark[] }) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">年度 · Year</th>
          <th scope="col" class="num">
            年平均工资 · Annual wage
          </th>
          <th scope="col">来源 · Source</th>
        </tr>
      </thead>
      <tbody>
        {benchmarks.map((b) => (
          <tr key={b.year}>
            <td>{b.year}</td>
            <td class="num">{formatYuan(b.annualWageFen)}</td>
            <td>
              {b.source}
              {b.sample && <SampleFlag />}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SalaryBenchmarksEditor({ draft, edit, errors }: EditorProps<SalaryBenchmarkDraft[]>) {
  return (
    <RowList
      path="salaryBenchmarks"
      legend={{ zh: '工资基准', en: 'Salary benchmarks' }}
      rowLegend={{ zh: '基准', en: 'benchmark' }}
      count={draft.length}
      max={100}
      min={0}
      removable={(i) => draft[i]?.saved === false}
      firstField="year"
      errors={errors}
      onAdd={() => edit('salaryBenchmarks', (d) => void d.push(blankSalaryBenchmark()))}
      onRemove={(i) => edit('salaryBenchmarks', (d) => void d.splice(i, 1))}
    >
      {(i) => {
        const row = draft[i];
        if (!row) return null;
        const path = (f: string) => `salaryBenchmarks[${i}].${f}`;
        return (
          <>
            <Field
              path={path('year')}
              label={{ zh: '年度', en: 'Year' }}
              errors={errors}
              hint={<Bi zh="2000–2100，每年一条。" en="2000–2100, once each." />}
            >
              {(w) => (
                <input
                  {...w}
                  inputMode="numeric"
                  value={row.year}
                  maxLength={4}
                  autoComplete="off"
                  onInput={onRowText(edit, path('year'), i, (r, v) => {
                    r.year = v;
                  })}
                />
              )}
            </Field>
            <Field
              path={path('annualWageFen')}
              label={{ zh: '年平均工资（元）', en: 'Annual wage (yuan)' }}
              errors={errors}
              hint={yuanHint(row.annualWageYuan)}
            >
              {(w) => (
                <YuanInput
                  wiring={w}
                  value={row.annualWageYuan}
                  onInput={onRowText(edit, path('annualWageFen'), i, (r, v) => {
                    r.annualWageYuan = v;
                  })}
                />
              )}
            </Field>
            <Field path={path('source')} label={{ zh: '来源', en: 'Source' }} errors={errors} size="double">
              {(w) => (
                <input
                  {...w}
                  value={row.source}
                  onInput={onRowText(edit, path('source'), i, (r, v) => {
                    r.source = v;
                  })}
                />
              )}
            </Field>
            <Field path={path('sample')} label={{ zh: '样例数据', en: 'Sample data' }} errors={errors}>
              {(w) => (
                <input
                  {...w}
                  type="checkbox"
                  checked={row.sample}
                  onChange={onRowCheck(edit, path('sample'), i, (r, checked) => {
                    r.sample = checked;
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
