import { UsageError } from './errors.js';

/**
 * The one rule for a name a person gives (a subject's, a bearer key's): 1 to 200 characters once
 * trimmed, none of them a control character. A tab, a line break or an escape sequence in a name
 * would break a table's row, a tab-separated line, or repaint the terminal that lists it.
 */
export function checkName(name: string, what: string, hint = 'give a name of 1 to 200 printable characters'): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 200 || /[\u0000-\u001f\u007f-\u009f]/.test(trimmed)) {
    throw new UsageError(`invalid ${what} name ${JSON.stringify(name)}`, hint);
  }
  return trimmed;
}
