import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { colorChoice, forcedLevel, type ColorChoice } from '../../src/ui/colors.js';
import { Output } from '../../src/ui/output.js';

describe('the colour decision', () => {
  // [env, colour allowed (no --no-color, no --json), decision]
  it.each<[NodeJS.ProcessEnv, boolean, ColorChoice]>([
    [{}, true, 'terminal'],
    [{}, false, 0],
    [{ NO_COLOR: '1' }, true, 0],
    [{ NO_COLOR: '' }, true, 'terminal'],
    [{ FORCE_COLOR: '1' }, true, 1],
    [{ FORCE_COLOR: '2' }, true, 2],
    [{ FORCE_COLOR: '3' }, true, 3],
    [{ FORCE_COLOR: '0' }, true, 0],
    [{ FORCE_COLOR: '3' }, false, 0],
    [{ FORCE_COLOR: '3', NO_COLOR: '1' }, true, 0],
    [{ FORCE_COLOR: '' , NO_COLOR: '' }, true, 1],
  ])('%j, allowed %s → %s', (env, allowed, choice) => {
    expect(colorChoice(env, allowed)).toBe(choice);
  });

  it.each<[string | undefined, number | undefined]>([
    [undefined, undefined], ['', 1], ['1', 1], ['true', 1], ['2', 2], ['3', 3], ['0', 0], ['false', 0], ['4', 0], ['yes', 0],
  ])('FORCE_COLOR=%j is level %s (as node reads it)', (value, level) => {
    expect(forcedLevel(value)).toBe(level);
  });
});

describe('Output with FORCE_COLOR', () => {
  const pipe = () => new Writable({ write: (_c, _e, done) => done() }) as unknown as NodeJS.WriteStream;
  const create = (env: NodeJS.ProcessEnv, flags: { json?: boolean; color?: boolean } = {}) =>
    Output.create({ json: flags.json ?? false, color: flags.color ?? true, debug: false, env, stdout: pipe(), stderr: pipe() });

  it('paints both streams at the forced level although neither is a terminal', async () => {
    for (const level of [1, 2, 3]) {
      const out = await create({ FORCE_COLOR: String(level) });
      expect([out.c.level, out.e.level]).toEqual([level, level]);
      expect(out.c.red('x')).toBe('\u001b[31mx\u001b[39m');
    }
  });

  it('paints nothing off a terminal without it, nor when NO_COLOR, --no-color or --json say no', async () => {
    for (const out of [await create({}), await create({ FORCE_COLOR: '0' }), await create({ FORCE_COLOR: '1', NO_COLOR: '1' }),
      await create({ FORCE_COLOR: '1' }, { color: false }), await create({ FORCE_COLOR: '1' }, { json: true })]) {
      expect([out.c.level, out.e.level, out.c.red('x')]).toEqual([0, 0, 'x']);
    }
  });
});
