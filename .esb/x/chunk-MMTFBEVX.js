import {
  OctoError
} from "./chunk-3TCPD4YY.js";

// dist/core/secret-box.js
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
var VERSION = 1;
function seal(masterKey, plaintext, rowId) {
  let iv = randomBytes(12), cipher = createCipheriv("aes-256-gcm", masterKey, iv);
  cipher.setAAD(Buffer.from(rowId, "utf8"));
  let body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
}
function open(masterKey, sealed, rowId) {
  try {
    if (sealed[0] !== VERSION)
      throw new Error("unknown version");
    let decipher = createDecipheriv("aes-256-gcm", masterKey, sealed.subarray(1, 13));
    return decipher.setAAD(Buffer.from(rowId, "utf8")), decipher.setAuthTag(sealed.subarray(13, 29)), Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]).toString("utf8");
  } catch {
    throw wrongMasterKey();
  }
}
function masterKeyFingerprint(masterKey) {
  return createHmac("sha256", masterKey).update("octo master key check v1").digest("hex").slice(0, 16);
}
function wrongMasterKey() {
  return new OctoError("master_key_mismatch", "the master key does not open this keystore's secrets", {
    hint: "set OCTO_MASTER_KEY (or ~/.config/octo/master.key) to the master key this keystore was created with"
  });
}

export {
  seal,
  open,
  masterKeyFingerprint,
  wrongMasterKey
};
