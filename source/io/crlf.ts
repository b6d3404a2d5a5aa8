const CR = 0x0d;
const LF = 0x0a;

/**
Turns a terminal's `\r\n` line endings back into `\n`, across chunk boundaries (a chunk may end
with `\r` whose `\n` arrives in the next one). A `\r` not followed by `\n` is kept: it is the
program's own (a progress bar). Chunks without `\r` pass through without a copy; the others are
copied, never changed in place: the same chunk is kept by the scrollback (by reference) and handed
to the terminal view.
*/
export class CrlfNormalizer {
	#pendingCr = false;

	transform(chunk: Buffer): Buffer {
		let data = chunk;
		if (this.#pendingCr) {
			this.#pendingCr = false;
			if (data.length === 0 || data[0] !== LF) {
				data = Buffer.concat([Buffer.from([CR]), data]);
			}
		}

		let index = data.indexOf(CR);
		if (index === -1) {
			return data;
		}

		const out = Buffer.allocUnsafe(data.length);
		let written = 0;
		let start = 0;
		while (index !== -1) {
			if (index === data.length - 1) {
				// Wait for the next chunk to know whether a `\n` follows.
				written += data.copy(out, written, start, index);
				this.#pendingCr = true;
				return out.subarray(0, written);
			}

			if (data[index + 1] === LF) {
				written += data.copy(out, written, start, index);
				start = index + 1;
			}

			index = data.indexOf(CR, index + 1);
		}

		written += data.copy(out, written, start);
		return out.subarray(0, written);
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
