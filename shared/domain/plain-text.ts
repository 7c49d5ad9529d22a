/**
 * Plain text on one line, as titles and names must be. Control characters (C0, DEL, C1) and the
 * bidirectional formatting marks (LRM/RLM, ALM, the embeddings, overrides and isolates) have no
 * place there: the overrides let a subject line or a page show text in another order than it is
 * stored (`U+202E` turns `fdp.exe` into what reads as `exe.pdf`).
 */
export const SINGLE_LINE_PLAIN = /^[^\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]*$/u;

const CONTROL_OR_BIDI = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]+/gu;

/** The text with every control or bidirectional formatting character replaced by a space, for a line made of text from elsewhere (a mail subject). */
export function withoutControlCharacters(text: string): string {
  return text.replace(CONTROL_OR_BIDI, ' ');
}
