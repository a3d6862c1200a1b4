/**
 * A word a POSIX shell reads back as `text`, so that a hint's command can be pasted as it is. `~`
 * is quoted too: unquoted at the start of a word, the shell would expand it.
 */
export function shellWord(text: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
