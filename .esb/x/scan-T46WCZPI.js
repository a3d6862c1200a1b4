import {
  printScanReport,
  stillAccepted
} from "./chunk-BOIC4SHW.js";
import "./chunk-UO34M7ZK.js";
import {
  KEY_PATTERN_SOURCE,
  hashKey,
  maskKey,
  parseKey
} from "./chunk-SP5EZO2H.js";
import "./chunk-TLRGMCEY.js";
import "./chunk-FETB42K4.js";
import {
  keyStatus
} from "./chunk-O2HUYNQ3.js";
import {
  act
} from "./chunk-WY2B4RG5.js";
import "./chunk-MMTFBEVX.js";
import {
  OctoError,
  UsageError
} from "./chunk-3TCPD4YY.js";
import "./chunk-LHQAUY5C.js";

// dist/app/scan.js
import { existsSync as existsSync2 } from "node:fs";

// dist/core/find-keys.js
var KEY_SCAN_PATTERN_SOURCE = `\\b${KEY_PATTERN_SOURCE}\\b`, BINARY_SNIFF_BYTES = 8e3;
function looksBinary(bytes) {
  let end = Math.min(bytes.length, BINARY_SNIFF_BYTES);
  for (let i = 0; i < end; i++)
    if (bytes[i] === 0)
      return !0;
  return !1;
}
function mayHoldKey(bytes) {
  return bytes.includes("oct_") || bytes.includes("octo_");
}
function findKeys(text) {
  let pattern = new RegExp(KEY_SCAN_PATTERN_SOURCE, "g"), found = [], line = 1, lineStart = 0, counted = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    let parsed = parseKey(m[0]);
    if (parsed.ok) {
      for (let nl = text.indexOf(`
`, counted); nl !== -1 && nl < m.index; nl = text.indexOf(`
`, nl + 1))
        line++, lineStart = nl + 1;
      counted = m.index, found.push({ key: m[0], info: parsed.info, line, column: m.index - lineStart + 1 });
    }
  }
  return found;
}

// dist/app/scan-files.js
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import ignore from "ignore";
var ALWAYS_SKIPPED = /* @__PURE__ */ new Set([".git", "node_modules"]);
function walkPaths(cwd, paths, sink) {
  let roots = paths.map((p) => ({ p, abs: resolve(cwd, p), isFile: isFileRoot(resolve(cwd, p), p) }));
  for (let { p, abs, isFile } of roots)
    isFile ? readOne(abs, p, sink) : walkTree({ abs, shown: p, rules: ancestorRules(abs) }, sink);
}
function isFileRoot(abs, given) {
  try {
    let st = statSync(abs);
    if (st.isFile() || st.isDirectory())
      return st.isFile();
  } catch {
  }
  throw new UsageError(`no file or folder "${given}"`, "pass files or folders that exist, e.g. `octo keys scan .`", "path_not_found");
}
function walkTree(root, sink) {
  let pending = [root];
  for (let folder = pending.pop(); folder; folder = pending.pop()) {
    let entries;
    try {
      entries = readdirSync(folder.abs, { withFileTypes: !0 });
    } catch {
      sink.skip(folder.shown, "unreadable");
      continue;
    }
    let rules = folder.rules;
    if (entries.some((e) => e.name === ".gitignore" && e.isFile())) {
      let text = readText(join(folder.abs, ".gitignore"));
      text !== null && (rules = [...rules, { base: folder.abs + sep, ig: ignore().add(text) }]);
    }
    for (let e of entries) {
      if (ALWAYS_SKIPPED.has(e.name))
        continue;
      let abs = join(folder.abs, e.name), shown = join(folder.shown, e.name);
      e.isDirectory() ? isIgnored(rules, abs, !0) || pending.push({ abs, shown, rules }) : e.isFile() && !isIgnored(rules, abs, !1) && readOne(abs, shown, sink);
    }
  }
}
function isIgnored(rules, abs, isDir) {
  for (let i = rules.length - 1; i >= 0; i--) {
    let { base, ig } = rules[i], rel = abs.slice(base.length), verdict = ig.test(isDir ? rel + "/" : rel);
    if (verdict.ignored)
      return !0;
    if (verdict.unignored)
      return !1;
  }
  return !1;
}
function ancestorRules(dir) {
  if (existsSync(join(dir, ".git")))
    return [];
  let above = [];
  for (let d = dirname(dir), prev = dir; d !== prev; prev = d, d = dirname(d)) {
    if (above.unshift(d), !existsSync(join(d, ".git")))
      continue;
    let rules = [];
    for (let folder of above) {
      let text = readText(join(folder, ".gitignore"));
      text !== null && rules.push({ base: folder.endsWith(sep) ? folder : folder + sep, ig: ignore().add(text) });
    }
    return rules;
  }
  return [];
}
function readText(path) {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}
function readOne(abs, shown, sink) {
  let fd;
  try {
    fd = openSync(abs, "r");
    let { size } = fstatSync(fd);
    if (size > 10485760)
      return sink.skip(shown, "too_large", size);
    let bytes = Buffer.allocUnsafe(size), filled = 0;
    for (; filled < size; ) {
      let read = readSync(fd, bytes, filled, size - filled, filled);
      if (read === 0)
        break;
      filled += read;
    }
    sink.file(shown, bytes.subarray(0, filled));
  } catch (err) {
    err.code !== "ENOENT" && sink.skip(shown, "unreadable");
  } finally {
    fd !== void 0 && closeSync(fd);
  }
}

