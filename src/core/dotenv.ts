/**
 * Setting one variable in the text of a dotenv file (`NAME=value` lines, `#` comments, `export `
 * in front allowed), as the dotenv package, node's --env-file and docker compose read it. Every
 * other line is kept as it is, in its order.
 */

/** A POSIX shell variable name: what every dotenv reader accepts and a shell can `export`. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isEnvName(name: string): boolean {
  return NAME.test(name);
}

export type EnvChange = 'added' | 'updated';

/**
 * `text` with `name` set to `value`. The first `NAME=` line is rewritten in place (its `export `
 * and spacing kept; a quoted value over several lines replaced whole); a later `NAME=` line, which
 * would override it when the file is read, is removed, so the file never holds two. Without one,
 * `NAME=value` is appended. The line ending of the file (LF or CRLF) is kept.
 */
export function setEnvVar(text: string, name: string, value: string): { text: string; change: EnvChange } {
  if (!isEnvName(name)) throw new Error(`not a variable name: ${name}`);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/);
  const assignment = new RegExp(`^(\\s*(?:export\\s+)?${name}\\s*=\\s*)(.*)$`);
  const kept: string[] = [];
  let found = false;
  for (let i = 0; i < lines.length; i++) {
    const match = assignment.exec(lines[i]!);
    if (!match) {
      kept.push(lines[i]!);
      continue;
    }
    i = lastLineOfValue(lines, i, match[2]!);
    if (!found) kept.push(match[1]! + envValue(value));
    found = true;
  }
  if (!found) kept.push(`${name}=${envValue(value)}`);
  return { text: kept.join(eol) + eol, change: found ? 'updated' : 'added' };
}

/** The line a value starting on line `at` ends on: a quote opened and not closed there runs on. */
function lastLineOfValue(lines: string[], at: number, rest: string): number {
  const value = rest.trimStart();
  const quote = value[0];
  if (quote !== '"' && quote !== "'" && quote !== '`') return at;
  if (closes(value.slice(1), quote)) return at;
  for (let i = at + 1; i < lines.length; i++) if (closes(lines[i]!, quote)) return i;
  return at;
}

function closes(text: string, quote: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\' && quote === '"') i++;
    else if (text[i] === quote) return true;
  }
  return false;
}

/** octo's secrets are base62 and `_`: written bare. Anything else is single-quoted (taken literally). */
function envValue(value: string): string {
  if (/^[A-Za-z0-9_.\/+:@-]*$/.test(value)) return value;
  if (!/['\r\n]/.test(value)) return `'${value}'`;
  throw new Error('a value with a quote or a line break cannot be written to a dotenv file');
}
