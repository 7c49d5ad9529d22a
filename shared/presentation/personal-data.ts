/**
 * Personal data as pages show it to someone who holds only a link: enough to recognise, not to
 * harvest. An e-mail address keeps its first character and its domain.
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email.charAt(0)}***${email.slice(at)}`;
}
