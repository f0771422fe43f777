/**
 * How main starts core: the V8 flags of the core process. The till benches (bench:sync, bench:pos,
 * bench:storage) run with the same flags, so what they measure is the till as the app runs it.
 *
 * A young generation of up to 32 MB per semi-space (V8's default is 16): a till taking its
 * catalogue, or sending a week of sales, makes thousands of documents that live for one batch;
 * with the default, V8 copies them from the young generation again and again before they die.
 * bench:sync, three runs each way, alternated: push 0.32, 0.31, 0.25 of raw against 0.27, 0.28,
 * 0.22 without; initial pull 0.37, 0.36, 0.35 against 0.34, 0.35, 0.34. The cost is memory the
 * young generation may grow into (about 100 MB at most), on PCs that have gigabytes.
 */
export const CORE_EXEC_ARGV: readonly string[] = ['--max-semi-space-size=32'];
