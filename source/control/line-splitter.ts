/** What a `LineSplitter` reports. */
type LineSplitterOptions = {
	/** Longest line accepted, in bytes, not counting the newline. */
	readonly maxLineBytes: number;
	/** A complete line, without its newline. */
	readonly onLine: (line: Buffer) => void;
	/** A line grew past `maxLineBytes`: what was buffered is gone and the rest of it, up to the next newline, will be skipped. */
	readonly onOversized: () => void;
};

const newline = 0x0A;

/**
Newline framing with a bound on memory: bytes are counted as they are buffered, so a peer that
never sends a newline costs at most `maxLineBytes`, not whatever it chooses to send.
*/
export class LineSplitter {
	readonly #options: LineSplitterOptions;
	#parts: Buffer[] = [];
	#bufferedBytes = 0;
	#discarding = false;

	constructor(options: LineSplitterOptions) {
		this.#options = options;
	}

	/** Bytes held for the line not yet complete. */
	get bufferedBytes(): number {
		return this.#bufferedBytes;
	}

	push(chunk: Buffer): void {
		let start = 0;
		while (start < chunk.length) {
			const end = chunk.indexOf(newline, start);
			const pieceEnd = end === -1 ? chunk.length : end;
			if (!this.#discarding) {
				this.#append(chunk.subarray(start, pieceEnd), end === -1);
			}

			if (end === -1) {
				return;
			}

			start = end + 1;
			if (this.#discarding) {
				this.#discarding = false;
				continue;
			}

			const line = this.#parts.length === 1 ? this.#parts[0] : Buffer.concat(this.#parts, this.#bufferedBytes);
			this.#parts = [];
			this.#bufferedBytes = 0;
			this.#options.onLine(line ?? Buffer.alloc(0));
		}
	}

	/** The input has ended: a last line without its newline is still a line. */
	end(): void {
		if (!this.#discarding && this.#bufferedBytes > 0) {
			const line = Buffer.concat(this.#parts, this.#bufferedBytes);
			this.#parts = [];
			this.#bufferedBytes = 0;
			this.#options.onLine(line);
		}
	}

	#append(piece: Buffer, isTail: boolean): void {
		if (this.#bufferedBytes + piece.length > this.#options.maxLineBytes) {
			this.#parts = [];
			this.#bufferedBytes = 0;
			this.#discarding = true;
			this.#options.onOversized();
			return;
		}

		if (piece.length > 0) {
			// A tail is copied so that a few bytes left over do not pin the whole chunk in memory.
			this.#parts.push(isTail ? Buffer.from(piece) : piece);
			this.#bufferedBytes += piece.length;
		}
	}
}
