/**
The arbiter's one serial scheduler. Every change of state is a command run here, one at a time,
to completion, in bounded time: keyboard actions, control requests, OS signals, timers, process
exits and the reconcile tick. No command is refused because another is running: it queues.
*/

/** Thrown into a caller when the queue is full. */
export class BusyError extends Error {
	constructor(limit: number) {
		super(`the supervisor is busy: ${limit} commands are already queued; try again shortly`);
		this.name = 'BusyError';
	}
}

export type Command = {
	/** For logs and diagnostics: `stop web`, `exit web/1234`, `tick`. */
	readonly label: string;
	/** Commands with the same key coalesce: while one is queued, another is not added. */
	readonly coalesceKey?: string;
	/** Internal commands (timers, exits, signals) are never refused for a full queue. */
	readonly internal?: boolean;
	/** The work. Must not wait on anything: it arms timers or waiters instead. */
	readonly run: () => void;
	/** Called instead of run when a later command superseded this one while it was queued. */
	readonly superseded?: (by: string) => void;
	/** Supersession: a queued command with the same `intentKey` is superseded by this one. */
	readonly intentKey?: string;
};

/** The most commands from clients that may wait at once. */
const defaultQueueLimit = 10_000;

export class Scheduler {
	readonly #queue: Command[] = [];
	readonly #coalesced = new Set<string>();
	readonly #limit: number;
	readonly #onError: (command: Command, error: unknown) => void;
	readonly #onEnqueue: ((command: Command) => void) | undefined;
	#scheduled = false;
	#running = false;
	#ran = 0;
	#idleWaiters: Array<() => void> = [];

	/** `onEnqueue` sees every command that joins the queue (not one that coalesced). */
	constructor(options: {limit?: number; onError: (command: Command, error: unknown) => void; onEnqueue?: (command: Command) => void}) {
		this.#limit = options.limit ?? defaultQueueLimit;
		this.#onError = options.onError;
		this.#onEnqueue = options.onEnqueue;
	}

	/** Queue a command. Returns false when it coalesced into one already queued. */
	enqueue(command: Command): boolean {
		if (command.coalesceKey !== undefined) {
			if (this.#coalesced.has(command.coalesceKey)) {
				return false;
			}

			this.#coalesced.add(command.coalesceKey);
		}

		if (!command.internal && this.#queue.length >= this.#limit) {
			if (command.coalesceKey !== undefined) {
				this.#coalesced.delete(command.coalesceKey);
			}

			throw new BusyError(this.#limit);
		}

		if (command.intentKey !== undefined) {
			// Later intent wins: a queued start of W is superseded by a stop of W.
			for (let index = this.#queue.length - 1; index >= 0; index--) {
				const queued = this.#queue[index]!;
				if (queued.intentKey === command.intentKey) {
					this.#queue.splice(index, 1);
					queued.superseded?.(command.label);
				}
			}
		}

		this.#queue.push(command);
		this.#schedule();
		this.#onEnqueue?.(command);
		return true;
	}

	/** Commands waiting to run. */
	get pending(): number {
		return this.#queue.length;
	}

	/** Commands run since start. */
	get ran(): number {
		return this.#ran;
	}

	/** Resolves when the queue is empty. */
	async onIdle(): Promise<void> {
		if (this.#queue.length === 0 && !this.#running) {
			return;
		}

		return new Promise((resolve) => {
			this.#idleWaiters.push(resolve);
		});
	}

	#schedule(): void {
		if (!this.#scheduled) {
			this.#scheduled = true;
			setImmediate(() => {
				this.#drain();
			});
		}
	}

	#drain(): void {
		this.#scheduled = false;
		this.#running = true;
		// Run a bounded batch, then yield to I/O so output and sockets keep flowing.
		let budget = 256;
		while (this.#queue.length > 0 && budget-- > 0) {
			const command = this.#queue.shift()!;
			if (command.coalesceKey !== undefined) {
				this.#coalesced.delete(command.coalesceKey);
			}

			try {
				command.run();
			} catch (error) {
				this.#onError(command, error);
			}

			this.#ran++;
		}

		this.#running = false;
		if (this.#queue.length > 0) {
			this.#schedule();
		} else {
			const waiters = this.#idleWaiters;
			this.#idleWaiters = [];
			for (const resolve of waiters) {
				resolve();
			}
		}
	}
}
