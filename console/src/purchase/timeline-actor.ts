import { onBehalfOfText } from '../../../shared/presentation/on-behalf-of.js';

/** What the page reads of each entry of the view's `audit`. */
export interface AuditEntryView {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  /** A delegate's entries name the approver they acted for. */
  readonly detail?: {
    readonly onBehalfOf?: { readonly name: string; readonly email: string };
    readonly delegateName?: string;
  };
}

/** Who acted: the actor, or "X for Y" when a delegate acted for an approver who was away. */
export function actorOf(entry: AuditEntryView): string {
  const { onBehalfOf, delegateName } = entry.detail ?? {};
  if (!onBehalfOf || delegateName === undefined) return entry.actor;
  const text = onBehalfOfText(delegateName, onBehalfOf);
  return `${text.zh} · ${text.en} <${entry.actor}>`;
}
