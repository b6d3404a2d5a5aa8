import fs from 'node:fs';
import {openOwnOutput} from './own-output.js';
import type {Writable} from 'node:stream';
import {SyslogSink, type SyslogTarget} from './syslog.js';

/** Bytes of log lines that may wait for a slow reader before lines are dropped. */
const maxPendingBytes = 256 * 1024;
/** How often, at most, a line written to a log file checks that the path still names that file. */
const watchIntervalMs = 1000;
/** How long closing waits for a slow reader to take the last lines: exit never waits on it. */
const closeTimeoutMs = 1000;

const levels = ['debug', 'info', 'warning', 'error', 'critical'] as const;
export type LogWriterLevel = (typeof levels)[number];

function timestamp(date: Date): string {
	const pad = (value: number): string => String(value).padStart(2, '0');
	return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** A log file procui cannot open (thrown by the LogWriter's constructor). */
export class LogOutputError extends Error {
	constructor(readonly file: string, cause: unknown) {
		const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : undefined;
		const reasons: Record<string, string> = {ENOENT: 'its directory does not exist', EISDIR: 'it is a directory', EACCES: 'permission denied', ENOTDIR: 'a part of its path is not a directory', EROFS: 'the file system is read-only'};
		super(`cannot open ${file} for writing: ${(code === undefined ? undefined : reasons[code]) ?? (cause instanceof Error ? cause.message : String(cause))}`);
		this.name = 'LogOutputError';
	}
}

/**
The supervisor's own log: stderr or a file, written without ever blocking the event loop. When
the reader is slow (a stderr pipe nobody reads), lines are dropped and counted instead of
stalling supervision, and the count is written once the reader catches up.

A file is watched as Circus's WatchedFileHandler watches it: when the path no longer names the
file being written (logrotate moved it, or someone removed it), the file is opened again by name.
Circus stats before every line; here a line checks at most once a second, and lines written
before the check go to the moved file, so nothing is lost. SIGUSR1 reopens at once.
*/
export class LogWriter {
	/** `-`, a file path, or the `syslog://` URL for messages. */
	readonly #target: string;
	readonly #syslogTarget: SyslogTarget | undefined;
	readonly #minimum: number;
	#stream: Writable | undefined;
	/** With a `syslog://` target: where lines go instead of a stream. */
	#syslog: SyslogSink | undefined;
	#dropped = 0;
	#droppedTotal = 0;
	/** The file being written (a file target): its device and inode, once open. */
	#identity: {readonly dev: bigint; readonly ino: bigint} | undefined;
	#checkedAt = Number.NEGATIVE_INFINITY;
	#reopening = false;
	/** With stderr as the target: whether a write there failed. */
	#outputFailed: () => boolean = () => false;
	/** A reopen after a move failed: no more checks until a reopen succeeds (SIGUSR1). */
	#watchStopped = false;

	/** `target`: `-` for stderr, a file path, or syslog (`url` as written, for messages). */
	constructor(target: string | {readonly url: string; readonly syslog: SyslogTarget}, level: LogWriterLevel) {
		this.#target = typeof target === 'string' ? target : target.url;
		this.#syslogTarget = typeof target === 'string' ? undefined : target.syslog;
		this.#minimum = levels.indexOf(level);
		this.#open();
	}

	#open(): void {
		let syslogProblem: string | undefined;
		if (this.#syslogTarget) {
			try {
				this.#syslog = new SyslogSink(this.#syslogTarget);
				return;
			} catch (error) {
				syslogProblem = error instanceof Error ? error.message : String(error);
			}
		}

		if (this.#target === '-' || syslogProblem !== undefined) {
			// Never blocking: process.stderr is synchronous for pipes and terminals on Linux and would
			// freeze the supervisor behind a reader that never reads.
			const output = openOwnOutput(2);
			this.#stream = output.stream;
			this.#outputFailed = output.failed;
		} else {
			// Opened now, so that a path procui cannot write is said before anything starts, instead
			// of every line going nowhere.
			let fd: number;
			try {
				fd = fs.openSync(this.#target, 'a');
			} catch (error) {
				throw new LogOutputError(this.#target, error);
			}

			this.#attach(fs.createWriteStream(this.#target, {fd}));
			return;
		}

		this.#onDrain(this.#stream);
		if (syslogProblem !== undefined) {
			this.log('error', `logoutput ${this.#target}: ${syslogProblem}; logging to the standard error stream instead`);
		}
	}

	#attach(stream: fs.WriteStream): void {
		stream.on('error', () => undefined);
		this.#stream = stream;
		this.#onDrain(stream);
		const identify = (fd: number): void => {
			fs.fstat(fd, {bigint: true}, (error, info) => {
				if (!error && this.#stream === stream) {
					this.#identity = {dev: info.dev, ino: info.ino};
				}
			});
		};

		// Open already when a reopen attaches it; opening when the first is.
		const {fd} = stream as unknown as {readonly fd: number | null};
		if (typeof fd === 'number') {
			identify(fd);
		} else {
			stream.once('open', identify);
		}
	}

	/** A file target whose path names another file now, or none: open it again by name. */
	#watch(): void {
		const identity = this.#identity;
		const now = Date.now();
		if (identity === undefined || this.#reopening || this.#watchStopped || now - this.#checkedAt < watchIntervalMs) {
			return;
		}

		this.#checkedAt = now;
		const current = fs.statSync(this.#target, {bigint: true, throwIfNoEntry: false});
		if (current === undefined || current.dev !== identity.dev || current.ino !== identity.ino) {
			this.#reopenFile(current === undefined ? 'its path was gone' : 'its path named another file');
		}
	}

	#onDrain(stream: Writable): void {
		stream.on('drain', () => {
			if (this.#dropped > 0) {
				const count = this.#dropped;
				this.#dropped = 0;
				this.#stream?.write(`${timestamp(new Date())} procui[${process.pid}] [WARNING] ${count} log lines dropped: the log reader was too slow\n`);
			}
		});
	}

	get dropped(): number {
		return this.#dropped;
	}

	/** Lines dropped since start (not reset when the reader catches up). */
	get droppedTotal(): number {
		return this.#droppedTotal + (this.#syslog?.dropped ?? 0);
	}

	/** Bytes written and not yet taken by the reader. */
	get pendingBytes(): number {
		return this.#stream?.writableLength ?? 0;
	}

	enabled(level: LogWriterLevel): boolean {
		return levels.indexOf(level) >= this.#minimum;
	}

	log(level: LogWriterLevel, message: string): void {
		if (!this.enabled(level)) {
			return;
		}

		if (this.#syslog) {
			this.#syslog.send(level, message);
			return;
		}

		if (!this.#stream) {
			return;
		}

		if (this.#outputFailed()) {
			// Its terminal hung up (a dropped ssh connection) or its reader is gone: counted, as lines
			// a slow reader could not take, and never an error of the supervisor's.
			this.#dropped++;
			this.#droppedTotal++;
			return;
		}

		this.#watch();

		if (this.#stream.writableLength > maxPendingBytes) {
			this.#dropped++;
			this.#droppedTotal++;
			return;
		}

		this.#stream.write(`${timestamp(new Date())} procui[${process.pid}] [${level.toUpperCase()}] ${message}\n`);
	}

	/**
	Reopen the log file (SIGUSR1, after logrotate moved it). The old file keeps the lines until the new
	one is open; if it cannot be opened (its directory is gone), the old one stays and says why.
	*/
	reopen(): void {
		if (this.#target === '-' || this.#syslogTarget !== undefined || !this.#stream) {
			return;
		}

		this.#reopenFile();
	}

	/** `why`: the watch's reason; none for SIGUSR1. */
	#reopenFile(why?: string): void {
		this.#reopening = true;
		const next = fs.createWriteStream(this.#target, {flags: 'a'});
		next.once('open', () => {
			const old = this.#stream;
			this.#stream = undefined;
			old?.end();
			this.#identity = undefined;
			this.#reopening = false;
			this.#watchStopped = false;
			this.#attach(next);
			this.log('info', why === undefined ? `reopened ${this.#target}` : `reopened ${this.#target}: ${why}`);
		});
		next.once('error', (error) => {
			this.#reopening = false;
			this.#watchStopped = why !== undefined;
			this.log('error', `cannot reopen procui's log ${this.#target}: ${error.message}; still writing to the file it had open`);
		});
	}

	async close(): Promise<void> {
		const syslog = this.#syslog;
		this.#syslog = undefined;
		await syslog?.close(closeTimeoutMs);
		const stream = this.#stream;
		this.#stream = undefined;
		if (stream && stream !== process.stderr && !this.#outputFailed()) {
			// A reader that never reads would keep 'finish' from ever coming, and the exit with it.
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, closeTimeoutMs);
				stream.end(() => {
					clearTimeout(timer);
					resolve();
				});
			});
		}
	}
}
