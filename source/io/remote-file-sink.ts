import type {OutputSink} from './output-sink.js';
import {StreamLoss} from './stream-loss.js';
import type {FileSinkSpec, Gap, SinkReport} from './stream-messages.js';
import {writerThread, type ThreadSink, type WriterThread} from './stream-writer.js';

/** Bytes on their way to one file above which its sources are paused (the children wait, nothing is lost). */
const highWater = 8 * 1024 * 1024;
/** ...and below which they read again (while the thread still has plenty to write: no bubble). */
const lowWater = 4 * 1024 * 1024;
/** A file behind that makes no progress for this long is stalled (a FIFO nobody reads, a hung mount):
its output is then dropped and counted, so that neither the children nor the supervisor wait on it. */
const stallMs = 10_000;
/** Most bytes on their way to one file; past it, output is dropped (and counted). */
const maxQueuedPerSink = 16 * 1024 * 1024;
/** The same over every stream: memory stays bounded however many files hang. */
const maxQueuedTotal = 64 * 1024 * 1024;

type StreamReport = (level: 'info' | 'warning' | 'error', message: string) => void;

/** What one stream file has done with its output (`dstats`, `logs`, the UI). */
export type StreamStats = {
	readonly path: string;
	/** Bytes on their way to the file now. */
	readonly queuedBytes: number;
	/** Dropped because the file did not take them fast enough (a FIFO nobody reads, a hung mount). */
	readonly droppedBytes: number;
	readonly droppedLines: number;
	/** Not written because writing failed (disk full, directory gone, refused path). */
	readonly lostBytes: number;
	readonly lostLines: number;
	/** Why writing fails now, or undefined while it works. */
	readonly error: string | undefined;
};

const faults: Record<string, string> = {
	ENOSPC: 'no space left on device (ENOSPC)',
	EDQUOT: 'disk quota exceeded (EDQUOT)',
	EAGAIN: 'its reader does not keep up (EAGAIN)',
	EIO: 'input/output error (EIO)',
	EFBIG: 'file too large (EFBIG)',
	EPIPE: 'its reader has gone (EPIPE)',
};

function describeFault(fault: string): string {
	return faults[fault] ?? fault;
}

let nextId = 1;

/**
A stream file (FileStream, TimedRotatingFileStream, WatchedFileStream) written on the stream writer's
thread. `write` never blocks and never throws: what the file cannot take in time is dropped whole
per process (the rest of a line started is dropped with it) and counted; failures are reported
through `report` once when they start and once when writing works again.
*/
export class RemoteFileSink implements OutputSink, ThreadSink {
	readonly id = nextId++;
	readonly spec: FileSinkSpec;
	readonly report: StreamReport;
	queued = 0;
	readonly #thread: WriterThread;
	readonly #dropped = new StreamLoss();
	readonly #gaps = new Map<number, Gap>();
	#dropping = false;
	#stalled = false;
	#stallTimer: NodeJS.Timeout | undefined;
	#ready: Array<() => void> = [];
	#lost: SinkReport | undefined;
	#closed = false;

	constructor(spec: FileSinkSpec, report: StreamReport) {
		this.spec = spec;
		this.report = report;
		this.#thread = writerThread();
		this.#thread.sinks.set(this.id, this);
		this.#thread.send({op: 'open', id: this.id, spec});
	}

	/** False once the file is behind: the caller pauses its sources until `whenReady`. `terminal`: a
	PTY's output, whose `\r\n` the thread writes as `\n`. */
	write(data: Buffer, pid: number, terminal = false): boolean {
		if (this.#stalled || this.queued + data.length > maxQueuedPerSink || this.#thread.queuedBytes + data.length > maxQueuedTotal) {
			this.#dropped.add(data);
			this.#gaps.set(pid, data.at(-1) === 0x0a ? 'line' : 'mid');
			if (!this.#dropping) {
				this.#dropping = true;
				this.report('warning', `${this.spec.filename} does not take output (no progress for ${stallMs} ms); dropping lines, counted in dstats`);
			}

			return true;
		}

		const gap = this.#gaps.get(pid);
		if (gap !== undefined) {
			this.#gaps.delete(pid);
		}

		this.queued += data.length;
		this.#thread.write(this, pid, data, gap, terminal);
		if (this.queued > highWater) {
			this.#watchForStall();
			return false;
		}

		return true;
	}

	/** Calls back once the file has caught up, or is stalled (its output is then dropped, not waited for). */
	whenReady(callback: () => void): void {
		if (this.queued <= lowWater || this.#stalled) {
			callback();
		} else {
			this.#ready.push(callback);
		}
	}

	/** The thread wrote `bytes` of this stream's queue. */
	progress(bytes: number): void {
		this.queued -= bytes;
		clearTimeout(this.#stallTimer);
		this.#stallTimer = undefined;
		if (this.#stalled) {
			this.#stalled = false;
		}

		if (this.#dropping && this.queued <= lowWater) {
			this.#dropping = false;
			this.report('info', `${this.spec.filename} takes output again; ${this.#dropped.lines} lines (${this.#dropped.bytes} bytes) dropped so far`);
		}

		if (this.queued > highWater) {
			this.#watchForStall();
		} else if (this.queued <= lowWater) {
			this.#wake();
		}
	}

	#watchForStall(): void {
		this.#stallTimer ??= setTimeout(() => {
			this.#stallTimer = undefined;
			this.#stalled = true;
			this.#wake();
		}, stallMs);
	}

	#wake(): void {
		const ready = this.#ready;
		this.#ready = [];
		for (const callback of ready) {
			callback();
		}
	}

	/** End of one process's output; resolves once its bytes are in the file (or after a bounded wait). */
	async end(pid: number): Promise<void> {
		this.#gaps.delete(pid);
		this.#thread.send({op: 'end', id: this.id, pid});
		return this.#thread.settled();
	}

	reopen(): void {
		this.#thread.send({op: 'reopen', id: this.id});
	}

	async close(): Promise<void> {
		if (this.#closed) {
			return;
		}

		this.#closed = true;
		this.#thread.send({op: 'close', id: this.id});
		await this.#thread.settled();
		this.#thread.sinks.delete(this.id);
	}

	stats(): StreamStats {
		return {
			path: this.spec.filename,
			queuedBytes: this.queued,
			droppedBytes: this.#dropped.bytes,
			droppedLines: this.#dropped.lines,
			lostBytes: this.#lost?.lostBytes ?? 0,
			lostLines: this.#lost?.lostLines ?? 0,
			error: this.#lost?.fault === undefined ? undefined : describeFault(this.#lost.fault),
		};
	}

	/** The thread's count after a batch: a failure is reported when it starts and when it ends. */
	update(report: SinkReport): void {
		const before = this.#lost?.fault;
		this.#lost = report;
		if (report.fault !== undefined && report.fault !== before) {
			this.report('error', `cannot write ${this.spec.filename}: ${describeFault(report.fault)}; its output is counted as lost until it can`);
		} else if (report.fault === undefined && before !== undefined) {
			this.report('info', `${this.spec.filename} is written again; ${report.lostLines} lines (${report.lostBytes} bytes) lost so far`);
		}
	}

	reopenFailed(reason: string): void {
		this.report('error', `cannot reopen ${this.spec.filename}: ${reason}`);
		this.#lost = {id: this.id, lostBytes: this.#lost?.lostBytes ?? 0, lostLines: this.#lost?.lostLines ?? 0, fault: reason, cut: this.#lost?.cut ?? 0};
	}
}
