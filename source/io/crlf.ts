import {textScan} from './text-scan.js';

const CR = 0x0d;
/** Size of the buffers the copies are cut from: one allocation for many terminal reads. */
const slabBytes = 64 * 1024;

/**
Turns a terminal's `\r\n` line endings back into `\n`, across chunk boundaries (a chunk may end
with `\r` whose `\n` arrives in the next one). A `\r` not followed by `\n` is kept: it is the
program's own (a progress bar). Chunks without `\r` pass through without a copy; the others are
copied, never changed in place: the same chunk is kept by the scrollback (by reference) and handed
to the terminal view.
*/
export class CrlfNormalizer {
	#pendingCr = false;
	/** Where copies are made: views of it are handed out, and never written again. */
	#slab: Buffer | undefined;
	#slabUsed = 0;

	transform(chunk: Buffer): Buffer {
		if (chunk.length === 0 || (!this.#pendingCr && chunk.indexOf(CR) === -1)) {
			return chunk;
		}

		const out = this.#room(chunk.length + 1);
		const written = textScan(chunk.length).crlf(chunk, out, this.#pendingCr);
		// A `\r` at the end waits for the next chunk to know whether a `\n` follows.
		this.#pendingCr = written < 0;
		return out.subarray(0, written < 0 ? -written - 1 : written);
	}

	/** A fresh region of `bytes` bytes, cut from the slab (a new one when it is full). */
	#room(bytes: number): Buffer {
		if (bytes > slabBytes / 4) {
			return Buffer.allocUnsafeSlow(bytes);
		}

		if (!this.#slab || this.#slabUsed + bytes > this.#slab.length) {
			this.#slab = Buffer.allocUnsafeSlow(slabBytes);
			this.#slabUsed = 0;
		}

		const room = this.#slab.subarray(this.#slabUsed, this.#slabUsed + bytes);
		this.#slabUsed += bytes;
		return room;
	}

	/** At end of output: a trailing `\r` that never got its `\n`. */
	flush(): Buffer {
		if (this.#pendingCr) {
			this.#pendingCr = false;
			return Buffer.from([CR]);
		}

		return Buffer.alloc(0);
	}
}

/**
The same for the stream writer's thread, where each chunk is the thread's own (a region of a batch
it was handed) and can be changed in place: no copy, no allocation. Per process, as a file's chunks
come from several. `write` gets what the file should have, in order.
*/
export class TerminalLineEnds {
	/** Processes whose last chunk ended with a `\r` not yet written. */
	readonly #held = new Set<number>();

	transform(chunk: Buffer, pid: number, write: (data: Buffer) => void): void {
		if (chunk.length === 0) {
			return;
		}

		if (this.#held.delete(pid) && chunk[0] !== 0x0a) {
			// The held `\r` was the program's own.
			write(Buffer.from([CR]));
		}

		if (chunk.indexOf(CR) === -1) {
			write(chunk);
			return;
		}

		const written = textScan(chunk.length).crlf(chunk, chunk, false);
		if (written < 0) {
			this.#held.add(pid);
		}

		const data = chunk.subarray(0, written < 0 ? -written - 1 : written);
		if (data.length > 0) {
			write(data);
		}
	}

	/** End of a process's output: a `\r` it held is written. */
	end(pid: number, write: (data: Buffer) => void): void {
		if (this.#held.delete(pid)) {
			write(Buffer.from([CR]));
		}
	}

	/** Output of the process was lost after its last chunk: a `\r` it held goes with its unfinished line. */
	forget(pid: number): void {
		this.#held.delete(pid);
	}
}
