import fs from 'node:fs';
import {openLogFile} from './log-path.js';
import {StreamLoss} from './stream-loss.js';

const NEWLINE = 0x0a;
const newline = Buffer.from('\n');

/** Options of an `AppendFile`. */
export type AppendFileOptions = {
	/** Whose file it must be when others can write its directory. Default: this process's user. */
	readonly uid?: number;
	/** Where lost bytes and lines are counted; shared by the files of one stream (rotation, reopen). */
	readonly loss?: StreamLoss;
};

/**
A file opened with O_APPEND (read-write, to look at its last byte) and written with `fs.writeSync`:
no queue, no stream buffering, so memory stays flat whatever the child prints. It runs on the
stream writer's thread, never on the scheduler's. Tracks the size and whether the file ends at a
line start, which rotation needs.

A write that fails (disk full, a FIFO whose reader is behind) never throws and never leaves half a
line for a later line to be glued to: the unfinished line is cut back out of a regular file (or,
where that is not possible, ended with a newline before the next write), the bytes and lines lost
are counted in `loss`, and the rest of a lost line is dropped when it arrives.
*/
export class AppendFile {
	/** The path the file was opened by. */
	readonly path: string;
	readonly #fd: number;
	readonly #regular: boolean;
	readonly #loss: StreamLoss;
	#size: number;
	#atLineStart: boolean;
	/** Offset where the line being written began, or -1 when not known. */
	#lineStart: number;
	/** The file ends inside a line that will not be finished: end it before writing more. */
	#cut = false;
	#closed = false;

	constructor(path: string, options: AppendFileOptions = {}) {
		this.path = path;
		this.#loss = options.loss ?? new StreamLoss();
		this.#fd = openLogFile(path, options.uid ?? process.getuid?.() ?? 0);
		try {
			const stat = fs.fstatSync(this.#fd);
			this.#regular = stat.isFile();
			this.#size = this.#regular ? stat.size : 0;
			this.#atLineStart = this.#size === 0 || this.#lastByte(this.#size) === NEWLINE;
			this.#lineStart = this.#atLineStart ? this.#size : -1;
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

	/** Append `data` (looping over short writes); what cannot be written is counted as lost. */
	write(data: Uint8Array): void {
		let start = 0;
		if (this.#loss.inLostLine) {
			// The start of this line was lost: its rest would be a fragment.
			const end = data.indexOf(NEWLINE);
			start = end === -1 ? data.length : end + 1;
			this.#loss.add(data.subarray(0, start));
		}

		let offset = start;
		try {
			if (this.#cut && offset < data.length) {
				this.#writeAll(newline, 0);
				this.#cut = false;
				this.#wrote(newline, 0, 1);
			}

			while (offset < data.length) {
				offset += fs.writeSync(this.#fd, data, offset, data.length - offset);
			}
		} catch (error) {
			this.#failed(data, start, offset, error);
			return;
		}

		this.#wrote(data, start, offset);
		if (offset > start) {
			// Only bytes that reached the file say it is written again: a chunk that was all the rest
			// of a lost line wrote nothing, and a FIFO that is still full must not seem to recover.
			this.#loss.fault = undefined;
		}
	}

	/** Close the descriptor. Idempotent. */
	close(): void {
		if (!this.#closed) {
			this.#closed = true;
			fs.closeSync(this.#fd);
		}
	}

	#writeAll(data: Uint8Array, offset: number): void {
		while (offset < data.length) {
			offset += fs.writeSync(this.#fd, data, offset, data.length - offset);
		}
	}

	/** Bookkeeping after `data[start, end)` reached the file. */
	#wrote(data: Uint8Array, start: number, end: number): void {
		if (end <= start) {
			return;
		}

		const before = this.#size;
		this.#size += end - start;
		this.#atLineStart = data[end - 1] === NEWLINE;
		const last = data.lastIndexOf(NEWLINE, end - 1);
		if (last >= start) {
			this.#lineStart = before + (last + 1 - start);
		}
	}

	#failed(data: Uint8Array, start: number, offset: number, error: unknown): void {
		this.#wrote(data, start, offset);
		let lost = offset;
		if (!this.#atLineStart) {
			// Take the unfinished line back out, so that the file holds whole lines only.
			const removed = this.#size - this.#lineStart;
			if (this.#truncateLine()) {
				const last = offset > start ? data.lastIndexOf(NEWLINE, offset - 1) : -1;
				const lineStartInData = last >= start ? last + 1 : start;
				// Its earlier pieces, written by earlier calls, are lost with it.
				this.#loss.bytes += removed - (offset - lineStartInData);
				this.#cut = false;
				lost = lineStartInData;
			} else {
				this.#cut = true;
			}
		}

		this.#loss.add(data.subarray(lost));
		const code = (error as NodeJS.ErrnoException).code;
		this.#loss.fault = code ?? (error instanceof Error ? error.message : String(error));
	}

	/** Truncate a regular file back to the start of its unfinished line; false if that is not safe. */
	#truncateLine(): boolean {
		if (!this.#regular || this.#lineStart < 0) {
			return false;
		}

		try {
			// Only if nobody else appended meanwhile: their bytes are not ours to remove.
			if (fs.fstatSync(this.#fd).size !== this.#size) {
				return false;
			}

			fs.ftruncateSync(this.#fd, this.#lineStart);
		} catch {
			return false;
		}

		this.#size = this.#lineStart;
		this.#atLineStart = true;
		return true;
	}

	#lastByte(size: number): number | undefined {
		const byte = Buffer.alloc(1);
		const read = fs.readSync(this.#fd, byte, 0, 1, size - 1);
		return read === 1 ? byte[0] : undefined;
	}
}
