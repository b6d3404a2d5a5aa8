import {Worker} from 'node:worker_threads';
import type {OutputSink} from './output-sink.js';
import {StreamLoss} from './stream-loss.js';
import type {FileSinkSpec, Gap, SinkReport, WorkerReply, WriterBatch, WriterOp} from './stream-messages.js';

/** Bytes on their way to one file above which its sources are paused (the children wait, nothing is lost). */
const highWater = 8 * 1024 * 1024;
/** ...and below which they read again (while the thread still has plenty to write: no bubble). */
const lowWater = 4 * 1024 * 1024;
/** A file behind that makes no progress for this long is stalled (a FIFO nobody reads, a hung mount):
its output is then dropped and counted, so that neither the children nor the supervisor wait on it. */
const stallMs = 10_000;
/** A batch of writes goes to the thread once it holds this many bytes, or after `gatherMs`. */
const gatherBytes = 256 * 1024;
const gatherMs = 2;
/** Size of the buffers batches are copied into (bigger for a bigger chunk), reused as they come back. */
const spareBytes = 512 * 1024;
/** Batches on their way at once: the thread always has the next one while the scheduler gathers. */
const maxInflight = 4;
/** Most bytes on their way to one file; past it, output is dropped (and counted). */
const maxQueuedPerSink = 16 * 1024 * 1024;
/** The same over every stream: memory stays bounded however many files hang. */
const maxQueuedTotal = 64 * 1024 * 1024;
/** How long an `end` or `close` waits for the file to have the bytes: a hung file never holds up a stop. */
const settleTimeoutMs = 2000;

export type StreamReport = (level: 'info' | 'warning' | 'error', message: string) => void;

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

export function describeFault(fault: string): string {
	return faults[fault] ?? fault;
}

type PendingWrite = {readonly op: 'write'; readonly id: number; readonly pid: number; gap?: Gap; readonly chunks: Buffer[]};
type Pending = PendingWrite | WriterOp;
type Batch = {readonly bytes: Map<RemoteFileSink, number>; readonly waiters: Array<() => void>};

/**
The scheduler's side of the stream writer's thread. Writes are gathered into batches of at most
`gatherBytes`, copied into buffers that are handed over and back (never cloned), a few on their way
at once; bytes are counted until the thread says they reached the file. Small batches on purpose:
the thread's write then reads bytes still in the CPU's cache (2 MiB batches cost the kernel 25 times
more here than 256 KiB ones).
*/
class WriterThread {
	readonly sinks = new Map<number, RemoteFileSink>();
	queuedBytes = 0;
	#worker: Worker | undefined;
	#pending: Pending[] = [];
	/** Bytes in `#pending`. */
	#pendingBytes = 0;
	/** Called once everything pending now has been written. */
	#waiters: Array<() => void> = [];
	readonly #inflight = new Map<number, Batch>();
	#nextBatch = 1;
	#scheduled = false;
	#timer: NodeJS.Timeout | undefined;
	/** Buffers the thread gave back, for the next batches. */
	readonly #spares: ArrayBuffer[] = [];

	/** Start the thread now rather than at the first file; resolves once it runs. */
	async start(): Promise<void> {
		const worker = this.#thread();
		await new Promise<void>((resolve) => {
			worker.once('online', resolve);
			// Bounded: a thread that does not come up is reported by its 'error' or 'exit'.
			setTimeout(resolve, settleTimeoutMs).unref();
		});
	}

	send(op: WriterOp): void {
		this.#pending.push(op);
		this.#schedule();
	}

	write(sink: RemoteFileSink, pid: number, data: Buffer, gap: Gap | undefined): void {
		const last = this.#pending.at(-1);
		if (gap === undefined && last?.op === 'write' && 'chunks' in last && last.id === sink.id && last.pid === pid) {
			last.chunks.push(data);
		} else {
			this.#pending.push({op: 'write', id: sink.id, pid, gap, chunks: [data]});
		}

		this.queuedBytes += data.length;
		this.#pendingBytes += data.length;
		this.#schedule();
	}

