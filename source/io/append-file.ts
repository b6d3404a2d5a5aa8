import fs from 'node:fs';

const NEWLINE = 0x0a;

/**
A file opened with O_APPEND (read-write, to look at its last byte) and written with `fs.writeSync`: no queue, no stream
buffering, so memory stays flat whatever the child prints, and a write has reached the
kernel when it returns. Tracks the size and whether the file ends at a line start, which
rotation needs.
*/
export class AppendFile {
	/** The path the file was opened by. */
	readonly path: string;
	readonly #fd: number;
	#size: number;
	#atLineStart: boolean;
	#closed = false;

	constructor(path: string) {
		this.path = path;
		this.#fd = fs.openSync(path, 'a+');
		try {
			const stat = fs.fstatSync(this.#fd);
			this.#size = stat.size;
			this.#atLineStart = stat.size === 0 || this.#lastByte(stat.size) === NEWLINE;
		} catch (error) {
			fs.closeSync(this.#fd);
			throw error;
		}
	}

	/** Bytes in the file, as far as this writer knows (it is the only writer). */
	get size(): number {
		return this.#size;
	}

	/** Whether the file is empty or ends with a newline. */
	get atLineStart(): boolean {
		return this.#atLineStart;
	}

	/** Identity of the open file, to notice that its path now names another one. */
	identity(): fs.BigIntStats {
		return fs.fstatSync(this.#fd, {bigint: true});
	}

	/** Append all of `data` (looping over short writes). */
	write(data: Uint8Array): void {
		let offset = 0;
		while (offset < data.length) {
			offset += fs.writeSync(this.#fd, data, offset, data.length - offset);
		}

		if (data.length > 0) {
			this.#size += data.length;
			this.#atLineStart = data[data.length - 1] === NEWLINE;
		}
	}

	/** Close the descriptor. Idempotent. */
	close(): void {
		if (!this.#closed) {
			this.#closed = true;
			fs.closeSync(this.#fd);
		}
	}

	#lastByte(size: number): number | undefined {
		const byte = Buffer.alloc(1);
		const read = fs.readSync(this.#fd, byte, 0, 1, size - 1);
		return read === 1 ? byte[0] : undefined;
	}
}
