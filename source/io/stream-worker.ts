/**
The stream writer's thread: every write to a stream file happens here, so a FIFO nobody reads, a
full disk or a hung NFS mount can stall only this thread, never the scheduler's. Its own thread,
not libuv's pool: four hung pool threads would stop every other file operation of the supervisor.
*/
import {parentPort} from 'node:worker_threads';
import {TerminalLineEnds} from './crlf.js';
import {FileStream} from './file-stream.js';
import type {OutputSink} from './output-sink.js';
import {LineJoiner} from './line-joiner.js';
import {StreamLoss} from './stream-loss.js';
import type {FileSinkSpec, SinkReport, WorkerReply, WriterBatch, WriterOp} from './stream-messages.js';
import {TimedRotatingFileStream} from './timed-rotating-file-stream.js';
import {WatchedFileStream} from './watched-file-stream.js';

/** After a file could not be opened, how long writes are counted as lost before the next try. */
const retryOpenMs = 1000;

function reason(error: unknown): string {
	const code = (error as NodeJS.ErrnoException).code;
	const message = error instanceof Error ? error.message : String(error);
	return code === 'EUNSAFE' ? `refused: ${message}` : message;
}

function createSink(spec: FileSinkSpec, loss: StreamLoss): OutputSink {
	const common = {filename: spec.filename, timeFormat: spec.timeFormat, uid: spec.uid, loss};
	switch (spec.class) {
		case 'FileStream': {
			return new FileStream({...common, maxBytes: spec.maxBytes, backupCount: spec.backupCount});
		}

		case 'TimedRotatingFileStream': {
			return new TimedRotatingFileStream({...common, rotateWhen: spec.rotateWhen, rotateInterval: spec.rotateInterval, backupCount: spec.backupCount, utc: spec.utc});
		}

		case 'WatchedFileStream': {
			return new WatchedFileStream(common);
		}
	}
}

/** One stream file: its lines kept whole across processes, and what it could not write counted. */
class WorkerSink {
	readonly loss = new StreamLoss();
	readonly joiner: LineJoiner;
	/** A PTY's `\r\n` as `\n`, in the batch's own bytes. */
	readonly lineEnds = new TerminalLineEnds();
	readonly #spec: FileSinkSpec;
	#sink: OutputSink | undefined;
	#failedAt = Number.NEGATIVE_INFINITY;

	constructor(spec: FileSinkSpec) {
		this.#spec = spec;
		this.joiner = new LineJoiner((data, pid) => {
			this.#write(data, pid);
		});
		this.#sink = this.#create();
	}

	reopen(): string | undefined {
		try {
			if (this.#sink) {
				this.#sink.reopen();
			} else {
				this.#sink = createSink(this.#spec, this.loss);
			}

			return undefined;
		} catch (error) {
			this.loss.fault = reason(error);
			return this.loss.fault;
		}
	}

	async close(): Promise<void> {
		await this.#sink?.close();
		this.#sink = undefined;
	}

	#create(): OutputSink | undefined {
		try {
			return createSink(this.#spec, this.loss);
		} catch (error) {
			this.#failedAt = Date.now();
			this.loss.fault = reason(error);
			return undefined;
		}
	}

	#write(data: Buffer, pid: number): void {
		if (!this.#sink && Date.now() - this.#failedAt >= retryOpenMs) {
			this.#sink = this.#create();
		}

		if (!this.#sink) {
			this.loss.add(data);
			return;
		}

		try {
			this.#sink.write(data, pid);
		} catch (error) {
			// An open or rename that failed (directory gone, permission): the chunk is lost, counted.
			this.loss.add(data);
			this.loss.fault = reason(error);
		}
	}
}

const sinks = new Map<number, WorkerSink>();

function apply(op: WriterOp, touched: Set<number>): void {
	touched.add(op.id);
	switch (op.op) {
		case 'open': {
			sinks.set(op.id, new WorkerSink(op.spec));
			break;
		}

		case 'write': {
			const sink = sinks.get(op.id);
			if (!sink) {
				return;
			}

			const data = Buffer.from(op.data.buffer, op.data.byteOffset, op.data.byteLength);
			if (op.gap !== undefined) {
				// Lines dropped before they got here: the unfinished one is lost with them.
				sink.loss.bytes += sink.joiner.forget(op.pid);
				sink.lineEnds.forget(op.pid);
				if (op.gap === 'mid') {
					sink.loss.markLineLost();
				}
			}

			if (op.terminal) {
				sink.lineEnds.transform(data, op.pid, (part) => {
					sink.joiner.write(part, op.pid);
				});
			} else {
				sink.joiner.write(data, op.pid);
			}

			break;
		}

		case 'end': {
			const sink = sinks.get(op.id);
			sink?.lineEnds.end(op.pid, (part) => {
				sink.joiner.write(part, op.pid);
			});
			sink?.joiner.end(op.pid);
			break;
		}

		case 'reopen': {
			const failure = sinks.get(op.id)?.reopen();
			if (failure !== undefined) {
				parentPort!.postMessage({type: 'reopen-failed', id: op.id, reason: failure} satisfies WorkerReply);
			}

			break;
		}

		case 'close': {
			const sink = sinks.get(op.id);
			sinks.delete(op.id);
			void sink?.close();
			break;
		}
	}
}

parentPort!.on('message', (message: WriterBatch) => {
	const touched = new Set<number>();
	for (const op of message.ops) {
		apply(op, touched);
	}

	const reports: SinkReport[] = [];
	for (const id of touched) {
		const sink = sinks.get(id);
		if (sink) {
			reports.push({id, lostBytes: sink.loss.bytes, lostLines: sink.loss.lines, fault: sink.loss.fault, cut: sink.joiner.cut});
		}
	}

	// Nothing here keeps a view of the buffer past this point (held lines are copies): it goes back.
	parentPort!.postMessage({type: 'ack', batch: message.batch, reports, buffer: message.buffer} satisfies WorkerReply, [message.buffer]);
});

parentPort!.postMessage({type: 'ready'} satisfies WorkerReply);
