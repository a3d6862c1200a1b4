/**
 * Text measured, cut and wrapped as a terminal shows it: by display columns (a CJK or full-width
 * character and most emoji take two, a combining mark none), between grapheme clusters, with
 * colour codes taking no room and never split.
 */
export interface TextWidth {
  displayWidth(text: string): number;
  /** One line in at most `width` columns, ending in … when cut. */
  truncateLine(text: string, width: number): string;
  /** One line as lines of at most `width` columns, broken at spaces (a longer word between characters). */
  wrapLine(text: string, width: number): string[];
}

/**
 * string-width is ESM only: imported, as chalk is, when a table is drawn on a terminal (the
 * CommonJS bundle keeps `import()` of a package real), so no other command loads it.
 */
export async function loadTextWidth(): Promise<TextWidth> {
  const { default: stringWidth } = await import('string-width');
  return textWidth(stringWidth);
}

const ANSI = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\))/g;
/**
 * Printable ASCII and the two marks octo writes into cells itself (… in a masked key, — for
 * "none"): one column per character, no segmenter. string-width takes ~16 µs for a masked key
 * and ~0.1 µs for ASCII, and a listing measures 100,000 of them twice.
 */
const NARROW = /^[\x20-\x7E\u2014\u2026]*$/;
const RESET = '\x1b[0m';

/** `text` without its colour codes (and other terminal escape sequences). */
function stripCodes(text: string): string {
  return text.includes('\x1b') ? text.replace(ANSI, '') : text;
}

interface Piece {
  text: string;
  width: number;
  code: boolean;
}

const SPACE: Piece = { text: ' ', width: 1, code: false };

function textWidth(stringWidth: (text: string) => number): TextWidth {
  let segmenter: Intl.Segmenter | undefined;

  function displayWidth(text: string): number {
    const plain = stripCodes(text);
    return NARROW.test(plain) ? plain.length : stringWidth(plain);
  }

  function* graphemes(text: string): Generator<Piece> {
    if (NARROW.test(text)) {
      for (const ch of text) yield { text: ch, width: 1, code: false };
      return;
    }
    segmenter ??= new Intl.Segmenter();
    for (const { segment } of segmenter.segment(text)) yield { text: segment, width: stringWidth(segment), code: false };
  }

  function* pieces(text: string): Generator<Piece> {
    let at = 0;
    for (const m of text.matchAll(ANSI)) {
      yield* graphemes(text.slice(at, m.index));
      yield { text: m[0], width: 0, code: true };
      at = m.index + m[0].length;
    }
    yield* graphemes(text.slice(at));
  }

  function words(text: string): Piece[][] {
    const found: Piece[][] = [[]];
    for (const p of pieces(text)) {
      if (!p.code && p.text === ' ') found.push([]);
      else found.at(-1)!.push(p);
    }
    return found.filter((w) => w.length > 0);
  }

  return {
    displayWidth,

    // Colour codes after the cut are kept, so a colour still ends where it ended.
    truncateLine(text, width) {
      if (displayWidth(text) <= width) return text;
      if (NARROW.test(text)) return text.slice(0, width - 1) + '…';
      let kept = '';
      let used = 0;
      let cut = false;
      let tail = '';
      for (const p of pieces(text)) {
        if (p.code) {
          if (cut) tail += p.text;
          else kept += p.text;
        } else if (!cut && used + p.width <= width - 1) {
          kept += p.text;
          used += p.width;
        } else {
          cut = true;
        }
      }
      return kept + '…' + tail;
    },

    // A colour that spans a break is closed at the line's end and opened again on the next line
    // (the codes so far replayed), so padding and borders stay uncoloured.
    wrapLine(text, width) {
      if (displayWidth(text) <= width) return [text];
      if (NARROW.test(text)) return wrapNarrow(text, width);
      const lines: string[] = [];
      let line = '';
      let used = 0;
      let codes = '';
      const breakLine = () => {
        lines.push(codes ? line + RESET : line);
        line = codes;
        used = 0;
      };
      const place = (p: Piece) => {
        if (p.width > 0 && used > 0 && used + p.width > width) breakLine();
        line += p.text;
        used += p.width;
        if (p.code) codes += p.text;
      };
      for (const word of words(text)) {
        const w = word.reduce((sum, p) => sum + p.width, 0);
        if (w > 0 && used > 0) {
          if (used + 1 + w > width) breakLine();
          else place(SPACE);
        }
        for (const p of word) place(p);
      }
      lines.push(line);
      return lines;
    },
  };
}

/** wrapLine for text of one column per character and no colour: the same lines, by slicing. */
function wrapNarrow(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (let word of text.split(' ')) {
    if (word === '') continue;
    if (line !== '' && line.length + 1 + word.length <= width) {
      line += ' ' + word;
      continue;
    }
    if (line !== '') lines.push(line);
    while (word.length > width) {
      lines.push(word.slice(0, width));
      word = word.slice(width);
    }
    line = word;
  }
  lines.push(line);
  return lines;
}