// dist/app/scan-staged.js
import { spawn } from "node:child_process";
import { realpathSync } from "node:fs";
import { join as join2, relative } from "node:path";
var BATCH_BYTES = 32 * 1024 * 1024;
async function readStaged(cwd, pathspecs, sink) {
  let top = (await git(cwd, ["rev-parse", "--show-toplevel"])).toString("utf8").trim(), here = realpathSync(cwd), shown = (path) => relative(here, join2(top, path)), raw = await git(cwd, ["diff", "--cached", "--raw", "-z", "--no-abbrev", "--no-renames", "--diff-filter=ACM", "--", ...pathspecs]), blobs = parseRawDiff(raw.toString("utf8"));
  if (blobs.length === 0)
    return;
  let sizeLines = (await git(cwd, ["cat-file", "--batch-check"], blobs.map((b) => b.oid).join(`
`) + `
`)).toString("utf8").split(`
`), batch = [], batchBytes = 0;
  for (let [i, blob] of blobs.entries()) {
    let size = Number(sizeLines[i]?.split(" ")[2] ?? NaN);
    Number.isFinite(size) ? size > 10485760 ? sink.skip(shown(blob.path), "too_large", size) : (batchBytes + size > BATCH_BYTES && batch.length > 0 && (await readBatch(cwd, batch, sink, shown), batch = [], batchBytes = 0), batch.push(blob), batchBytes += size) : sink.skip(shown(blob.path), "unreadable");
  }
  batch.length > 0 && await readBatch(cwd, batch, sink, shown);
}
function parseRawDiff(raw) {
  let fields = raw.split("\0"), blobs = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    let [, newMode, , oid] = fields[i].split(" ");
    newMode?.startsWith("100") && oid && !/^0+$/.test(oid) && blobs.push({ oid, path: fields[i + 1] });
  }
  return blobs;
}
async function readBatch(cwd, batch, sink, shown) {
  let out = await git(cwd, ["cat-file", "--batch"], batch.map((b) => b.oid).join(`
`) + `
`), pos = 0;
  for (let blob of batch) {
    let eol = out.indexOf(10, pos), header = out.toString("utf8", pos, eol).split(" ");
    if (eol < 0 || header[1] !== "blob") {
      sink.skip(shown(blob.path), "unreadable"), pos = eol + 1;
      continue;
    }
    let size = Number(header[2]);
    sink.file(shown(blob.path), out.subarray(eol + 1, eol + 1 + size)), pos = eol + 1 + size + 1;
  }
}
function git(cwd, args, input = "") {
  return new Promise((resolvePromise, reject) => {
    let child = spawn("git", args, { cwd, stdio: ["pipe", "pipe", "pipe"] }), chunks = [], stderr = "";
    child.stdout.on("data", (d) => chunks.push(d)), child.stderr.setEncoding("utf8").on("data", (d) => stderr += d), child.stdin.on("error", () => {
    }), child.on("error", (err) => {
      reject(err.code === "ENOENT" ? new OctoError("git_missing", "--staged needs git, and git is not on the PATH", { hint: "install git, or scan folders instead: `octo keys scan .`" }) : err);
    }), child.on("close", (code) => {
      if (code === 0)
        return resolvePromise(Buffer.concat(chunks));
      if (/not a git repository/i.test(stderr))
        return reject(new UsageError(`--staged needs a git repository, and ${cwd} is not inside one`, "run it inside a git work tree, or scan folders instead: `octo keys scan .`", "not_a_git_repository"));
      reject(new OctoError("git_failed", `git ${args[0]} failed: ${stderr.trim().split(`
`)[0] ?? `exit ${code}`}`, { hint: "run `git status` to see what git reports" }));
    }), child.stdin.end(input);
  });
}

