import type { ChalkInstance } from 'chalk';
import { writeSync } from 'node:fs';
import { OctoError } from '../core/errors.js';
import { maskKeysIn } from '../core/find-keys.js';
import { colorChoice, loadPainters, PLAIN, type Painters } from './colors.js';
import type { ListForm } from './formats.js';

export interface OutputOptions {
  json: boolean;
  /** false when --no-color was given */
  color: boolean;
  debug: boolean;
  env: NodeJS.ProcessEnv;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

/**
 * The one place that writes: data to stdout, messages and errors to stderr, a colour decision per
 * stream. chalk alone ignores NO_COLOR, so the level is decided here (colors.ts, colorChoice).
 */
export class Output {
  readonly json: boolean;
  readonly debug: boolean;
  /** Colours for stdout and for stderr. */
  readonly c: ChalkInstance;
  readonly e: ChalkInstance;
  private readonly env: NodeJS.ProcessEnv;
  private out: NodeJS.WriteStream | undefined;
  private err: NodeJS.WriteStream | undefined;
  private readerGone = false;
  /** How listings write their rows (`--format`); see tableLayout. */
  private listForm: ListForm = 'auto';
  /** `-q/--quiet`: a listing prints its ids only, and messages for the person are left out. */
  private quietMode = false;

  constructor(opts: OutputOptions, painters: Painters = { stdout: PLAIN, stderr: PLAIN }) {
    this.json = opts.json;
    this.debug = opts.debug;
    this.env = opts.env;
    this.out = opts.stdout;
    this.err = opts.stderr;
    this.c = painters.stdout;
    this.e = painters.stderr;
  }

  /** An Output with the colour colorChoice decides: none, FORCE_COLOR's level, or the terminal's. */
  static async create(opts: OutputOptions): Promise<Output> {
    // JSON is never painted, so a --json run does not even ask whether its streams are terminals
    // (node:tty alone, with node:net under it, is ~4 ms of a `keys verify --json` start-up).
    const choice = colorChoice(opts.env, opts.color && !opts.json);
    if (choice === 0) return new Output(opts);
    if (choice !== 'terminal') return new Output(opts, await loadPainters(choice, false, false));
    const { isatty } = await import('node:tty');
    const tty = (stream: NodeJS.WriteStream | undefined, fd: number) => (stream ? Boolean(stream.isTTY) : isatty(fd));
    return new Output(opts, await loadPainters(choice, tty(opts.stdout, 1), tty(opts.stderr, 2)));
  }

