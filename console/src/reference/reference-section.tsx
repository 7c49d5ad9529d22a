import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { BilingualText } from '../../../shared/domain/bilingual.js';
import { formatChinaTime } from '../../../shared/domain/china-time.js';
import { SEED_ACTOR } from '../../../shared/domain/reference-data.js';
import type { TokenSource } from '../api.js';
import { type ErrorsByPath, fieldId, WHOLE_FORM } from '../proposal/field-errors.js';
import { Bi, type Edit, ErrorList } from '../proposal/fields.js';
import { REFERENCE_SECTION_LABELS, type SectionView } from './reference-view.js';
import type { SectionDrafting } from './section-drafting.js';
import { type SectionNotice, useSectionEdit } from './use-section-edit.js';

/** What a section's editor is given: the draft, how to change it, and the errors by path. */
export interface EditorProps<Draft> {
  draft: Draft;
  edit: Edit<Draft>;
  errors: ErrorsByPath;
}

/**
 * One section of the reference data: its heading, who changed it last and when, and its table;
 * for an administrator an Edit button that puts the section's editor in the table's place, with
 * Save and Cancel. Errors of a refused save are shown next to their fields (the focus goes to the
 * first); a save refused because someone else changed the section says so and offers to reload it.
 */
export function ReferenceSection<Value, Draft>({
  token,
  drafting,
  section,
  mayEdit,
  reloadPage,
  rules,
  table,
  editor,
}: {
  token: TokenSource;
  drafting: SectionDrafting<Value, Draft>;
  section: SectionView<Value>;
  mayEdit: boolean;
  /** Reads the whole page again (the changes list shows a save, a conflict needs the latest version). */
  reloadPage: () => void;
  /** The rules the server holds the section to, shown above the editor. */
  rules: BilingualText;
  table: (value: Value) => ComponentChildren;
  editor: (props: EditorProps<Draft>) => ComponentChildren;
}) {
  const state = useSectionEdit({ token, drafting, section, reloadPage });
  const label = REFERENCE_SECTION_LABELS[drafting.name];
  const headingId = `${fieldId(drafting.name)}-heading`;
  const form = useRef<HTMLFormElement>(null);
  const summary = useRef<HTMLDivElement>(null);
  const noticeBox = useRef<HTMLDivElement>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const opened = useRef(false);
  const isEditing = state.editing !== undefined;

  // Opening the editor puts the focus in its first input; closing it, back on the Edit button.
  useEffect(() => {
    if (isEditing) {
      opened.current = true;
      form.current?.querySelector<HTMLElement>('input:not([readonly]), select, textarea, button')?.focus();
    } else if (opened.current) {
      opened.current = false;
      editButton.current?.focus();
    }
  }, [isEditing]);
  // After a refused save, the focus goes to what refused it: a conflict or failure notice, else the
  // first field in error (or the summary).
  useEffect(() => {
    if (state.refusals === 0) return;
    const fieldInError = form.current?.querySelector<HTMLElement>('[data-invalid]');
    (state.notice ? noticeBox.current : (fieldInError ?? summary.current))?.focus();
  }, [state.refusals]);

  const errorCount = [...state.errors.values()].reduce((n, list) => n + list.length, 0);
  return (
    <section aria-labelledby={headingId} class="reference-section">
      <h2 id={headingId}>
        <Bi {...label} />
      </h2>
      <p class="hint">
        <Bi {...lastChange(state.shown)} />
      </p>
      <div ref={noticeBox} tabIndex={-1} class="form-summary">
        <Notice notice={state.notice} restarting={state.restarting} onReload={state.restartFromLatest} />
      </div>
      {state.editing === undefined ? (
        <>
          {/* On a narrow screen the table scrolls sideways: a named tab stop lets the keyboard scroll it. */}
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling box must be focusable for the keyboard to scroll it */}
          {/* biome-ignore lint/a11y/useSemanticElements: a fieldset is for form controls; this groups a read-only table */}
          <div class="table-wrap" tabIndex={0} role="group" aria-labelledby={headingId}>
            {table(state.shown.value)}
          </div>
          {mayEdit && (
            <button type="button" ref={editButton} onClick={state.start}>
              修改{label.zh} <span lang="en">Edit {label.en.toLowerCase()}</span>
            </button>
          )}
        </>
      ) : (
        <form
          ref={form}
          class="reference-form"
          aria-labelledby={headingId}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void state.save();
          }}
        >
          <div ref={summary} tabIndex={-1} class="form-summary" role="alert">
            {state.attempted && errorCount > 0 && (
              <div class="error">
                <p>
                  <Bi
                    zh={`有 ${errorCount} 处需要修改，已在相应栏目旁标出。`}
                    en={`${errorCount} ${errorCount === 1 ? 'problem' : 'problems'} to correct, each shown next to its field.`}
                  />
                </p>
                <ErrorList
                  id={`${fieldId(drafting.name)}-form-error`}
                  errors={state.errors.get(WHOLE_FORM) ?? []}
                />
              </div>
            )}
          </div>
          <p class="hint">
            <Bi {...rules} />
          </p>
          {editor({ draft: state.editing, edit: state.edit, errors: state.errors })}
          <div class="form-actions">
            <button type="submit" class="primary" disabled={state.busy}>
              {state.busy ? '正在保存… · Saving…' : '保存 · Save'}
            </button>
            <button type="button" onClick={state.cancel} disabled={state.busy}>
              取消 · Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

/** Who changed the section last and when, or that the deployment's settings seeded it. */
function lastChange(section: SectionView<unknown>): BilingualText {
  const at = formatChinaTime(section.updatedAt);
  return section.updatedBy === SEED_ACTOR
    ? {
        zh: `第 ${section.version} 版，${at} 由部署配置导入。`,
        en: `Version ${section.version}, seeded from the deployment's settings on ${at}.`,
      }
    : {
        zh: `第 ${section.version} 版，${section.updatedBy} 于 ${at} 修改。`,
        en: `Version ${section.version}, changed by ${section.updatedBy} on ${at}.`,
      };
}

function Notice({
  notice,
  restarting,
  onReload,
}: {
  notice: SectionNotice | undefined;
  restarting: boolean;
  onReload: () => void;
}) {
  if (!notice) return null;
  switch (notice.kind) {
    case 'saved':
      return (
        <p class="notice" role="status">
          <Bi zh={`已保存为第 ${notice.version} 版。`} en={`Saved as version ${notice.version}.`} />
        </p>
      );
    case 'reloaded':
      return (
        <p class="notice" role="status">
          <Bi
            zh={`已载入最新的第 ${notice.version} 版，请在此基础上重新修改。`}
            en={`Version ${notice.version}, the latest, is loaded: make your changes again on it.`}
          />
        </p>
      );
    case 'failed':
      return (
        <p class="error" role="alert">
          <Bi {...notice.text} />
        </p>
      );
    case 'stale':
      return (
        <div class="notice conflict" role="alert">
          <p>
            <Bi
              zh={`您修改期间，有人保存了此部分（您修改的是第 ${notice.version} 版）。您的修改没有保存。`}
              en={`Someone saved this section while you were editing version ${notice.version}. Your changes were not saved.`}
            />
          </p>
          <p>
            <button type="button" onClick={onReload} disabled={restarting}>
              {restarting ? '正在载入… · Reloading…' : '载入最新版本 · Reload this section'}
            </button>
          </p>
        </div>
      );
  }
}
