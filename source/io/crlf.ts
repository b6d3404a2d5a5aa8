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

		// Compacted in a copy, with copyWithin: no view and no call through Buffer#copy per line.
		const out = Buffer.allocUnsafeSlow(data.length);
		out.set(data);
		let written = index;
		let start = index;
		const last = data.length - 1;
		while (index !== -1) {
			if (index === last) {
				// Wait for the next chunk to know whether a `\n` follows.
				this.#pendingCr = true;
				break;
			}

			if (out[index + 1] === LF) {
				if (written !== start) {
					out.copyWithin(written, start, index);
				}

				written += index - start;
				start = index + 1;
			}

			index = out.indexOf(CR, index + 1);
		}

		const end = this.#pendingCr ? last : data.length;
		if (written !== start) {
			out.copyWithin(written, start, end);
		}

		written += end - start;
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
