const NEWLINE = 0x0a;
const newline = Buffer.from('\n');

/** Bytes held back, over all processes of one stream, before a long unfinished line is cut. */
const maxHeldBytes = 8 * 1024 * 1024;

type Held = {chunks: Buffer[]; bytes: number; ended: boolean};

/**
Keeps the lines of processes that share a stream whole. The file's last, unfinished line belongs to
one process (`#tail`); while it is open, the other processes' output is held, and it is written once
that line ends, whole lines first. A single writer passes straight through, without a copy.

Held output is bounded (`maxHeldBytes`): past it, the open line is ended with a newline and the held
lines are written (a line longer than the bound, or a prompt that never ends, is cut; nothing is
lost). A process that ends with an unfinished line has it ended by a newline before another
process writes, so its last words are not glued to someone else's.
*/
export class LineJoiner {
	readonly #out: (data: Buffer, pid: number) => void;
	readonly #held = new Map<number, Held>();
	#heldBytes = 0;
	/** The process whose line is open at the end of the file. */
	#tail: number | undefined;
	/** The file ends inside a line (its process may have ended). */
	#open = false;
	#lastPid = -1;
	/** Lines cut because held output passed the bound. */
	cut = 0;

	constructor(out: (data: Buffer, pid: number) => void) {
		this.#out = out;
	}

	write(data: Buffer, pid: number): void {
		if (data.length === 0) {
			return;
		}

		const held = this.#held.get(pid);
		if (held) {
			this.#hold(held, data);
		} else if (this.#tail === undefined || this.#tail === pid) {
			if (this.#held.size === 0) {
				this.#emit(data, pid);
				this.#tail = this.#open ? pid : undefined;
				return;
			}

			// Others are waiting for this line to end: finish it, then let them write.
			const last = data.lastIndexOf(NEWLINE);
			if (last === -1) {
				this.#emit(data, pid);
				return;
			}

			this.#emit(data.subarray(0, last + 1), pid);
			this.#tail = undefined;
			if (last + 1 < data.length) {
				this.#hold(this.#newHeld(pid), data.subarray(last + 1));
			}

			this.#drain();
			return;
		} else {
			this.#hold(this.#newHeld(pid), data);
		}

		if (this.#heldBytes > maxHeldBytes) {
			this.#cutOpenLine();
		}
	}

	/** A process's output ended: what it still holds is written, and its open line never blocks others again. */
	end(pid: number): void {
		const held = this.#held.get(pid);
		if (held) {
			held.ended = true;
		}

		if (this.#tail === pid) {
			this.#tail = undefined;
			this.#drain();
		}
	}

	/** Output of `pid` was dropped before it got here: forget its unfinished line. Returns the bytes forgotten. */
	forget(pid: number): number {
		const held = this.#held.get(pid);
		let bytes = 0;
		if (held) {
			this.#held.delete(pid);
			this.#heldBytes -= held.bytes;
			bytes = held.bytes;
		}

		if (this.#tail === pid) {
			this.#tail = undefined;
			this.#drain();
		}

		return bytes;
	}

	#newHeld(pid: number): Held {
		const held: Held = {chunks: [], bytes: 0, ended: false};
		this.#held.set(pid, held);
		return held;
	}

	#hold(held: Held, data: Buffer): void {
		// A copy: the caller's buffer may be reused once this returns.
		held.chunks.push(Buffer.from(data));
		held.bytes += data.length;
		this.#heldBytes += data.length;
	}

	#emit(data: Buffer, pid: number): void {
		if (this.#open && pid !== this.#lastPid) {
			this.#out(newline, this.#lastPid);
		}

		this.#out(data, pid);
		this.#open = data[data.length - 1] !== NEWLINE;
		this.#lastPid = pid;
	}

	/** The open line has ended: write held output, whole lines, until someone's line is open again. */
	#drain(): void {
		while (this.#tail === undefined && this.#held.size > 0) {
			const [pid, held] = this.#held.entries().next().value as [number, Held];
			this.#held.delete(pid);
			this.#heldBytes -= held.bytes;
			const data = held.chunks.length === 1 ? held.chunks[0]! : Buffer.concat(held.chunks, held.bytes);
			const last = data.lastIndexOf(NEWLINE);
			if (held.ended || last === data.length - 1) {
				this.#emit(data, pid);
			} else if (last === -1) {
				this.#emit(data, pid);
				this.#tail = pid;
			} else {
				// Its whole lines now; its unfinished one waits behind the others (round robin).
				this.#emit(data.subarray(0, last + 1), pid);
				const rest = this.#newHeld(pid);
				rest.chunks.push(data.subarray(last + 1));
				rest.bytes = data.length - last - 1;
				this.#heldBytes += rest.bytes;
			}
		}
	}

	#cutOpenLine(): void {
		if (this.#tail !== undefined) {
			this.cut++;
			this.#tail = undefined;
			this.#drain();
		}
	}
}
