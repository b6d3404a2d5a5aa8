import type {Child} from './spawn.js';
import type {FdRef} from './fd-ref.js';

/** Where a source's bytes go. Called synchronously for every chunk, in order. */
type OutputHandler = (data: Buffer, channel: 'stdout' | 'stderr') => void;

/** One registered output source: a child's PTY master, or its stdout and stderr pipes. */
export type OutputSource = {
	/** Unique for the supervisor's life; the registry's key. Never the bare fd number. */
	readonly generation: number;
	readonly pid: number;
	/** Who owns it, for diagnostics (`watcher/pid`). */
	readonly owner: string;
	readonly fds: readonly FdRef[];
	/** Resolves when every channel has ended: all output has been delivered. */
	readonly drained: Promise<void>;
	/** Stop reading (a file that is behind): the child then waits on its full pipe, as with a slow disk. */
	pause(): void;
	resume(): void;
};

let nextSource = 1;

/**
The registry of every live output source. It reads each one continuously, whether or not anyone
is looking, hands the bytes to the source's handler, and unregisters the source once all its fds
are closed. After any churn it holds exactly the sources whose output is still open.
*/
export class Redirector {
	readonly #sources = new Map<number, OutputSource>();
	#bytes = 0;
	/** `whenRead`'s callbacks, and the smallest count one waits for. */
	#marks: Array<{readonly bytes: number; readonly callback: () => void}> = [];
	#nextMark = Number.POSITIVE_INFINITY;

	/** Call `callback` once, as soon as the sources together have read `bytes` since start. */
	whenRead(bytes: number, callback: () => void): void {
		this.#marks.push({bytes, callback});
		this.#passMarks();
	}

	/** Register a child's output. `handler` gets every byte; `onDrained` runs once, at end of output. */
	attach(child: Child, owner: string, handler: OutputHandler): OutputSource {
		const generation = nextSource++;
		let remaining = child.channels.length;
		let resolveDrained!: () => void;
		const drained = new Promise<void>((resolve) => {
			resolveDrained = resolve;
		});
		const fds = [...child.channels.map((channel) => channel.read), ...(child.slaveHold ? [child.slaveHold] : [])];
		const source: OutputSource = {
			generation,
			pid: child.pid,
			owner,
			fds,
			drained,
			pause() {
				for (const channel of child.channels) {
					channel.stream.pause();
				}
			},
			resume() {
				for (const channel of child.channels) {
					channel.stream.resume();
				}
			},
		};
		this.#sources.set(generation, source);
		const finish = (): void => {
			remaining--;
			if (remaining === 0) {
				this.#sources.delete(generation);
				resolveDrained();
			}
		};

		if (remaining === 0) {
			remaining = 1;
			finish();
		}

		for (const channel of child.channels) {
			let done = false;
			const end = (): void => {
				if (!done) {
					done = true;
					// Idempotent: the stream's own close handler may have released it already.
					channel.read.release('reader');
					finish();
				}
			};

			const filter = channel.filter;
			channel.stream.on('data', (chunk: Buffer) => {
				const data = filter ? filter(chunk) : chunk;
				this.#bytes += data.length;
				if (this.#bytes >= this.#nextMark) {
					this.#passMarks();
				}

				if (data.length > 0) {
					handler(data, channel.name);
				}
			});
			channel.stream.once('close', end);
			channel.stream.once('end', () => {
				// 'close' follows; wait for it so the fd is really gone.
			});
		}

		return source;
	}

	#passMarks(): void {
		const passed = this.#marks.filter((mark) => mark.bytes <= this.#bytes);
		this.#marks = this.#marks.filter((mark) => mark.bytes > this.#bytes);
		this.#nextMark = Math.min(Number.POSITIVE_INFINITY, ...this.#marks.map((mark) => mark.bytes));
		for (const mark of passed) {
			mark.callback();
		}
	}

	/** The live sources, oldest first. */
	get sources(): readonly OutputSource[] {
		return [...this.#sources.values()];
	}

	get size(): number {
		return this.#sources.size;
	}

	/** Bytes read from every source since start. */
	get bytesRead(): number {
		return this.#bytes;
	}
}
