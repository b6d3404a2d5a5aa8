import fs from 'node:fs';
import {AppendFile, type AppendFileOptions} from './append-file.js';
import {nonNegativeInteger} from './check-option.js';
import {LinePrefixer} from './line-prefixer.js';
import type {OutputSink} from './output-sink.js';

/** How often the path is checked by default, in ms. */
const DEFAULT_WATCH_INTERVAL = 1000;

/** Options of a `WatchedFileStream` (Circus's `class = WatchedFileStream`). */
type WatchedFileStreamOptions = AppendFileOptions & {
	/** The file to append to; created if missing, and again after it is moved away. */
	readonly filename: string;
	/** Python strftime format; when set every line starts with `<time> [<pid>] | `. */
	readonly timeFormat?: string;
	/** Check the path at most this often, in ms; 0 = before every write, as Circus does. Default 1000. */
	readonly checkInterval?: number;
	/** The clock, ms since the epoch. Default `Date.now`. */
	readonly now?: () => number;
};

/**
Circus's WatchedFileStream, for an external logrotate: before a write the path is stat()ed,
and if it is gone or names another file (device or inode changed), the file is reopened by
name, so output goes to the new file.

Circus stats before every write. Here the check runs at most once per `checkInterval`
(1 s by default): a flood arrives as thousands of chunks a second, and a stat per chunk
would cost more than the write. Bytes written between logrotate's rename and the next
check go to the moved file (logrotate's `delaycompress` exists for exactly this), so
nothing is lost. `checkInterval: 0` gives Circus's behaviour.
*/
export class WatchedFileStream implements OutputSink {
	readonly #filename: string;
	readonly #checkInterval: number;
	readonly #prefixer: LinePrefixer | undefined;
	readonly #now: () => number;
	readonly #fileOptions: AppendFileOptions;
	#file: AppendFile | undefined;
	#identity: {readonly dev: bigint; readonly ino: bigint} | undefined;
	#checkedAt = Number.NEGATIVE_INFINITY;

	constructor(options: WatchedFileStreamOptions) {
		this.#filename = options.filename;
		this.#checkInterval = nonNegativeInteger('checkInterval', options.checkInterval, DEFAULT_WATCH_INTERVAL);
		this.#prefixer = options.timeFormat === undefined ? undefined : new LinePrefixer(options.timeFormat);
		this.#now = options.now ?? Date.now;
		this.#fileOptions = {uid: options.uid, loss: options.loss};
		this.#file = this.#open(this.#now());
	}

	write(data: Buffer, pid: number): void {
		const now = this.#now();
		if (this.#file !== undefined && now - this.#checkedAt >= this.#checkInterval) {
			this.#checkedAt = now;
			const current = fs.statSync(this.#filename, {bigint: true, throwIfNoEntry: false});
			if (current === undefined || current.dev !== this.#identity?.dev || current.ino !== this.#identity.ino) {
				this.#file.close();
				this.#file = undefined;
			}
		}

		this.#file ??= this.#open(now);
		this.#file.write(this.#prefixer === undefined ? data : this.#prefixer.transform(data, pid, now));
	}

	reopen(): void {
		this.#file?.close();
		this.#file = undefined;
		this.#file = this.#open(this.#now());
	}

	async close(): Promise<void> {
		this.#file?.close();
		this.#file = undefined;
	}

	#open(now: number): AppendFile {
		const file = new AppendFile(this.#filename, this.#fileOptions);
		const {dev, ino} = file.identity();
		this.#identity = {dev, ino};
		this.#checkedAt = now;
		return file;
	}
}
