// dist/core/errors.js
var OctoError = class extends Error {
  code;
  hint;
  exitCode;
  constructor(code, message, opts = {}) {
    super(message), this.name = "OctoError", this.code = code, this.hint = opts.hint, this.exitCode = opts.exitCode ?? 1;
  }
}, UsageError = class extends OctoError {
  constructor(message, hint, code = "usage") {
    super(code, message, { hint, exitCode: 2 }), this.name = "UsageError";
  }
}, NotFoundError = class extends OctoError {
  constructor(message, hint) {
    super("not_found", message, { hint, exitCode: 1 }), this.name = "NotFoundError";
  }
}, ConflictError = class extends OctoError {
  constructor(message, hint) {
    super("conflict", message, { hint, exitCode: 1 }), this.name = "ConflictError";
  }
}, CancelledError = class extends OctoError {
  constructor() {
    super("cancelled", "cancelled", { exitCode: 130 }), this.name = "CancelledError";
  }
};
function isOctoError(err) {
  return err instanceof OctoError;
}

export {
  OctoError,
  UsageError,
  NotFoundError,
  ConflictError,
  CancelledError,
  isOctoError
};