// dist/app/scan.js
async function scanForKeys(ctx, opts) {
  let cwd = opts.cwd ?? process.cwd(), keystore = existsSync2(ctx.dbPath), toFinding = findingMaker(ctx, keystore), stats = { files: 0, bytes: 0, binary: 0, skipped: [] }, findings = [], sink = {
    file(path, bytes) {
      if (stats.files++, stats.bytes += bytes.length, looksBinary(bytes))
        stats.binary++;
      else if (mayHoldKey(bytes))
        for (let m of findKeys(bytes.toString("utf8")))
          findings.push(toFinding(path, m));
      opts.onProgress?.(stats);
    },
    skip(path, reason, size) {
      stats.skipped.push({ file: path, reason, size: size ?? null });
    }
  };
  return opts.staged ? await readStaged(cwd, opts.paths, sink) : walkPaths(cwd, opts.paths.length ? opts.paths : ["."], sink), findings.sort((a, b) => compare(a.file, b.file) || a.line - b.line || a.column - b.column), stats.skipped.sort((a, b) => compare(a.file, b.file)), { findings, stats, keystore };
}
var compare = (a, b) => a < b ? -1 : a > b ? 1 : 0;
function findingMaker(ctx, keystore) {
  let now = ctx.now(), seen = /* @__PURE__ */ new Map();
  return (file, m) => {
    let record = seen.get(m.key);
    record === void 0 && (record = keystore ? ctx.store.keys.findByHash(hashKey(m.key)) ?? null : null, seen.set(m.key, record));
    let base = { file, line: m.line, column: m.column, masked: maskKey(m.key) };
    if (record === null)
      return { ...base, key_id: null, kind: m.info.kind, status: "unknown", accepted: !1, action: null };
    let accepted = stillAccepted(record, now), status = keyStatus(record, now), action = accepted ? status === "rotated" ? `octo keys revoke ${record.id}` : `octo keys rotate ${record.id}` : null;
    return { ...base, key_id: record.id, kind: record.kind, status, accepted, action };
  };
}

// dist/ui/progress.js
var ProgressLine = class {
  out;
  delayMs;
  everyMs;
  on;
  started = Date.now();
  lastDrawn = 0;
  drawn = !1;
  constructor(out, delayMs = 500, everyMs = 100) {
    this.out = out, this.delayMs = delayMs, this.everyMs = everyMs, this.on = !!out.stderr.isTTY && !out.json;
  }
  /** `text` is called only when the line is actually redrawn. */
  update(text) {
    if (!this.on)
      return;
    let now = Date.now();
    if (now - this.started < this.delayMs || now - this.lastDrawn < this.everyMs)
      return;
    this.lastDrawn = now, this.drawn = !0;
    let width = (this.out.stderr.columns || 80) - 1;
    this.out.stderr.write("\r\x1B[K" + this.out.e.dim(text().slice(0, width)));
  }
  /** Erases the line, so that what follows starts on a clean one. */
  done() {
    this.drawn && this.out.stderr.write("\r\x1B[K"), this.drawn = !1;
  }
};

// dist/cli/scan.js
function registerScan(keys, session) {
  let { out } = session;
  keys.command("scan [paths...]").description("find octo keys in files (or in what git has staged) and say which are still accepted").option("--staged", "scan the blobs staged in the current git repository (for a pre-commit hook)").option("--fail-on-unknown", "also exit 1 for a well-formed key this keystore does not hold (for CI, where the keystore is elsewhere)").addHelpText("after", `
Skips .git, node_modules, files ignored by .gitignore, binary files and files over ${10485760 / 1024 / 1024} MiB.
Only strings with a valid checksum are reported; a key is never printed whole.

Examples:
  $ octo keys scan
  $ octo keys scan src config --json
  $ octo keys scan --staged            # in .git/hooks/pre-commit

Exit codes: 0 no key still accepted, 1 a key still accepted was found (active, or rotated and
inside its grace), 2 usage error (a path that does not exist, --staged outside a git repository).`).action(act(session, async (paths, opts) => {
    let progress = new ProgressLine(out), result = await scanForKeys(session.ctx, {
      paths,
      staged: opts.staged === !0,
      onProgress: (s) => progress.update(() => `scanning\u2026 ${s.files} files, ${(s.bytes / 1024 / 1024).toFixed(1)} MiB`)
    }).finally(() => progress.done()), { findings, stats } = result;
    out.json ? out.document({ findings, scanned: { files: stats.files, bytes: stats.bytes, binary: stats.binary }, skipped: stats.skipped, keystore: result.keystore }) : await printScanReport(out, result, session.ctx.dbPath, 10485760 / 1024 / 1024), findings.some((f) => f.accepted || opts.failOnUnknown === !0 && f.status === "unknown") && (session.exitCode = 1);
  }));
}
export {
  registerScan
};
