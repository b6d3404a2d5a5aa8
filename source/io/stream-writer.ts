import {createRequire} from 'node:module';
import type {Worker} from 'node:worker_threads';
import type {FileSinkSpec, Gap, SinkReport, WorkerReply, WriterBatch, WriterOp} from './stream-messages.js';

/**
A batch of writes goes to the thread once it holds this many bytes, or after `gatherMs`. 8 ms, not
2: a PTY flood (about 60 MB/s in 4 KiB reads) then sends batches of ~500 KiB instead of ~100 KiB,
and a batch's round trip (postMessage both ways, a wake-up of each thread) cost more than the
copy. 1 MiB, not 256 KiB: under a pipe flood the round trips were a quarter of the supervisor's
CPU (eight paired runs each of 300 MB floods: 64-byte lines 2.12 → 1.72 s/GB, a cat of a file
1.37 → 1.22; a PTY flood unchanged).
A file is at most 8 ms behind; an `end` or `settled` sends at once.
*/
const gatherBytes = 1024 * 1024;
const gatherMs = 8;
/** Size of the buffers batches are copied into (room for one more read past `gatherBytes`), reused
as they come back while output flows. */
const spareBytes = gatherBytes + 256 * 1024;
/**
A batch under this size (a few lines now and then) gets a buffer of its own size instead: a quiet
supervisor holds no spares. Larger ones, which the timer sends during a PTY flood (~500 KiB every
8 ms), take a spare: a fresh buffer that large is an mmap, its pages faulted in by the copy and
unmapped when freed (2,400 batches of 256 KiB through a thread and back, in two runs: 189–200 ms
of CPU with spares, 313–372 ms with a new buffer each).
*/
const smallBatchBytes = 64 * 1024;
/** The spares go once no batch has taken one for this long. */
const spareKeepMs = 1000;
/** Batches on their way at once: the thread always has the next one while the scheduler gathers. */
const maxInflight = 4;
/** How long an `end` or `close` waits for the file to have the bytes: a hung file never holds up a stop. */
const settleTimeoutMs = 2000;

type PendingWrite = {readonly op: 'write'; readonly id: number; readonly pid: number; gap?: Gap; readonly terminal: boolean; readonly chunks: Buffer[]};
type Pending = PendingWrite | WriterOp;
type Batch = {readonly bytes: Map<ThreadSink, number>; readonly waiters: Array<() => void>};

/** What the thread needs of a stream (`RemoteFileSink`). */
export type ThreadSink = {
	readonly id: number;
	readonly spec: FileSinkSpec;
	report(level: 'info' | 'warning' | 'error', message: string): void;
	/** The thread wrote `bytes` of this stream's queue. */
	progress(bytes: number): void;
	/** Its losses after a batch. */
	update(report: SinkReport): void;
	reopenFailed(reason: string): void;
};

/**
The scheduler's side of the stream writer's thread. Writes are gathered into batches of at most
`gatherBytes`, copied into buffers that are handed over and back (never cloned), a few on their way
at once; bytes are counted until the thread says they reached the file. Small batches on purpose:
the thread's write then reads bytes still in the CPU's cache (2 MiB batches cost the kernel 25 times
more here than 256 KiB ones).
*/
export class WriterThread {
	readonly sinks = new Map<number, ThreadSink>();
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
	/** Buffers the thread gave back, for the next batches, while output flows. */
	readonly #spares: ArrayBuffer[] = [];
	#lastSpareUse = 0;
	/** Armed while spares are in use: drops them once none has been taken for `spareKeepMs`. */
	#spareTimer: NodeJS.Timeout | undefined;

	/** Start the thread now rather than at the first file; resolves once its code is loaded. */
	async start(): Promise<void> {
		const worker = this.#thread();
		await new Promise<void>((resolve) => {
			const onMessage = (reply: WorkerReply): void => {
				if (reply.type === 'ready') {
					worker.off('message', onMessage);
					resolve();
				}
			};

			worker.on('message', onMessage);
			// Bounded: a thread that does not come up is reported by its 'error' or 'exit'.
			setTimeout(resolve, settleTimeoutMs).unref();
		});
	}

	send(op: WriterOp): void {
		this.#pending.push(op);
		this.#schedule();
	}

	/** `terminal`: a PTY's output, its `\r\n` to be written as `\n` (by the thread, in its copy). */
	write(sink: ThreadSink, pid: number, data: Buffer, gap: Gap | undefined, terminal = false): void {
		const last = this.#pending.at(-1);
		if (gap === undefined && last?.op === 'write' && 'chunks' in last && last.id === sink.id && last.pid === pid && last.terminal === terminal) {
			last.chunks.push(data);
		} else {
			this.#pending.push({op: 'write', id: sink.id, pid, gap, terminal, chunks: [data]});
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
		let buffer = this.#pendingBytes >= smallBatchBytes ? this.#spare() : new ArrayBuffer(this.#pendingBytes);
		const bytes = new Map<ThreadSink, number>();
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
				ops.push({op: 'write', id: pending.id, pid: pending.pid, data: new Uint8Array(buffer, start, offset - start), ...(pending.gap === undefined ? {} : {gap: pending.gap}), ...(pending.terminal ? {terminal: true} : {})});
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
			// Loaded with the first stream file: a supervisor without any never loads worker_threads.
			const {Worker: WorkerThreadClass} = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
			// By way of io/: this module also runs from the daemon's bundle, dist/source/cli/daemon-command.js.
			const worker = new WorkerThreadClass(new URL('../io/stream-worker.js', import.meta.url));
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
		if (reply.type === 'ready') {
			return;
		}

		if (reply.type === 'reopen-failed') {
			this.sinks.get(reply.id)?.reopenFailed(reply.reason);
			return;
		}

		const batch = this.#inflight.get(reply.batch);
		this.#inflight.delete(reply.batch);
		if (this.#spareTimer && this.#spares.length < maxInflight && reply.buffer.byteLength === spareBytes) {
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

	#spare(): ArrayBuffer {
		this.#lastSpareUse = Date.now();
		this.#spareTimer ??= setTimeout(() => {
			this.#dropSpares();
		}, spareKeepMs).unref();
		return this.#spares.pop() ?? new ArrayBuffer(spareBytes);
	}

	/** Output is quiet again: the spares go (5 MiB at most); the next flood allocates them anew. */
	#dropSpares(): void {
		const idleMs = Date.now() - this.#lastSpareUse;
		if (idleMs < spareKeepMs) {
			this.#spareTimer = setTimeout(() => {
				this.#dropSpares();
			}, spareKeepMs - idleMs).unref();
			return;
		}

		this.#spareTimer = undefined;
		this.#spares.length = 0;
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
	return writerThread().start();
}

/** The one stream writer thread of this process. */
export function writerThread(): WriterThread {
	thread ??= new WriterThread();
	return thread;
}
