const NEWLINE = 0x0a;

/** Newlines in `data`. */
function countNewlines(data: Uint8Array): number {
	let count = 0;
	for (let at = data.indexOf(NEWLINE); at !== -1; at = data.indexOf(NEWLINE, at + 1)) {
		count++;
	}

	return count;
}

/**
What a stream could not write: bytes, and lines counted once each however many pieces of a line
were lost. Also whether it is failing now (`fault`: why, e.g. `ENOSPC`), which the writer reports
once when it starts and once when writing works again.
*/
export class StreamLoss {
	/** Bytes not written since the stream opened. */
	bytes = 0;
	/** Lines of which at least one byte was not written. */
	lines = 0;
	/** Why the last write failed; undefined once a write succeeded. */
	fault: string | undefined;
	/** The last byte lost was inside a line: that line is counted, and its rest is lost too. */
	#open = false;

	/** Whether the next bytes continue a line that was (partly) lost, so must be dropped up to its end. */
	get inLostLine(): boolean {
		return this.#open;
	}

	/** The line now being written was lost elsewhere (counted there): drop its rest without counting it again. */
	markLineLost(): void {
		this.#open = true;
	}

	add(data: Uint8Array): void {
		if (data.length === 0) {
			return;
		}

		this.bytes += data.length;
		const newlines = countNewlines(data);
		const endsOpen = data[data.length - 1] !== NEWLINE;
		// The first newline ends a line already counted; an unfinished tail is a line of its own.
		let lines = this.#open && newlines > 0 ? newlines - 1 : newlines;
		if (endsOpen && !(this.#open && newlines === 0)) {
			lines++;
		}

		this.lines += lines;
		this.#open = endsOpen;
	}
}
