/**
Giving back the young generation a burst of work grew, once the burst is over.

Starting or stopping a hundred processes allocates fast enough that V8 grows its young generation
(1 MiB at rest) up to 16 MiB, and it shrinks it back only at a young collection that finds the
program allocating slowly. An idle supervisor allocates almost nothing, so no such collection
comes: measured with 100 `sleep`s started under load, the daemon sat at 67–69 MiB where it sits
at 57–58 when the young generation is back to its size. So after the supervisor's last event of a
burst (a spawn, a reap, a state change) and `quietMs` without another, a few young collections
run, `gapMs` apart (a millisecond or two each). Any event starts the wait again. Nothing is armed
while nothing happens: an idle supervisor has no timer of this.
*/

type SettleTrimOptions = {
	/** Collects the young generation (io/memory.ts's `collectGarbage('minor')`). */
	readonly collect: () => void;
	/** Time without events before the first collection. Default 10 s: bursts that come closer
	together (a start after a stop) keep the young generation the first grew, and collect less. */
	readonly quietMs?: number;
	/** Time between two collections of one series. Default 1.5 s. */
	readonly gapMs?: number;
	/** Collections in one series. Default 3. */
	readonly collections?: number;
};

export class SettleTrim {
	readonly #collect: () => void;
	readonly #quietMs: number;
	readonly #gapMs: number;
	readonly #collections: number;
	#timer: NodeJS.Timeout | undefined;
	/** Collections of the current series still to run. */
	#left = 0;
	/** Collections run so far. */
	collected = 0;

	constructor(options: SettleTrimOptions) {
		this.#collect = options.collect;
		this.#quietMs = options.quietMs ?? 10_000;
		this.#gapMs = options.gapMs ?? 1500;
		this.#collections = options.collections ?? 3;
	}

	/** Whether a collection is still to come. */
	get pending(): boolean {
		return this.#timer !== undefined;
	}

	/** Something happened: the burst goes on, the quiet wait starts again. */
	activity(): void {
		this.#left = this.#collections;
		this.#arm(this.#quietMs);
	}

	/** No more collections (the supervisor is closing). */
	close(): void {
		clearTimeout(this.#timer);
		this.#timer = undefined;
		this.#left = 0;
	}

	#arm(delayMs: number): void {
		clearTimeout(this.#timer);
		this.#timer = setTimeout(() => {
			this.#timer = undefined;
			this.#left--;
			this.collected++;
			// Before collecting: an event the collection's caller causes starts a new series.
			if (this.#left > 0) {
				this.#arm(this.#gapMs);
			}

			this.#collect();
		}, delayMs);
		// A pending collection never keeps the process alive.
		this.#timer.unref();
	}
}
