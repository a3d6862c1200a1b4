import {
  OctoError
} from "./chunk-3TCPD4YY.js";

// dist/ui/clipboard.js
async function copyToClipboard(text, printCommand) {
  try {
    let { default: clipboard } = await import("clipboardy");
    await clipboard.write(text);
  } catch {
    throw new OctoError("no_clipboard", "no clipboard is available here (no display, or no xsel / wl-copy)", {
      hint: `print the key instead, into a secrets manager or a pipe: \`${printCommand}\``
    });
  }
}

export {
  copyToClipboard
};
