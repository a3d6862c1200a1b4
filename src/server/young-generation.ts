import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/**
 * The young generation octo lets V8 grow to: two semi-spaces of 8 MiB (V8 starts at 1 MiB). Under
 * load it held 73–78 MiB of RSS, as 2 × 4 MiB did, with 0.2–0.45 µs less CPU per request.
 */
export const YOUNG_GENERATION_LIMIT = 16 * 1024 * 1024;

/** How many requests pass between two looks at the heap (each look costs about 1 µs). */
export const CHECK_EVERY = 1024;

/**
 * A busy server allocates a little for every request, and V8 then doubles its young generation up
 * to 2 × 16 MiB, holding that memory for good: 88–105 MiB of RSS under load instead of ~75. Held at
 * its first size (2 × 1 MiB) the young generation is scavenged so often that garbage collection
 * took 2.0–2.9 µs of every request instead of 0.8–1.2 (BENCHMARKS.md). So V8 grows it as usual up
 * to YOUNG_GENERATION_LIMIT and is then told to grow it no further: V8 reads
 * `--semi-space-growth-factor` each time it considers growing (unlike `--max-semi-space-size`,
 * which counts only at start-up, where octo cannot set it).
 */
export class YoungGenerationGovernor {
  private countdown = CHECK_EVERY;
  private held = false;

  constructor(
    private readonly limit = YOUNG_GENERATION_LIMIT,
    private readonly size: () => number = youngGenerationSize,
    private readonly stopGrowth: () => void = () => setFlagsFromString('--semi-space-growth-factor=1'),
  ) {}

  /** Called once per request: looks at the heap every CHECK_EVERY requests, until the limit is reached. */
  tick(): void {
    if (this.held || --this.countdown > 0) return;
    this.countdown = CHECK_EVERY;
    if (this.size() >= this.limit) {
      this.held = true;
      this.stopGrowth();
    }
  }
}

/** Both semi-spaces of V8's young generation, in bytes. */
export function youngGenerationSize(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}