	/** Resolves once everything sent so far reached the thread's files, or after `settleTimeoutMs`. */
	async settled(): Promise<void> {
		return new Promise((resolve) => {
			const timer = setTimeout(resolve, settleTimeoutMs);
			this.#waiters.push(() => {
				clearTimeout(timer);
				resolve();
			});
			this.#schedule();
		});
	}

	#schedule(): void {
		if (this.#inflight.size >= maxInflight || (this.#pending.length === 0 && this.#waiters.length === 0)) {
			return;
		}

		// A batch goes when it is full or someone waits; otherwise it gathers for up to `gatherMs`.
		if (this.#pendingBytes >= gatherBytes || this.#waiters.length > 0) {
			clearTimeout(this.#timer);
			this.#timer = undefined;
			if (!this.#scheduled) {
				this.#scheduled = true;
				setImmediate(() => {
					this.#scheduled = false;
					this.#post();
					this.#schedule();
				});
			}
		} else {
			this.#timer ??= setTimeout(() => {
				this.#timer = undefined;
				if (this.#inflight.size < maxInflight && !this.#scheduled) {
					this.#post();
					this.#schedule();
				}
			}, gatherMs);
		}
	}

	#post(): void {
		if (this.#pending.length === 0 && this.#waiters.length === 0) {
			return;
		}

		// First: a new thread puts the opens of the streams it must take over in front.
		const worker = this.#thread();
		let buffer = this.#spares.pop() ?? new ArrayBuffer(spareBytes);
		const bytes = new Map<RemoteFileSink, number>();
		const ops: WriterOp[] = [];
		let offset = 0;
		while (this.#pending.length > 0 && offset < gatherBytes) {
			const pending = this.#pending[0]!;
			if (pending.op !== 'write' || !('chunks' in pending)) {
				ops.push(pending);
				this.#pending.shift();
				continue;
			}

			if (offset === 0 && pending.chunks[0]!.length > buffer.byteLength) {
				buffer = new ArrayBuffer(pending.chunks[0]!.length);
			}

			const start = offset;
			while (pending.chunks.length > 0 && offset + pending.chunks[0]!.length <= buffer.byteLength && (offset === start || offset < gatherBytes)) {
				const chunk = pending.chunks.shift()!;
				new Uint8Array(buffer, offset, chunk.length).set(chunk);
				offset += chunk.length;
			}

			if (offset > start) {
				ops.push({op: 'write', id: pending.id, pid: pending.pid, data: new Uint8Array(buffer, start, offset - start), ...(pending.gap === undefined ? {} : {gap: pending.gap})});
				pending.gap = undefined;
				const sink = this.sinks.get(pending.id);
				if (sink) {
					bytes.set(sink, (bytes.get(sink) ?? 0) + offset - start);
				}
			}

			if (pending.chunks.length > 0) {
				break;
			}

			this.#pending.shift();
		}

		this.#pendingBytes -= offset;
		// Waiters wait for everything pending when they asked: the batch that empties the queue.
		const waiters = this.#pending.length === 0 ? this.#waiters : [];
		if (this.#pending.length === 0) {
			this.#waiters = [];
		}

		const batch = this.#nextBatch++;
		this.#inflight.set(batch, {bytes, waiters});
		worker.postMessage({batch, ops, buffer} satisfies WriterBatch, [buffer]);
	}

	#thread(): Worker {
		if (!this.#worker) {
			const worker = new Worker(new URL('stream-worker.js', import.meta.url));
			// Log files never keep the supervisor alive; its exit waits for them through `settled`.
			worker.unref();
			worker.on('message', (reply: WorkerReply) => {
				this.#onReply(reply);
			});
			worker.on('error', (error) => {
				this.#lost(worker, error.message);
			});
			worker.on('exit', (code) => {
				this.#lost(worker, `exited with code ${code}`);
			});
			this.#worker = worker;
			// A new thread after a failure: the files of every open stream, opened again.
			const reopen = [...this.sinks.values()].map((sink): WriterOp => ({op: 'open', id: sink.id, spec: sink.spec}));
			this.#pending.unshift(...reopen);
		}

		return this.#worker;
	}

	#lost(worker: Worker, why: string): void {
		if (this.#worker !== worker) {
			return;
		}

		this.#worker = undefined;
		for (const sink of this.sinks.values()) {
			sink.report('error', `the stream writer thread failed (${why}); starting another`);
		}

		for (const batch of this.#inflight.values()) {
			this.#settle(batch);
		}

		this.#inflight.clear();
		this.#schedule();
	}

	#onReply(reply: WorkerReply): void {
		if (reply.type === 'reopen-failed') {
			this.sinks.get(reply.id)?.reopenFailed(reply.reason);
			return;
		}

		const batch = this.#inflight.get(reply.batch);
		this.#inflight.delete(reply.batch);
		if (this.#spares.length < maxInflight && reply.buffer.byteLength === spareBytes) {
			this.#spares.push(reply.buffer);
		}

		for (const report of reply.reports) {
			this.sinks.get(report.id)?.update(report);
		}

		if (batch) {
			this.#settle(batch);
		}

		this.#schedule();
	}

	#settle(batch: Batch): void {
		for (const [sink, bytes] of batch.bytes) {
			this.queuedBytes -= bytes;
			sink.progress(bytes);
		}

		for (const waiter of batch.waiters) {
			waiter();
		}
	}
}

let thread: WriterThread | undefined;

/**
Start the stream writer's thread at once (the supervisor does when its configuration has stream
files), so that its descriptors and memory are part of the supervisor from the start, not a
change in the middle of its life.
*/
export async function startStreamWriter(): Promise<void> {
	thread ??= new WriterThread();
	return thread.start();
}
let nextId = 1;

/**
A stream file (FileStream, TimedRotatingFileStream, WatchedFileStream) written on the stream writer's
thread. `write` never blocks and never throws: what the file cannot take in time is dropped whole
per process (the rest of a line started is dropped with it) and counted; failures are reported
through `report` once when they start and once when writing works again.
*/
export class RemoteFileSink implements OutputSink {
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
		thread ??= new WriterThread();
		this.#thread = thread;
		this.#thread.sinks.set(this.id, this);
		this.#thread.send({op: 'open', id: this.id, spec});
	}

	/** False once the file is behind: the caller pauses its sources until `whenReady`. */
	write(data: Buffer, pid: number): boolean {
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
		this.#thread.write(this, pid, data, gap);
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
