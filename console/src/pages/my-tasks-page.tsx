import { formatChinaTime } from '../../../shared/domain/china-time.js';
import type { ApprovalLevel } from '../../../shared/domain/policy-settings.js';
import type { TaskAttempt, TaskPurpose } from '../../../shared/domain/tasks.js';
import {
  APPROVAL_LEVEL_LABELS,
  TASK_ATTEMPT_LABELS,
  TASK_PURPOSE_LABELS,
} from '../../../shared/presentation/labels.js';
import type { TokenSource } from '../api.js';
import { Bilingual } from '../bilingual.js';
import { href } from '../route.js';
import { useApiGet } from '../use-api.js';

/** A row of GET /my/tasks (MyTask on the server). */
interface MyTask {
  readonly purchaseId: string;
  readonly title: string;
  readonly ngoName: string;
  readonly purpose: TaskPurpose;
  readonly level?: ApprovalLevel;
  readonly attempt: TaskAttempt;
  readonly createdAt: string;
  readonly expiresAt: string;
  /** The decision page, the same as the e-mailed link; absent for a revision, made in the console. */
  readonly link?: string;
}

/** What waits on the signed-in person; each opens the same decision page as the e-mail. */
export function MyTasksPage({ token }: { token: TokenSource }) {
  const { data, error } = useApiGet<{ tasks: MyTask[] }>(token, '/my/tasks');
  const tasks = data?.tasks;
  return (
    <>
      <h1>
        <Bilingual zh="我的待办" en="My tasks" />
      </h1>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {!tasks && !error && <p aria-live="polite">加载中 · Loading…</p>}
      {tasks?.length === 0 && (
        <p>
          <Bilingual zh="目前没有等待您处理的事项。" en="Nothing is waiting on you." />
        </p>
      )}
      {tasks && tasks.length > 0 && (
        <ul class="tasks">
          {tasks.map((t) => (
            <li key={`${t.purchaseId}:${t.purpose}:${t.createdAt}`}>
              <p class="task-title">
                {TASK_PURPOSE_LABELS[t.purpose].zh}
                {t.level ? `（${APPROVAL_LEVEL_LABELS[t.level].zh}）` : ''} ·{' '}
                <span lang="en">
                  {TASK_PURPOSE_LABELS[t.purpose].en}
                  {t.level ? ` (${APPROVAL_LEVEL_LABELS[t.level].en})` : ''}
                </span>
              </p>
              <p>
                <a href={href(`/purchases/${t.purchaseId}`)}>{t.title}</a> · {t.ngoName}
              </p>
              <p class="id">
                期限 Due {formatChinaTime(t.expiresAt)} · {TASK_ATTEMPT_LABELS[t.attempt].zh}{' '}
                {TASK_ATTEMPT_LABELS[t.attempt].en}
              </p>
              {t.link ? (
                <a class="button" href={t.link}>
                  处理 · Open the decision page
                </a>
              ) : (
                <a class="button" href={href(`/purchases/${t.purchaseId}/revise`)}>
                  修改并重新提交 · Revise and resubmit
                </a>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
