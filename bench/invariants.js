// The invariants a keystore keeps whatever happens to the processes writing it (issue 6), shared by
// test/e2e/faults.test.ts and bench/stress.js. Plain JS, so that the soak needs no compile step.
import Database from 'better-sqlite3';

const CHECKS = [
  ['a key row without its key.create/key.rotate audit entry', `
    SELECT k.id FROM keys k WHERE NOT EXISTS (
      SELECT 1 FROM audit a WHERE a.key_id = k.id AND a.action IN ('key.create', 'key.rotate'))`],
  ['a key.create/key.rotate audit entry without its key row', `
    SELECT a.key_id AS id FROM audit a WHERE a.action IN ('key.create', 'key.rotate')
      AND NOT EXISTS (SELECT 1 FROM keys k WHERE k.id = a.key_id)`],
  ['a key created or rotated twice in the audit log', `
    SELECT key_id AS id FROM audit WHERE action IN ('key.create', 'key.rotate') GROUP BY key_id HAVING count(*) > 1`],
  ['a rotated key without a successor that names it', `
    SELECT k.id FROM keys k WHERE k.state = 'rotated' AND NOT EXISTS (
      SELECT 1 FROM keys s WHERE s.id = k.replaced_by AND s.replaces = k.id)`],
  ['a successor its predecessor does not point to', `
    SELECT s.id FROM keys s JOIN keys k ON k.id = s.replaces WHERE k.replaced_by IS NOT s.id`],
  ['a revoked key without exactly one key.revoke entry (or the reverse)', `
    SELECT k.id FROM keys k WHERE (k.state = 'revoked') !=
      ((SELECT count(*) FROM audit a WHERE a.key_id = k.id AND a.action = 'key.revoke') = 1)`],
  ['a subject without exactly one *.add entry', `
    SELECT id FROM (
      SELECT id, 'workspace' AS t FROM workspaces UNION ALL SELECT id, 'channel' FROM channels
      UNION ALL SELECT id, 'waba' FROM wabas) s
    WHERE (SELECT count(*) FROM audit a WHERE a.subject_id = s.id AND a.action = s.t || '.add') != 1`],
  ['a subject with two active keys', `
    SELECT coalesce(workspace_id, channel_id, waba_id) AS id FROM keys
    WHERE state = 'active' AND kind != 'bearer' GROUP BY kind, coalesce(workspace_id, channel_id, waba_id)
    HAVING count(*) > 1`],
];

/** Every broken invariant of the keystore at `path`, as readable strings; empty when all hold. */
export function keystoreProblems(path) {
  const db = new Database(path, { fileMustExist: true });
  try {
    const problems = [];
    const integrity = db.pragma('integrity_check').map((r) => r.integrity_check);
    if (integrity.join() !== 'ok') problems.push(`integrity_check: ${integrity.join('; ')}`);
    for (const r of db.pragma('foreign_key_check')) problems.push(`foreign key: ${JSON.stringify(r)}`);
    for (const [what, sql] of CHECKS) {
      for (const r of db.prepare(sql).all()) problems.push(`${what}: ${r.id}`);
    }
    return problems;
  } finally {
    db.close();
  }
}

/** Row counts, for the figures a soak prints. */
export function keystoreCounts(path) {
  const db = new Database(path, { fileMustExist: true });
  try {
    const count = (sql) => db.prepare(sql).pluck().get();
    return {
      keys: count('SELECT count(*) FROM keys'),
      active: count("SELECT count(*) FROM keys WHERE state = 'active'"),
      subjects: count('SELECT (SELECT count(*) FROM workspaces) + (SELECT count(*) FROM channels) + (SELECT count(*) FROM wabas)'),
      audit: count('SELECT count(*) FROM audit'),
    };
  } finally {
    db.close();
  }
}
