import {Buffer} from 'node:buffer';
import {compileStrftime, hasSubsecondField, type TimeFormatter} from './strftime.js';

const NEWLINE = 0x0a;

/**
Circus's `time_format`: every line written to a file starts with `<time> [<pid>] | `.

Unlike Circus (which prefixes each chunk as if it began a line, and appends a newline to
each), the prefix lands only at real line starts: a line split across chunks gets one
prefix, and bytes are never added except the prefix itself and one case: when a process
writes while another process's line is unfinished, that line is ended with `\n` first, so
each line carries its own pid. The time is the time of the chunk that starts the line.
*/
export class LinePrefixer {
	readonly #format: TimeFormatter;
	readonly #cacheBySecond: boolean;
	#atLineStart = true;
	#lastPid = -1;
	#cachedSecond = Number.NaN;
	#cachedPid = -1;
	#cachedPrefix = Buffer.alloc(0);

	constructor(timeFormat: string, options: {readonly utc?: boolean} = {}) {
		this.#format = compileStrftime(timeFormat, options);
		this.#cacheBySecond = !hasSubsecondField(timeFormat);
	}

	/** The bytes to write for `data` from `pid` at `time` (ms since the epoch). */
	transform(data: Buffer, pid: number, time: number): Buffer {
		if (data.length === 0) {
			return data;
		}

		const prefix = this.#prefix(pid, time);
		const endForeignLine = !this.#atLineStart && pid !== this.#lastPid;
		let starts = endForeignLine || this.#atLineStart ? 1 : 0;
		for (let at = data.indexOf(NEWLINE); at !== -1 && at + 1 < data.length; at = data.indexOf(NEWLINE, at + 1)) {
			starts++;
		}

		// One allocation and native copies: no Buffer object per line.
		const out = Buffer.allocUnsafe(data.length + starts * prefix.length + (endForeignLine ? 1 : 0));
		let length = 0;
		if (endForeignLine) {
			out[length++] = NEWLINE;
			this.#atLineStart = true;
		}

		let offset = 0;
		while (offset < data.length) {
			if (this.#atLineStart) {
				length += prefix.copy(out, length);
			}

			const newline = data.indexOf(NEWLINE, offset);
			const end = newline === -1 ? data.length : newline + 1;
			length += data.copy(out, length, offset, end);
			offset = end;
			this.#atLineStart = newline !== -1;
		}

		this.#lastPid = pid;
		return out;
	}

	#prefix(pid: number, time: number): Buffer {
		const second = Math.floor(time / 1000);
		if (!this.#cacheBySecond || second !== this.#cachedSecond || pid !== this.#cachedPid) {
			this.#cachedPrefix = Buffer.from(`${this.#format(time)} [${pid}] | `);
			this.#cachedSecond = this.#cacheBySecond ? second : Number.NaN;
			this.#cachedPid = pid;
		}

		return this.#cachedPrefix;
	}
}
