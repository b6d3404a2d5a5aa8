import fs from 'node:fs';
import path from 'node:path';
import {AppendFile, type AppendFileOptions} from './append-file.js';
import {nonNegativeInteger, positiveInteger} from './check-option.js';
import {LinePrefixer} from './line-prefixer.js';
import type {OutputSink} from './output-sink.js';
import {renameIfExists} from './rename-if-exists.js';
import {nextRollover, rolloverSchedule, type RolloverSchedule} from './rollover-schedule.js';
import {strftime} from './strftime.js';

/** Options of a `TimedRotatingFileStream` (Circus's `class = TimedRotatingFileStream`). */
export type TimedRotatingFileStreamOptions = AppendFileOptions & {
	/** The file to append to; created if missing. */
	readonly filename: string;
	/** `S`, `M`, `H`, `D`, `MIDNIGHT` or `W0`-`W6` (0 = Monday), any case. Default `H` (Python's). */
	readonly rotateWhen?: string;
	/** Periods per rotation. Default 1. */
	readonly rotateInterval?: number;
	/** Rotated files kept, oldest deleted first; 0 = keep all. Default 0. */
	readonly backupCount?: number;
	/** Midnights and file suffixes in UTC rather than local time. Default false. */
	readonly utc?: boolean;
	/** Python strftime format; when set every line starts with `<time> [<pid>] | `. */
	readonly timeFormat?: string;
	/** The clock, ms since the epoch. Default `Date.now`. */
	readonly now?: () => number;
};

/**
Circus's TimedRotatingFileStream: appends output to a file and, on the first write at or
after the rollover time, renames it to `<filename>.<suffix>` (for example
`web.log.2025112714` for `H`), starts a new file, and deletes the oldest rotated files
beyond `backupCount`. The schedule follows Python's TimedRotatingFileHandler, the names Circus's
suffixes (see `rollover-schedule.ts`). A period with no writes produces no file, as in Python.
*/
export class TimedRotatingFileStream implements OutputSink {
	readonly #filename: string;
	readonly #schedule: RolloverSchedule;
	readonly #backupCount: number;
	readonly #prefixer: LinePrefixer | undefined;
	readonly #now: () => number;
	readonly #fileOptions: AppendFileOptions;
	#rolloverAt: number;
	#file: AppendFile | undefined;

	constructor(options: TimedRotatingFileStreamOptions) {
		const utc = options.utc ?? false;
		this.#filename = options.filename;
		this.#schedule = rolloverSchedule(
			options.rotateWhen ?? 'H',
			positiveInteger('rotateInterval', options.rotateInterval, 1),
			utc,
		);
		this.#backupCount = nonNegativeInteger('backupCount', options.backupCount, 0);
		this.#prefixer = options.timeFormat === undefined ? undefined : new LinePrefixer(options.timeFormat, {utc});
		this.#now = options.now ?? Date.now;
		this.#fileOptions = {uid: options.uid, loss: options.loss};
		// Like Python: an existing file's period began when it was last written.
		const start = fs.statSync(this.#filename, {throwIfNoEntry: false})?.mtimeMs ?? this.#now();
		this.#rolloverAt = nextRollover(this.#schedule, start);
		this.#file = new AppendFile(this.#filename, this.#fileOptions);
	}

	/** When the next rollover is due, ms since the epoch. */
	get rolloverAt(): number {
		return this.#rolloverAt;
	}

	write(data: Buffer, pid: number): void {
		const now = this.#now();
		if (now >= this.#rolloverAt) {
			this.#rotate(now);
		}

		this.#file ??= new AppendFile(this.#filename, this.#fileOptions);
		this.#file.write(this.#prefixer === undefined ? data : this.#prefixer.transform(data, pid, now));
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

	#rotate(now: number): void {
		this.#file?.close();
		this.#file = undefined;
		const periodStart = this.#rolloverAt - this.#schedule.interval;
		const suffix = strftime(this.#schedule.suffix, periodStart, {utc: this.#schedule.utc});
		renameIfExists(this.#filename, `${this.#filename}.${suffix}`);
		if (this.#backupCount > 0) {
			for (const file of this.#filesToDelete()) {
				fs.rmSync(file, {force: true});
			}
		}

		this.#rolloverAt = nextRollover(this.#schedule, now);
	}

	#filesToDelete(): string[] {
		const directory = path.dirname(this.#filename);
		const prefix = `${path.basename(this.#filename)}.`;
		const rotated = fs
			.readdirSync(directory)
			.filter(name => name.startsWith(prefix) && this.#schedule.suffixPattern.test(name.slice(prefix.length)))
			.sort();
		return rotated.slice(0, Math.max(0, rotated.length - this.#backupCount)).map(name => path.join(directory, name));
	}
}
