/** Types for bench/invariants.js, which the TypeScript tests import. */
export function keystoreProblems(path: string): string[];
export function keystoreCounts(path: string): { keys: number; active: number; subjects: number; audit: number };
