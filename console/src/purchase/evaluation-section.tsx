import { formatChinaTime } from '../../../shared/domain/china-time.js';
import { CRITERION_LABELS, GRADE_LABELS, type Grade } from '../../../shared/domain/evaluation.js';
import type { EvaluationCriterion } from '../../../shared/domain/lifecycle-settings.js';
import { Bilingual } from '../bilingual.js';

/** What the page reads of the view's `evaluation`. */
export interface EvaluationView {
  readonly agencyId: string;
  readonly grade?: Grade;
  readonly totalText?: string;
  readonly evaluatedAt?: string;
  readonly scores?: Partial<Record<EvaluationCriterion, number>>;
}

/** The third-party evaluation: the agency, each criterion's score, the weighted total and grade. */
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
    </>
  );
}
