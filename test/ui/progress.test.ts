import { describe, expect, it } from 'vitest';
import { Output } from '../../src/ui/output.js';
import { ProgressLine } from '../../src/ui/progress.js';

/** The progress line of long scans: drawn in place on a terminal's stderr, and nowhere else. */
function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  const stream = { isTTY, columns: 20, write: (s: string) => (writes.push(s), true) } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

function progress(opts: { tty: boolean; json?: boolean; delayMs?: number }) {
  const err = fakeStream(opts.tty);
  const out = new Output({ json: opts.json ?? false, color: false, debug: false, env: {}, stdout: fakeStream(false).stream, stderr: err.stream });
  return { line: new ProgressLine(out, opts.delayMs ?? 0, 0), writes: err.writes };
}

describe('ProgressLine', () => {
  it('redraws one line in place on a terminal, cut to its width, and erases it when done', () => {
    const { line, writes } = progress({ tty: true });
    line.update(() => 'scanning… 10 files');
    line.update(() => 'scanning… 20 files and a long tail');
    line.done();
    expect(writes).toEqual(['\r\x1b[Kscanning… 10 files', '\r\x1b[Kscanning… 20 files ', '\r\x1b[K']);
  });

  it.each([
    ['off a terminal', { tty: false }],
    ['under --json', { tty: true, json: true }],
    ['before the delay has passed', { tty: true, delayMs: 60_000 }],
  ])('writes nothing %s', (_name, opts) => {
    const { line, writes } = progress(opts);
    let asked = 0;
    line.update(() => String(++asked));
    line.done();
    expect(writes).toEqual([]);
    expect(asked).toBe(0);
  });
});
