import {
  encodeBase62,
  randomBase62
} from "./chunk-TLRGMCEY.js";

// dist/core/key-format.js
import { createHash } from "node:crypto";

// dist/core/crc32.js
var TABLE = (() => {
  let table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++)
      c = c & 1 ? 3988292384 ^ c >>> 1 : c >>> 1;
    table[i] = c >>> 0;
  }
  return table;
})();
function crc32(text) {
  let crc = 4294967295;
  for (let i = 0; i < text.length; i++)
    crc = TABLE[(crc ^ text.charCodeAt(i)) & 255] ^ crc >>> 8;
  return (crc ^ 4294967295) >>> 0;
}

// dist/core/key-format.js
var PREFIXES = [
  { prefix: "octo_ws_", family: "octopods", kind: "workspace", env: null },
  { prefix: "octo_ch_", family: "octopods", kind: "channel", env: null },
  { prefix: "octo_wa_", family: "octopods", kind: "waba", env: null },
  { prefix: "oct_live_", family: "bearer", kind: "bearer", env: "live" },
  { prefix: "oct_test_", family: "bearer", kind: "bearer", env: "test" },
  { prefix: "octo_wh_", family: "webhook", kind: "webhook_secret", env: null }
], RANDOM_LENGTH = 32, CHECKSUM_LENGTH = 6, KEY_PATTERN_SOURCE = "(?:octo_(?:ws|ch|wa|wh)_|oct_(?:live|test)_)[0-9A-Za-z]{" + (RANDOM_LENGTH + CHECKSUM_LENGTH) + "}", WHOLE_KEY = new RegExp("^(octo_(?:ws|ch|wa|wh)_|oct_(?:live|test)_)[0-9A-Za-z]{" + (RANDOM_LENGTH + CHECKSUM_LENGTH) + "}$");
function prefixFor(kind, env = null) {
  let info = PREFIXES.find((p) => p.kind === kind && (kind !== "bearer" || p.env === env));
  if (!info)
    throw new Error(`no prefix for ${kind}/${env}`);
  return info.prefix;
}
function checksumOf(prefixAndRandom) {
  return encodeBase62(crc32(prefixAndRandom), CHECKSUM_LENGTH);
}
function generateKey(prefix) {
  let body = prefix + randomBase62(RANDOM_LENGTH);
  return body + checksumOf(body);
}
function parseKey(key) {
  let m = WHOLE_KEY.exec(key);
  if (!m)
    return { ok: !1, problem: "format" };
  let prefix = m[1], body = key.slice(0, key.length - CHECKSUM_LENGTH);
  return checksumOf(body) !== key.slice(-CHECKSUM_LENGTH) ? { ok: !1, problem: "checksum" } : { ok: !0, info: PREFIXES.find((p) => p.prefix === prefix) };
}
function hashKey(key) {
  return createHash("sha256").update(key, "latin1").digest();
}
function maskKey(key) {
  let info = PREFIXES.find((p) => key.startsWith(p.prefix)), prefix = info ? info.prefix : "";
  return prefix + key.slice(prefix.length, prefix.length + 4) + "\u2026" + key.slice(-4);
}

export {
  KEY_PATTERN_SOURCE,
  prefixFor,
  generateKey,
  parseKey,
  hashKey,
  maskKey
};
