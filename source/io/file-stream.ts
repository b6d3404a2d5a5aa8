import fs from 'node:fs';
import path from 'node:path';
import {AppendFile, type AppendFileOptions} from './append-file.js';
import {nonNegativeInteger} from './check-option.js';
import {LinePrefixer} from './line-prefixer.js';
import type {OutputSink} from './output-sink.js';
import {renameIfExists} from './rename-if-exists.js';

const NEWLINE = 0x0a;

/** Options of a `FileStream` (Circus's `stdout_stream.*` for `class = FileStream`). */
type FileStreamOptions = AppendFileOptions & {
	/** The file to append to; created if missing. */
	readonly filename: string;
	/** Rotate before the file would exceed this many bytes; 0 = never rotate. Default 0. */
	readonly maxBytes?: number;
	/** Rotated files kept (`f.1` newest ... `f.N` oldest); 0 = never rotate. Default 0. */
	readonly backupCount?: number;
	/** Python strftime format; when set every line starts with `<time> [<pid>] | `. */
	readonly timeFormat?: string;
	/** Clock for the line prefix, ms since the epoch. Default `Date.now`. */
	readonly now?: () => number;
};

/**
Circus's FileStream: appends output to a file, rotating by size like Python's
RotatingFileHandler (`f.N-1 -> f.N ... f -> f.1`, then a fresh `f`; what would become
`f.<backupCount+1>` is overwritten away).

Rotation never loses or duplicates a byte, and keeps each file at most `maxBytes`: a chunk
larger than the room left is split after the last newline that fits; if none fits, a file
that ends at a line start is rotated first so the line starts the next file, and otherwise
(a line longer than a whole file, or one already begun) the chunk is split at the byte
limit. Python rotates when a write would make the file reach `maxBytes`; here a file may
reach exactly `maxBytes`, which is what "max" says. As in Python, rotation needs both
`maxBytes` and `backupCount` above 0.
*/
export class FileStream implements OutputSink {
	readonly #filename: string;
	readonly #maxBytes: number;
	readonly #backupCount: number;
	readonly #prefixer: LinePrefixer | undefined;
	readonly #now: () => number;
	readonly #fileOptions: AppendFileOptions;
	#file: AppendFile | undefined;

	constructor(options: FileStreamOptions) {
		this.#filename = options.filename;
		this.#maxBytes = nonNegativeInteger('maxBytes', options.maxBytes, 0);
		this.#backupCount = nonNegativeInteger('backupCount', options.backupCount, 0);
		this.#prefixer = options.timeFormat === undefined ? undefined : new LinePrefixer(options.timeFormat);
		this.#now = options.now ?? Date.now;
		this.#fileOptions = {uid: options.uid, loss: options.loss};
		// Opened now, so that a bad path is an error when the watcher starts, not at its first line.
		this.#file = new AppendFile(this.#filename, this.#fileOptions);
	}

	write(data: Buffer, pid: number): void {
		let rest = this.#prefixer === undefined ? data : this.#prefixer.transform(data, pid, this.#now());
		if (this.#maxBytes === 0 || this.#backupCount === 0) {
			this.#open().write(rest);
			return;
		}

		while (rest.length > 0) {
			const file = this.#open();
			const room = this.#maxBytes - file.size;
			if (rest.length <= room) {
				file.write(rest);
				return;
			}

			const newline = room > 0 ? rest.lastIndexOf(NEWLINE, room - 1) : -1;
			if (newline !== -1) {
				file.write(rest.subarray(0, newline + 1));
				rest = rest.subarray(newline + 1);
			} else if (room > 0 && !(file.size > 0 && file.atLineStart)) {
				file.write(rest.subarray(0, room));
				rest = rest.subarray(room);
			}

			this.#rotate();
		}
	}

	reopen(): void {
		this.#file?.close();
		this.#file = undefined;
		this.#file = new AppendFile(this.#filename, this.#fileOptions);
	}

	async close(): Promise<void> {
		this.#file?.close();
		this.#file = undefined;
	}

	#open(): AppendFile {
		this.#file ??= new AppendFile(this.#filename, this.#fileOptions);
		return this.#file;
	}

	#rotate(): void {
		this.#file?.close();
		this.#file = undefined;
		// One directory listing instead of a rename attempt per possible backup (backupCount can be 100s).
		const prefix = `${path.basename(this.#filename)}.`;
		const existing = new Set<number>();
		for (const name of fs.readdirSync(path.dirname(this.#filename))) {
			if (name.startsWith(prefix) && /^[1-9]\d*$/.test(name.slice(prefix.length))) {
				existing.add(Number(name.slice(prefix.length)));
			}
		}

		for (let i = this.#backupCount - 1; i >= 1; i--) {
			if (existing.has(i)) {
				renameIfExists(`${this.#filename}.${i}`, `${this.#filename}.${i + 1}`);
			}
		}

		renameIfExists(this.#filename, `${this.#filename}.1`);
	}
}
