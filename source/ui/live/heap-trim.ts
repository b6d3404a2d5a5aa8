/**
Giving back the memory a burst took, once it is over.

A flood of output into the log pane grows V8's heap (the view's lines, the supervisor's ring, and
the garbage of every frame in between); once the flood stops, most of it is garbage, but V8 keeps
the pages it grew to: after a 15 s flood the UI sat at 220 MB where it had started at 141 MB,
although two full collections brought it back to 143 MB. V8 does that by itself only under
memory pressure, which a supervisor on a quiet server never feels.

So the UI looks at the heap with each stats event (once a second): when it has grown well past
where it was, and has stopped growing for a few seconds (the burst is over), it collects (the
composition root gives it io/memory.ts's `collectGarbage`): a full collection that returns the old
generation's emptied pages, then, at the next few checks, a second apart, collections of the young
generation, which V8 shrinks back once it sees the program allocating slowly. Rare by
construction: at most once per `minimumGapMs`, and never while the heap still grows.
*/
import v8 from 'node:v8';

type HeapTrimOptions = {
	/** Collects the garbage and gives the pages back (`full`), or the young generation's alone
	(`young`); without it, nothing is ever collected. */
	readonly collect?: (kind: 'full' | 'young') => void;
	/** The heap's committed size in bytes; default V8's `total_heap_size`. */
	readonly heapSize?: () => number;
	/** Growth past the baseline that is worth giving back. Default 16 MiB. */
	readonly growthBytes?: number;
	/** Checks in a row without growth (and with fewer than `quietLines` new log lines each) before collecting: the burst is over. Default 2. */
	readonly steadyChecks?: number;
	/** New log lines between two checks below which the output counts as quiet. Default 50. */
	readonly quietLines?: number;
	/** Least time between two collections. Default 30 s. */
	readonly minimumGapMs?: number;
	/** Young-generation collections at the checks after a full one. Default 8. */
	readonly youngCollections?: number;
	readonly now?: () => number;
};

/** Growth smaller than this between two checks counts as none. */
const noise = 1024 * 1024;

export class HeapTrim {
	readonly #collect: ((kind: 'full' | 'young') => void) | undefined;
	readonly #heapSize: () => number;
	readonly #growthBytes: number;
	readonly #steadyChecks: number;
	readonly #quietLines: number;
	readonly #minimumGapMs: number;
	readonly #now: () => number;
	readonly #youngCollections: number;
	/** Young-generation collections still to run, one per check while it stays quiet. */
	#youngLeft = 0;
	#baseline: number | undefined;
	#last: number | undefined;
	#steady = 0;
	#collectedAt = Number.NEGATIVE_INFINITY;
	/** Collections run so far. */
	trims = 0;

	constructor(options: HeapTrimOptions = {}) {
		this.#collect = options.collect;
		this.#heapSize = options.heapSize ?? (() => v8.getHeapStatistics().total_heap_size);
		this.#growthBytes = options.growthBytes ?? 16 * 1024 * 1024;
		this.#steadyChecks = options.steadyChecks ?? 2;
		this.#quietLines = options.quietLines ?? 50;
		this.#minimumGapMs = options.minimumGapMs ?? 30_000;
		this.#now = options.now ?? Date.now;
		this.#youngCollections = options.youngCollections ?? 8;
	}

	/** Look at the heap; collect if a burst has grown it and is over. `lines`: log lines that came
	since the last check (a flood that goes on keeps the heap at one size while it makes garbage).
	True when it collected. */
	check(lines = 0): boolean {
		if (this.#collect === undefined) {
			return false;
		}

		const size = this.#heapSize();
		const quiet = this.#last !== undefined && size - this.#last < noise && lines < this.#quietLines;
		this.#steady = quiet ? this.#steady + 1 : 0;
		this.#last = size;
		this.#baseline = Math.min(this.#baseline ?? size, size);
		if (this.#youngLeft > 0) {
			// After a full collection: the young generation's, while the output stays quiet.
			this.#youngLeft = quiet ? this.#youngLeft - 1 : 0;
			if (quiet) {
				this.#collect('young');
			}
		}

		if (size - this.#baseline < this.#growthBytes || this.#steady < this.#steadyChecks || this.#now() - this.#collectedAt < this.#minimumGapMs) {
			return false;
		}

		this.#collect('full');
		this.#youngLeft = this.#youngCollections;
		this.trims++;
		this.#collectedAt = this.#now();
		// What is still held after collecting is held for a reason: the next burst counts from here.
		this.#baseline = this.#heapSize();
		this.#last = this.#baseline;
		this.#steady = 0;
		return true;
	}
}
