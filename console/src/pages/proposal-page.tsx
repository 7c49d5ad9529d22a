import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { BilingualText } from '../../../shared/domain/bilingual.js';
import { formatChinaTime } from '../../../shared/domain/china-time.js';
import type { Proposal } from '../../../shared/domain/proposal.js';
import type { StaffMember } from '../../../shared/domain/staff-roles.js';
import type { RecordedDecision } from '../../../shared/domain/tasks.js';
import { ApiError, apiGet, apiPost, apiPut, type TokenSource } from '../api.js';
import { Bilingual } from '../bilingual.js';
import { DeliverablesSection } from '../proposal/deliverables-section.js';
import {
  blankDraft,
  discardDraft,
  draftOfProposal,
  loadDraft,
  type ProposalDraft,
  saveDraft,
} from '../proposal/draft.js';
import {
  type ErrorsByPath,
  formPaths,
  placeServerErrors,
  WHOLE_FORM,
  withoutPaths,
} from '../proposal/field-errors.js';
import { Bi, type Edit, ErrorList } from '../proposal/fields.js';
import { MoneySection } from '../proposal/money-section.js';
import { NgoSection } from '../proposal/ngo-section.js';
import type { ProposalOptions } from '../proposal/options.js';
import { ProjectSection } from '../proposal/project-section.js';
import { proposalBody, typedProblems } from '../proposal/proposal-body.js';
import { href } from '../route.js';

/** What POST /purchases answers (201, or 200 for a repeated Idempotency-Key). */
interface Submitted {
  readonly purchaseId: string;
}

type Notice = { kind: 'restored'; savedAt: string } | { kind: 'discarded' } | undefined;

/** A proposal an approver returned, opened in the form to be corrected and resubmitted. */
export interface Revising {
  readonly purchaseId: string;
  readonly proposal: Proposal;
  readonly returned: Pick<RecordedDecision, 'by' | 'byName' | 'at' | 'comment'>;
}

/**
 * The new-proposal form (立项). The draft is kept in this browser on every change and comes back
 * after a reload, with the Idempotency-Key it will be submitted with, so submitting it twice (a
 * double click, a retry after a lost answer) registers one purchase. The server judges the
 * proposal; its field errors are shown next to their fields in Chinese and English and the focus
 * goes to the first. A registered proposal opens its purchase page.
 *
 * `revising`: the same form, filled with a proposal an approver returned, which the officer corrects
 * and resubmits (PUT /purchases/{id}/proposal, with a note for the approver); it is not kept as a draft.
 */
