import type { Output } from './output.js';

/**
 * One line on stderr, redrawn in place, for long walks: shown only on a terminal, not under --json,
 * and only once the work has lasted long enough to need it (a quick scan never flickers).
 */
export class ProgressLine {
  private readonly on: boolean;
  private readonly started = Date.now();
  private lastDrawn = 0;
  private drawn = false;

  constructor(
    private readonly out: Output,
    private readonly delayMs = 500,
    private readonly everyMs = 100,
  ) {
    this.on = Boolean(out.stderr.isTTY) && !out.json;
  }

  /** `text` is called only when the line is actually redrawn. */
  update(text: () => string): void {
    if (!this.on) return;
    const now = Date.now();
    if (now - this.started < this.delayMs || now - this.lastDrawn < this.everyMs) return;
    this.lastDrawn = now;
    this.drawn = true;
    const width = (this.out.stderr.columns || 80) - 1;
    this.out.stderr.write('\r\x1b[K' + this.out.e.dim(text().slice(0, width)));
  }

  /** Erases the line, so that what follows starts on a clean one. */
  done(): void {
    if (this.drawn) this.out.stderr.write('\r\x1b[K');
    this.drawn = false;
  }
}
