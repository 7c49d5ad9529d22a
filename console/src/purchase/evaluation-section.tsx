import { formatChinaTime } from '../../../shared/domain/china-time.js';
import { CRITERION_LABELS, GRADE_LABELS, type Grade } from '../../../shared/domain/evaluation.js';
import type { EvaluationCriterion } from '../../../shared/domain/lifecycle-settings.js';
import { Bilingual } from '../bilingual.js';

/** An agency that declined the assignment or declared a conflict of interest, with what it wrote. */
export interface EvaluationDeclaration {
  readonly decision: 'DECLINE' | 'CONFLICT';
  readonly agency: string;
  readonly email: string;
  readonly reason: string;
  readonly at: string;
}

/** What the page reads of the view's `evaluation`. */
export interface EvaluationView {
  readonly agencyId: string;
  readonly grade?: Grade;
  readonly totalText?: string;
  readonly evaluatedAt?: string;
  readonly scores?: Partial<Record<EvaluationCriterion, number>>;
  /** Absent in a view from before agencies could step aside. */
  readonly declarations?: readonly EvaluationDeclaration[];
}

const DECLARED: Readonly<Record<EvaluationDeclaration['decision'], { zh: string; en: string }>> = {
  DECLINE: { zh: '谢绝评估', en: 'Declined' },
  CONFLICT: { zh: '声明存在利益冲突', en: 'Declared a conflict of interest' },
};

/** Each agency that stepped aside, oldest first: a conflict is marked so staff see it at a glance. */
function Declarations({ declarations }: { declarations: readonly EvaluationDeclaration[] }) {
  return (
    <>
      <h3>
        <Bilingual zh="谢绝与利益冲突声明" en="Declines and declared conflicts" />
      </h3>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">机构 · Agency</th>
              <th scope="col">声明 · Declared</th>
              <th scope="col">理由或冲突情况 · Reason or conflict</th>
              <th scope="col">时间 · When</th>
            </tr>
          </thead>
          <tbody>
            {declarations.map((d) => (
              <tr key={`${d.email}-${d.at}`}>
                <td>
                  {d.agency} <span class="id">{d.email}</span>
                </td>
                <td>
                  {d.decision === 'CONFLICT' ? (
                    <strong>
                      {DECLARED.CONFLICT.zh} · {DECLARED.CONFLICT.en}
                    </strong>
                  ) : (
                    `${DECLARED.DECLINE.zh} · ${DECLARED.DECLINE.en}`
                  )}
                </td>
                <td>{d.reason}</td>
                <td>{formatChinaTime(d.at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/**
 * The third-party evaluation: the agency, each criterion's score, the weighted total and grade,
 * and every agency that declined or declared a conflict before it.
 */
export function EvaluationSection({ evaluation }: { evaluation: EvaluationView }) {
  const scores = Object.entries(evaluation.scores ?? {}) as [EvaluationCriterion, number][];
  return (
    <>
      <h2>
        <Bilingual zh="第三方评估" en="Third-party evaluation" />
      </h2>
      <dl class="facts">
        <dt>评估机构 · Agency</dt>
        <dd>
          <span class="id">{evaluation.agencyId}</span>
        </dd>
        <dt>结果 · Result</dt>
        <dd>
          {evaluation.grade && evaluation.totalText ? (
            <strong>
              {evaluation.totalText} · {GRADE_LABELS[evaluation.grade].zh} {GRADE_LABELS[evaluation.grade].en}
            </strong>
          ) : (
            <Bilingual zh="评估中，尚未评分。" en="Being evaluated: not scored yet." />
          )}
          {evaluation.evaluatedAt && <span class="id">{formatChinaTime(evaluation.evaluatedAt)}</span>}
        </dd>
      </dl>
      {scores.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">指标 · Criterion</th>
                <th scope="col" class="num">
                  得分 · Score
                </th>
              </tr>
            </thead>
            <tbody>
              {scores.map(([criterion, score]) => (
                <tr key={criterion}>
                  <td>
                    {CRITERION_LABELS[criterion].zh} · {CRITERION_LABELS[criterion].en}
                  </td>
                  <td class="num">{score.toFixed(1)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(evaluation.declarations ?? []).length > 0 && (
        <Declarations declarations={evaluation.declarations ?? []} />
      )}
    </>
  );
}
