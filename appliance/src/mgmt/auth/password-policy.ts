/** Minimum length of a management password (API contract v1). */
export const MIN_PASSWORD_LENGTH = 10;

/** How many recent passwords (the current one included) may not be reused. */
export const PASSWORD_HISTORY_DEPTH = 3;

/** Why a password was refused: a stable reason plus English and Chinese text for the operator. */
export interface PolicyViolation {
  reason: 'too_short' | 'too_few_classes' | 'equals_username' | 'recently_used';
  message: string;
  messageZh: string;
}

/** Character classes present: lower, upper, digit, anything else (symbols, CJK, spaces). */
export function characterClasses(password: string): number {
  let n = 0;
  if (/\p{Ll}/u.test(password)) n++;
  if (/\p{Lu}/u.test(password)) n++;
  if (/\p{Nd}/u.test(password)) n++;
  if (/[^\p{Ll}\p{Lu}\p{Nd}]/u.test(password)) n++;
  return n;
}

/**
 * Checks the rules that need no hashes: length, 3 of 4 classes, not the username. Reuse of a recent
 * password is checked by the account service, which holds the hashes. Returns every violation.
 */
export function checkPasswordPolicy(password: string, username: string): PolicyViolation[] {
  const out: PolicyViolation[] = [];
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    out.push({ reason: 'too_short', message: `must be at least ${MIN_PASSWORD_LENGTH} characters`, messageZh: `至少 ${MIN_PASSWORD_LENGTH} 个字符` });
  }
  if (characterClasses(password) < 3) {
    out.push({ reason: 'too_few_classes', message: 'must mix at least 3 of: lower case, upper case, digits, symbols', messageZh: '须包含小写、大写、数字、符号中的至少三类' });
  }
  if (password.toLowerCase() === username.toLowerCase()) {
    out.push({ reason: 'equals_username', message: 'must not equal the username', messageZh: '不能与用户名相同' });
  }
  return out;
}
