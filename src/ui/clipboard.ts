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
