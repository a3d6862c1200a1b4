import { OctoError } from '../core/errors.js';

/**
 * Copies text to the system clipboard. clipboardy is imported on use; where no clipboard exists
 * (no display, no xsel/wl-copy) the error says so and points at --print.
 */
export async function copyToClipboard(text: string, printCommand: string): Promise<void> {
  try {
    const { default: clipboard } = await import('clipboardy');
    await clipboard.write(text);
  } catch {
    throw new OctoError('no_clipboard', 'no clipboard is available here (no display, or no xsel / wl-copy)', {
      hint: `print the key instead, into a secrets manager or a pipe: \`${printCommand}\``,
    });
  }
}

/**
 * Whether `keys copy` would find a clipboard, asked the way it would use one (clipboardy picks the
 * same tool: pbcopy, xsel, wl-clipboard, the Windows one) but by reading, so that nothing is put
 * on the clipboard. What is read is dropped unseen. A tool that has not answered within
 * `timeoutMs` counts as no clipboard.
 */
export async function clipboardAvailable(timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const read = import('clipboardy').then(({ default: clipboard }) => clipboard.read()).then(() => true, () => false);
  try {
    return await Promise.race([read, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