  get stdout(): NodeJS.WriteStream {
    if (!this.out) {
      this.out = process.stdout;
      // A reader that went away (`octo keys list | head`) ends the output, not the process.
      this.out.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EPIPE') this.readerGone = true;
        else throw err;
      });
    }
    return this.out;
  }

  get stderr(): NodeJS.WriteStream {
    this.err ??= process.stderr;
    return this.err;
  }

  /** Data for stdout, unless its reader has gone. */
  private writeData(text: string): void {
    if (!this.readerGone) this.stdout.write(text);
  }

  /**
   * How many columns a table may take when stdout is a terminal: $COLUMNS when set (a person's
   * override), else the terminal's own width, else 80. null off a terminal, where tables are
   * tab-separated rows for other programs.
   */
  get terminalColumns(): number | null {
    return this.stdout.isTTY ? this.tableWidth() : null;
  }

  /** $COLUMNS, else the terminal's width, else 80 (a table asked for off a terminal). */
  private tableWidth(): number {
    const fromEnv = Number(this.env.COLUMNS);
    if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
    return this.stdout.columns > 0 ? this.stdout.columns : 80;
  }

  /** What the listing options of this command asked for (`--format`, `-q`); once, before it runs. */
  useListing(mode: 'json' | 'quiet' | ListForm): void {
    this.quietMode = mode === 'quiet';
    if (mode !== 'json' && mode !== 'quiet') this.listForm = mode;
  }

  get quiet(): boolean {
    return this.quietMode;
  }

  /**
   * How a table is written: a width to fit (a table with borders), null for tab-separated rows, or
   * `csv`. Without --format: a table on a terminal, TSV off one.
   */
  get tableLayout(): number | null | 'csv' {
    switch (this.listForm) {
      case 'auto': return this.terminalColumns;
      case 'table': return this.tableWidth();
      case 'tsv': return null;
      case 'csv': return 'csv';
    }
  }

  /** `-q`: one id per line and nothing else, for `xargs`. */
  async ids(ids: Iterable<string> | AsyncIterable<string>): Promise<void> {
    await this.streamLines(ids);
  }

  get colorOn(): boolean {
    return this.c.level > 0;
  }

  /** `--json`: the one keyed document of this command. */
  document(doc: object): void {
    this.writeWhole(JSON.stringify(doc, null, 2) + '\n');
  }

  /**
   * Output written in one go straight to file descriptor 1 while no stdout stream exists yet:
   * making process.stdout loads node's stream machinery, and node:net for a pipe (the CI-loop case
   * of `keys verify --json`, whose start-up is measured). A full non-blocking stdout (EAGAIN) gets
   * the rest through the stream, which waits for it; a reader that went away (EPIPE) ends the output.
   */
  private writeWhole(text: string): void {
    if (this.readerGone) return;
    if (this.out) return void this.out.write(text);
    const bytes = Buffer.from(text);
    let at = 0;
    try {
      while (at < bytes.length) at += writeSync(1, bytes, at);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') this.readerGone = true;
      else if (code === 'EAGAIN') this.stdout.write(bytes.subarray(at));
      else throw err;
    }
  }

  /**
   * `{"<name>": [...]}` written as the items come, in chunks, waiting for the pipe to drain, so a
   * listing of 100,000 keys is never one giant string nor a queue of pending writes in memory.
   */
  async streamDocument(name: string, items: Iterable<object> | AsyncIterable<object>): Promise<void> {
    const key = JSON.stringify(name);
    await this.writeChunked((async function* () {
      let first = true;
      yield `{\n  ${key}: [`;
      for await (const item of items) {
        yield (first ? '\n    ' : ',\n    ') + JSON.stringify(item);
        first = false;
      }
      yield first ? ']\n}\n' : '\n  ]\n}\n';
    })());
  }

  /** Lines of human data on stdout, written as streamDocument writes (a long table, say). */
  async streamLines(lines: Iterable<string> | AsyncIterable<string>): Promise<void> {
    await this.writeChunked((async function* () {
      for await (const line of lines) yield line + '\n';
    })());
  }

  /** Pieces of output joined into chunks of about 64 KiB, each written once the pipe has drained. */
  private async writeChunked(pieces: AsyncIterable<string>): Promise<void> {
    let chunk = '';
    for await (const piece of pieces) {
      // Returning ends the loop, which closes the source: the rows after it are never read.
      if (this.readerGone) return;
      chunk += piece;
      if (chunk.length > 65_536) {
        await this.writeOut(chunk);
        chunk = '';
      }
    }
    if (chunk !== '') await this.writeOut(chunk);
  }

  private writeOut(text: string): Promise<void> | void {
    if (this.readerGone || this.stdout.write(text)) return;
    // Resolved by 'drain', or by the reader going away ('error' EPIPE), which ends the listing.
    return new Promise((resolve) => {
      const done = () => {
        this.stdout.off('drain', done).off('error', done);
        resolve();
      };
      this.stdout.on('drain', done).on('error', done);
    });
  }

  /** A stream of JSON documents, one per line (serve's log, scan findings). */
  jsonLine(doc: object): void {
    this.writeData(JSON.stringify(doc) + '\n');
  }

  /** Text for stdout as it is (commander's help), unless its reader has gone. */
  text(text: string): void {
    this.writeData(text);
  }

  /** A line of human data on stdout. */
  line(text = ''): void {
    this.writeData(text + '\n');
  }

  /** A message for the person on stderr (never data; silent under --json). */
  info(text: string): void {
    if (!this.json && !this.quietMode) this.stderr.write(text + '\n');
  }

  warn(text: string): void {
    if (this.json) return;
    this.stderr.write(this.e.yellow('warning: ') + text + '\n');
  }

  /**
   * SPEC §5: `error: …` and `hint: …`, or a JSON error object on stderr; a stack only with --debug.
   * Anything shaped like a key is masked here, whatever raised the error (SPEC §4: no secret in an
   * error message), so that no message, hint or stack can carry one to a terminal or a CI log.
   */
  error(err: unknown): void {
    const write = (text: string) => this.stderr.write(maskKeysIn(text));
    if (err instanceof OctoError) {
      if (this.json) {
        const body: Record<string, string> = { code: err.code, message: err.message };
        if (err.hint) body.hint = err.hint;
        write(JSON.stringify({ error: body }) + '\n');
      } else {
        write(this.e.red('error: ') + err.message + '\n');
        if (err.hint) write(this.e.dim('hint: ') + err.hint + '\n');
      }
      if (this.debug && err.stack) write(err.stack + '\n');
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    const hint = 'this is a bug in octo; run again with --debug for the stack and report it';
    if (this.json) {
      write(JSON.stringify({ error: { code: 'internal', message, hint } }) + '\n');
    } else {
      write(this.e.red('error: ') + message + '\n' + this.e.dim('hint: ') + hint + '\n');
    }
    if (this.debug && err instanceof Error && err.stack) write(err.stack + '\n');
  }
}
