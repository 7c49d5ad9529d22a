/** A text people read in both languages: Chinese first, English below. */
export interface BilingualText {
  zh: string;
  en: string;
}
