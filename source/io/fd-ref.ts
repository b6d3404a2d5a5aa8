/**
A reference-counted file descriptor. Holders are named and releasing is
idempotent, so a double release (the root of Circus's `fd N added
twice`) cannot close the descriptor early or twice. The descriptor is closed exactly once, when
the last holder lets go. Nothing is keyed by the bare fd number: every FdRef has a generation.
*/
let nextGeneration = 1;

export class FdRef {
	/** The fd number at registration; the OS may reuse it once closed, so it is for display only. */
	readonly fd: number;
	/** Unique for the life of the supervisor; what registries key on. */
	readonly generation: number;
	readonly #holders = new Set<string>();
	readonly #close: () => void;
	#closed = false;

	constructor(fd: number, close: () => void, firstHolder: string) {
		this.fd = fd;
		this.generation = nextGeneration++;
		this.#close = close;
		this.#holders.add(firstHolder);
	}

	get closed(): boolean {
		return this.#closed;
	}

	/** Close now whoever still holds it (a stop that must complete). Idempotent. */
	forceClose(): void {
		if (!this.#closed) {
			this.#holders.clear();
			this.#closed = true;
			this.#close();
		}
	}

	/** Let go of `holder`'s reference. Returns true when this call closed the fd. */
	release(holder: string): boolean {
		if (this.#closed || !this.#holders.delete(holder) || this.#holders.size > 0) {
			return false;
		}

		this.#closed = true;
		this.#close();
		return true;
	}
}
