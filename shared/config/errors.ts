/** A deployment or function setting is missing or wrong: said with the file or variable and the field. */
export class SettingsError extends Error {
  override name = 'SettingsError';
}
