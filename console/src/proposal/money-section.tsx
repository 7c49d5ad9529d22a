import { formatYuan, splitByPercent } from '../../../shared/domain/money.js';
import { TRANCHE_MILESTONES, type TrancheMilestone } from '../../../shared/domain/proposal.js';
import { TRANCHE_MILESTONE_LABELS } from '../../../shared/presentation/labels.js';
import { CostBreakdownRows, TotalYuanField } from './cost-breakdown.js';
import { blankStaffLine, blankTranche } from './draft.js';
import { Bi, Field, onText, type SectionProps } from './fields.js';
import type { ProposalOptions } from './options.js';
import { RowList } from './rows.js';
import { fenOfText } from './typed-text.js';
import { YuanInput, yuanHint } from './yuan-input.js';

/**
 * The money: the budget line the amount is reserved on (with what is left on each line of the
 * year), the total, the cost lines that make it up, the staff plan with its pay against the
 * salary benchmark, and the payment tranches. Every amount is typed in yuan.
 */
export function MoneySection({
  draft,
  edit,
  errors,
  options,
  year,
}: SectionProps & {
  /** The options of `year`, once they have arrived. */
  options: ProposalOptions | undefined;
  year: number;
}) {
  const totalFen = fenOfText(draft.totalYuan);
  const lines = options?.budgetLines ?? [];
  const chosen = lines.find((l) => l.lineId === draft.budgetLineRef);
  const percents = draft.trancheSchedule.map((t) =>
    /^\s*\d{1,3}\s*$/.test(t.percent) ? Number(t.percent) : 0,
  );
  const percentSum = percents.reduce((a, b) => a + b, 0);
  const shares =
    totalFen !== undefined && percentSum === 100 ? splitByPercent(totalFen, percents) : undefined;
  const benchmark = options?.salaryBenchmark;

  return (
    <section aria-labelledby="proposal-money" class="form-section">
      <h2 id="proposal-money">
        <Bi zh="资金" en="Money" />
      </h2>
      <div class="form-grid">
        <Field
          path="budgetLineRef"
          label={{ zh: `预算指标（${year} 年度）`, en: `Budget line (${year})` }}
          errors={errors}
          size="wide"
          hint={
            chosen && totalFen !== undefined && totalFen > chosen.availableFen ? (
              <span class="warn">
                <Bi
                  zh={`总金额超过该指标的剩余额度 ${chosen.availableYuan}，预留时将被拒绝。`}
                  en={`The total is more than the ${chosen.availableYuan} left on this line: the reservation would be refused.`}
                />
              </span>
            ) : options && lines.length === 0 ? (
              <Bi zh={`${year} 年度没有预算指标。`} en={`There is no budget line for ${year}.`} />
            ) : (
              <Bi zh="按服务开始日期所在年度列出。" en="Lines of the year the term starts in." />
            )
          }
        >
          {(w) => (
            <select
              {...w}
              value={draft.budgetLineRef}
              onChange={onText(edit, 'budgetLineRef', (d, v) => {
                d.budgetLineRef = v;
              })}
            >
              <option value="">请选择 · Choose</option>
              {lines.map((l) => (
                <option key={l.lineId} value={l.lineId}>
                  {l.lineId} · {l.description} · 剩余 left {l.availableYuan} / {l.totalYuan}
                </option>
              ))}
              {draft.budgetLineRef !== '' && !chosen && (
                <option value={draft.budgetLineRef}>{draft.budgetLineRef}</option>
              )}
            </select>
          )}
        </Field>
        <TotalYuanField
          draft={draft}
          edit={edit}
          errors={errors}
          label={{ zh: '项目总金额（元）', en: 'Total (yuan)' }}
        />
      </div>

      <CostBreakdownRows draft={draft} edit={edit} errors={errors} totalFen={totalFen} />

      <RowList
        path="staffPlan"
        legend={{ zh: '人员安排', en: 'Staff plan' }}
        rowLegend={{ zh: '岗位', en: 'staff line' }}
        count={draft.staffPlan.length}
        max={50}
        min={0}
        firstField="role"
        errors={errors}
        onAdd={() => edit('staffPlan', (d) => void d.staffPlan.push(blankStaffLine()))}
        onRemove={(i) => edit('staffPlan', (d) => void d.staffPlan.splice(i, 1))}
        summary={
          benchmark ? (
            <Bi
              zh={`每名全职人员月工资与社会保障费合计不低于 ${benchmark.monthlyMinimumYuan}（${benchmark.year} 年本市非私营单位在岗职工年平均工资 ${benchmark.annualWageYuan} ÷ 12${benchmark.sample ? '，样例数据' : ''}${benchmark.exact ? '' : `；${benchmark.wantedYear} 年度数据尚未公布，暂以 ${benchmark.year} 年度代替`}）。`}
              en={`Salary and social welfare together at least ${benchmark.monthlyMinimumYuan} a month per full-time worker (the ${benchmark.year} average public-sector wage, ${benchmark.annualWageYuan} a year${benchmark.sample ? ', sample data' : ''}${benchmark.exact ? '' : `; the ${benchmark.wantedYear} figure is not published yet`}).`}
            />
          ) : (
            options && (
              <Bi
                zh={`没有可用的 ${year - 1} 年度工资基准（没有配置，或应已公布的年度数据缺失），无法核对人员费用，请管理员在“基础数据”页面补充。`}
                en={`No usable salary benchmark for ${year - 1} (none configured, or a figure that is due is missing): staff pay cannot be checked until an administrator adds it on the Reference data page.`}
              />
            )
          )
        }
      >
        {(i) => {
          const line = draft.staffPlan[i];
          if (!line) return null;
          const path = (f: string) => `staffPlan[${i}].${f}`;
          return (
            <>
              <Field path={path('role')} label={{ zh: '岗位', en: 'Role' }} errors={errors}>
                {(w) => (
                  <input
                    {...w}
                    value={line.role}
                    maxLength={60}
                    onInput={onText(edit, path('role'), (d, v) => {
                      const row = d.staffPlan[i];
                      if (row) row.role = v;
                    })}
                  />
                )}
              </Field>
              <Field path={path('headcount')} label={{ zh: '人数', en: 'Headcount' }} errors={errors}>
                {(w) => (
                  <input
                    {...w}
                    inputMode="numeric"
                    value={line.headcount}
                    onInput={onText(edit, path('headcount'), (d, v) => {
                      const row = d.staffPlan[i];
                      if (row) row.headcount = v;
                    })}
                  />
                )}
              </Field>
              <Field
                path={path('monthlySalaryFen')}
                label={{ zh: '月工资（元/人）', en: 'Monthly salary (yuan each)' }}
                errors={errors}
                hint={yuanHint(line.monthlySalaryYuan)}
              >
                {(w) => (
                  <YuanInput
                    wiring={w}
                    value={line.monthlySalaryYuan}
                    onInput={onText(edit, path('monthlySalaryFen'), (d, v) => {
                      const row = d.staffPlan[i];
                      if (row) row.monthlySalaryYuan = v;
                    })}
                  />
                )}
              </Field>
              <Field
                path={path('monthlySocialWelfareFen')}
                label={{ zh: '月社保（元/人）', en: 'Monthly social welfare (yuan each)' }}
                errors={errors}
                hint={yuanHint(line.monthlySocialWelfareYuan)}
              >
                {(w) => (
                  <YuanInput
                    wiring={w}
                    value={line.monthlySocialWelfareYuan}
                    onInput={onText(edit, path('monthlySocialWelfareFen'), (d, v) => {
                      const row = d.staffPlan[i];
                      if (row) row.monthlySocialWelfareYuan = v;
                    })}
                  />
                )}
              </Field>
            </>
          );
        }}
      </RowList>

      <RowList
        path="trancheSchedule"
        legend={{ zh: '付款安排', en: 'Payment tranches' }}
        rowLegend={{ zh: '期', en: 'tranche' }}
        count={draft.trancheSchedule.length}
        max={TRANCHE_MILESTONES.length}
        firstField="milestone"
        errors={errors}
        onAdd={() => edit('trancheSchedule', (d) => void d.trancheSchedule.push(blankTranche()))}
        onRemove={(i) => edit('trancheSchedule', (d) => void d.trancheSchedule.splice(i, 1))}
        summary={
          <Bi
            zh={`比例合计 ${percentSum}%${percentSum === 100 ? '。' : '（应为 100%）。'}`}
            en={`Percentages add up to ${percentSum}%${percentSum === 100 ? '.' : ' (they must make 100%).'}`}
          />
        }
      >
        {(i) => {
          const tranche = draft.trancheSchedule[i];
          if (!tranche) return null;
          const path = (f: string) => `trancheSchedule[${i}].${f}`;
          const share = shares?.[i];
          return (
            <>
              <Field
                path={path('milestone')}
                label={{ zh: '付款节点', en: 'Paid when' }}
                errors={errors}
                size="double"
              >
                {(w) => (
                  <select
                    {...w}
                    value={tranche.milestone}
                    onChange={onText(edit, path('milestone'), (d, v) => {
                      const row = d.trancheSchedule[i];
                      if (row) row.milestone = v as TrancheMilestone | '';
                    })}
                  >
                    <option value="">请选择 · Choose</option>
                    {TRANCHE_MILESTONES.map((m) => (
                      <option key={m} value={m}>
                        {TRANCHE_MILESTONE_LABELS[m].zh} · {TRANCHE_MILESTONE_LABELS[m].en}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field
                path={path('percent')}
                label={{ zh: '比例（%）', en: 'Percent' }}
                errors={errors}
                hint={share === undefined ? undefined : `= ${formatYuan(share)}`}
              >
                {(w) => (
                  <input
                    {...w}
                    inputMode="numeric"
                    value={tranche.percent}
                    onInput={onText(edit, path('percent'), (d, v) => {
                      const row = d.trancheSchedule[i];
                      if (row) row.percent = v;
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