export function ProposalPage({
  token,
  staff,
  revising,
}: {
  token: TokenSource;
  staff: StaffMember;
  revising?: Revising;
}) {
  const [initial] = useState(() => {
    const now = new Date().toISOString();
    if (revising) return { draft: draftOfProposal(revising.proposal, now), restored: false };
    const stored = loadDraft(window.localStorage, staff.sub, now);
    return { draft: stored ?? blankDraft(now), restored: stored !== undefined };
  });
  const [note, setNote] = useState('');
  const [draft, setDraft] = useState<ProposalDraft>(initial.draft);
  const [notice, setNotice] = useState<Notice>(
    initial.restored ? { kind: 'restored', savedAt: initial.draft.savedAt } : undefined,
  );
  const [attempted, setAttempted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [serverErrors, setServerErrors] = useState<ErrorsByPath>(new Map());
  const [failure, setFailure] = useState<BilingualText>();
  const [focusRequest, setFocusRequest] = useState(0);
  const form = useRef<HTMLFormElement>(null);
  const summary = useRef<HTMLDivElement>(null);
  const latest = useRef(draft);
  // A second click while the first submission is on its way does nothing (the state may not show it yet).
  const sending = useRef(false);

  const edit = useCallback<Edit<ProposalDraft>>(
    (path, change) => {
      const next = structuredClone(latest.current);
      change(next);
      if (JSON.stringify(next) === JSON.stringify(latest.current)) return;
      next.savedAt = new Date().toISOString();
      latest.current = next;
      setDraft(next);
      if (!revising) saveDraft(window.localStorage, staff.sub, next);
      // What the server said about this field (or about any row of this list) is no longer about the screen.
      setServerErrors((errors) =>
        withoutPaths(errors, (p) => p === path || p.startsWith(`${path}[`) || p.startsWith(`${path}.`)),
      );
    },
    [staff.sub, revising],
  );

  const startYear = /^(\d{4})-\d{2}-\d{2}$/.exec(draft.term.start)?.[1];
  const [options, setOptions] = useState<ProposalOptions>();
  const [optionsFailure, setOptionsFailure] = useState<string>();
  useEffect(() => {
    let current = true;
    apiGet<ProposalOptions>(token, `/proposal-options${startYear ? `?year=${startYear}` : ''}`).then(
      (answer) => {
        if (!current) return;
        setOptions(answer);
        setOptionsFailure(undefined);
      },
      (e: unknown) => current && setOptionsFailure(e instanceof ApiError ? e.message : String(e)),
    );
    return () => {
      current = false;
    };
  }, [token, startYear]);
  const year = startYear ? Number(startYear) : (options?.year ?? new Date().getFullYear());
  const yearOptions = options?.year === year ? options : undefined;

  // After a refused submission, the focus goes to the first field in error (or the summary).
  useEffect(() => {
    if (focusRequest === 0) return;
    const first = form.current?.querySelector<HTMLElement>('[data-invalid]');
    (first ?? summary.current)?.focus();
  }, [focusRequest]);

  // What was typed wrong is said as typed; the server's word on such a field (an amount that was
  // not sent is "required") adds nothing, so it gives way.
  const typed = typedProblems(draft, attempted);
  const errors = new Map<string, BilingualText[]>([...typed].map(([path, problem]) => [path, [problem]]));
  for (const [path, list] of serverErrors) if (!typed.has(path)) errors.set(path, [...list]);
  const errorCount = [...errors.values()].reduce((n, list) => n + list.length, 0);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (sending.current) return;
    setAttempted(true);
    setFailure(undefined);
    setNotice(undefined);
    const submitted = latest.current;
    sending.current = true;
    setBusy(true);
    try {
      if (revising) {
        const path = `/purchases/${encodeURIComponent(revising.purchaseId)}`;
        const body = { ...proposalBody(submitted), ...(note.trim() ? { note: note.trim() } : {}) };
        await apiPut<unknown>(token, `${path}/proposal`, body);
        window.location.hash = href(path);
        return;
      }
      const answer = await apiPost<Submitted>(token, '/purchases', proposalBody(submitted), {
        'Idempotency-Key': submitted.idempotencyKey,
      });
      discardDraft(window.localStorage, staff.sub);
      window.location.hash = href(`/purchases/${encodeURIComponent(answer.purchaseId)}`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 400 && error.fieldErrors.length > 0) {
        const shown = formPaths(submitted);
        if (revising) shown.add('note');
        setServerErrors(placeServerErrors(error.fieldErrors, shown));
      } else if (revising) {
        setFailure({
          zh: '未能重新提交，表单内容仍在，可以稍后再试。',
          en: `Not resubmitted (${error instanceof ApiError ? `${error.status}: ${error.message}` : String(error)}). What you typed is still here; you can try again.`,
        });
      } else {
        setFailure({
          zh: '未能提交，草稿已保留，可以稍后再试（不会重复登记）。',
          en: `Not submitted (${error instanceof ApiError ? `${error.status}: ${error.message}` : String(error)}). The draft is kept; trying again is safe, it will not register twice.`,
        });
      }
      setFocusRequest((n) => n + 1);
    } finally {
      sending.current = false;
      setBusy(false);
    }
  };

  const discard = () => {
    discardDraft(window.localStorage, staff.sub);
    const blank = blankDraft(new Date().toISOString());
    latest.current = blank;
    setDraft(blank);
    setServerErrors(new Map());
    setAttempted(false);
    setFailure(undefined);
    setNotice({ kind: 'discarded' });
    document.getElementById('p-title')?.focus();
  };

  const section = { draft, edit, errors };
  const formErrors = errors.get(WHOLE_FORM) ?? [];
  return (
    <>
      {revising ? (
        <>
          <p>
            <a href={href(`/purchases/${encodeURIComponent(revising.purchaseId)}`)}>
              ← {revising.proposal.title}
            </a>
          </p>
          <h1>
            <Bilingual zh="修改并重新提交" en="Revise and resubmit" />
          </h1>
          <div class="notice returned">
            <p>
              <Bi
                zh={`${revising.returned.byName} 于 ${formatChinaTime(revising.returned.at)} 退回修改：`}
                en={`Returned for revision by ${revising.returned.byName} on ${formatChinaTime(revising.returned.at)}:`}
              />
            </p>
            <blockquote class="pre">{revising.returned.comment}</blockquote>
            <p class="hint">
              <Bi
                zh="修改后重新提交，将由同一审批层级再次审批。预算指标不能更改。"
                en="Once resubmitted, the same approval level decides again. The budget line cannot change."
              />
            </p>
          </div>
        </>
      ) : (
        <h1>
          <Bilingual zh="新建立项" en="New proposal" />
        </h1>
      )}
      {notice?.kind === 'restored' && (
        <p class="notice" role="status">
          <Bi
            zh={`已恢复您在 ${formatChinaTime(notice.savedAt)} 保存的草稿。`}
            en={`Your draft saved at ${formatChinaTime(notice.savedAt)} is back.`}
          />
        </p>
      )}
      {notice?.kind === 'discarded' && (
        <p class="notice" role="status">
          <Bi zh="草稿已放弃，表单已清空。" en="The draft was discarded; the form is empty again." />
        </p>
      )}
      {optionsFailure && (
        <p class="error" role="alert">
          <Bi
            zh="未能读取预算指标和目录。"
            en={`Budget lines and the catalogue could not be read: ${optionsFailure}`}
          />
        </p>
      )}
      <div ref={summary} tabIndex={-1} class="form-summary" role="alert">
        {attempted && errorCount > 0 && (
          <div class="error">
            <p>
              <Bi
                zh={`有 ${errorCount} 处需要修改，已在相应栏目旁标出。`}
                en={`${errorCount} ${errorCount === 1 ? 'problem' : 'problems'} to correct, each shown next to its field.`}
              />
            </p>
            <ErrorList id="p-form-error" errors={formErrors} />
          </div>
        )}
        {failure && (
          <p class="error">
            <Bi {...failure} />
          </p>
        )}
      </div>
      <form ref={form} class="proposal-form" noValidate onSubmit={(e) => void submit(e)}>
        <p class="hint">
          <Bi
            zh="金额均以元填写，精确到分；草稿随时自动保存在本浏览器中。"
            en="Amounts are in yuan, to the fen. The draft is saved in this browser as you type."
          />
        </p>
        <ProjectSection {...section} />
        <NgoSection {...section} token={token} />
        <MoneySection {...section} options={yearOptions} year={year} />
        <DeliverablesSection {...section} />
        {revising && (
          <fieldset>
            <legend>
              <Bi zh="修改说明" en="What you changed" />
            </legend>
            <label for="p-revision-note">
              <Bi zh="给审批人的说明（可选）" en="A note for the approver (optional)" />
            </label>
            <textarea
              id="p-revision-note"
              rows={3}
              maxLength={2000}
              value={note}
              onInput={(e) => setNote(e.currentTarget.value)}
              aria-describedby={errors.has('note') ? 'p-revision-note-error' : undefined}
            />
            <ErrorList id="p-revision-note-error" errors={errors.get('note') ?? []} />
          </fieldset>
        )}
        <div class="form-actions">
          <button type="submit" class="primary" disabled={busy}>
            {revising
              ? busy
                ? '正在提交… · Resubmitting…'
                : '重新提交 · Resubmit'
              : busy
                ? '正在提交… · Submitting…'
                : '提交立项 · Submit proposal'}
          </button>
          {!revising && (
            <button type="button" onClick={discard} disabled={busy}>
              放弃草稿 · Discard draft
            </button>
          )}
        </div>
      </form>
    </>
  );
}
