// dist/core/base62.js
import { randomBytes } from "node:crypto";
var BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
function encodeBase62(value, width) {
  let out = "", n = value;
  do
    out = BASE62[n % 62] + out, n = Math.floor(n / 62);
  while (n > 0);
  return out.padStart(width, "0");
}
var POOL_SIZE = 4096, pool = randomBytes(0), offset = 0;
function nextRandomByte() {
  return offset >= pool.length && (pool = randomBytes(POOL_SIZE), offset = 0), pool[offset++];
}
function randomBase62(length) {
  let out = "";
  for (; out.length < length; ) {
    let byte = nextRandomByte();
    byte < 248 && (out += BASE62[byte % 62]);
  }
  return out;
}

export {
  encodeBase62,
  randomBase62
};
