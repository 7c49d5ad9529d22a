import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { BilingualText } from '../../../shared/domain/bilingual.js';
import { ApiError, apiPut, type TokenSource } from '../api.js';
import { type ErrorsByPath, placeServerErrors, withoutPaths } from '../proposal/field-errors.js';
import type { Edit } from '../proposal/fields.js';
import type { SavedSection, SectionView } from './reference-view.js';
import { editorPath, type SectionDrafting, sectionPutBody } from './section-drafting.js';

export type SectionNotice =
  | { kind: 'saved'; version: number }
  | { kind: 'stale'; version: number }
  | { kind: 'reloaded'; version: number }
  | { kind: 'failed'; text: BilingualText };

/** The edit under way: the draft, and the version of the section it started from (sent with it). */
interface Editing<Draft> {
  draft: Draft;
  version: number;
}

/**
 * Editing one section: the draft, typed problems and the server's field errors by path, and
 * saving it with PUT /reference-data/{section}. A save refused because someone changed the
 * section meanwhile (409) says so; `restartFromLatest` then starts the edit again from the
 * section as it now is, once the page has read it again (`reloadPage`).
 */
export function useSectionEdit<Value, Draft>({
  token,
  drafting,
  section,
  reloadPage,
}: {
  token: TokenSource;
  drafting: SectionDrafting<Value, Draft>;
  section: SectionView<Value>;
  reloadPage: () => void;
}) {
  const [editing, setEditing] = useState<Editing<Draft>>();
  const [serverErrors, setServerErrors] = useState<ErrorsByPath>(new Map());
  const [attempted, setAttempted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<SectionNotice>();
  // The section a save answered with, shown until the page's next reading has caught up with it.
  const [saved, setSaved] = useState<SectionView<Value>>();
  const [restartWanted, setRestartWanted] = useState(false);
  // Bumped after a refused save: the focus goes to what refused it.
  const [refusals, setRefusals] = useState(0);
  const latest = useRef(editing);
  // A second click while a save is on its way does nothing (the state may not show it yet).
  const sending = useRef(false);
  const shown = saved && saved.version > section.version ? saved : section;

  const begin = (next: Editing<Draft> | undefined) => {
    latest.current = next;
    setEditing(next);
    setServerErrors(new Map());
    setAttempted(false);
  };
  const start = () => {
    setNotice(undefined);
    begin({ draft: drafting.draftOf(shown.value), version: shown.version });
  };
  const cancel = () => {
    setNotice(undefined);
    setRestartWanted(false);
    begin(undefined);
  };

  const edit = useCallback<Edit<Draft>>((path, change) => {
    const current = latest.current;
    if (!current) return;
    const draft = structuredClone(current.draft);
    change(draft);
    latest.current = { ...current, draft };
    setEditing(latest.current);
    // What the server said about this field (or any row of this list) is no longer about the screen.
    setServerErrors((errors) =>
      withoutPaths(errors, (p) => p === path || p.startsWith(`${path}[`) || p.startsWith(`${path}.`)),
    );
  }, []);

  const save = async () => {
    const current = latest.current;
    if (sending.current || !current) return;
    sending.current = true;
    setBusy(true);
    setAttempted(true);
    setNotice(undefined);
    try {
      const answer = await apiPut<SavedSection<Value>>(
        token,
        `/reference-data/${drafting.name}`,
        sectionPutBody(drafting, current.draft, current.version),
      );
      setSaved(answer.section);
      begin(undefined);
      setNotice({ kind: 'saved', version: answer.section.version });
      reloadPage();
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        // The notice says it in both languages: the server's message (Chinese and English in one) is not repeated.
        setNotice({ kind: 'stale', version: current.version });
      } else if (error instanceof ApiError && error.status === 400 && error.fieldErrors.length > 0) {
        const errors = error.fieldErrors.map((e) => ({ ...e, field: editorPath(drafting.name, e.field) }));
        setServerErrors(placeServerErrors(errors, drafting.shownPaths(current.draft)));
      } else {
        setNotice({ kind: 'failed', text: failureText(error) });
      }
      setRefusals((n) => n + 1);
    } finally {
      sending.current = false;
      setBusy(false);
    }
  };

  const restartFromLatest = () => {
    setRestartWanted(true);
    reloadPage();
  };
  // Once the page has the section as someone else left it, the edit starts again from there.
  useEffect(() => {
    if (!restartWanted || !latest.current || shown.version === latest.current.version) return;
    setRestartWanted(false);
    begin({ draft: drafting.draftOf(shown.value), version: shown.version });
    setNotice({ kind: 'reloaded', version: shown.version });
  }, [restartWanted, shown, drafting]);

  // Typed problems stand over what the server said of the same field (an amount not sent is "required").
  const typed = editing ? drafting.typedProblems(editing.draft, attempted) : new Map<string, BilingualText>();
  const errors = new Map<string, BilingualText[]>([...typed].map(([path, problem]) => [path, [problem]]));
  for (const [path, list] of serverErrors) if (!typed.has(path)) errors.set(path, [...list]);

  return {
    shown,
    editing: editing?.draft,
    edit,
    errors: errors as ErrorsByPath,
    attempted,
    busy,
    notice,
    refusals,
    restarting: restartWanted,
    start,
    cancel,
    save,
    restartFromLatest,
  };
}

function failureText(error: unknown): BilingualText {
  if (error instanceof ApiError && error.status === 403)
    return {
      zh: '只有系统管理员可以修改基础数据。',
      en: `Only an administrator may change reference data (${error.message}).`,
    };
  return {
    zh: '未能保存，修改仍在表单中。',
    en: `Not saved (${error instanceof ApiError ? `${error.status}: ${error.message}` : String(error)}). The changes are still in the form.`,
  };
}
