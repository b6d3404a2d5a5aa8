/**
The log pane's feed: the lines of one source (a watcher, a process, every watcher, procui's own
log) in a bounded buffer. Changing the source subscribes to its topic first, then fetches its
scrollback with `logs`, holding live lines that arrive meanwhile and appending them after; older
lines are fetched when the view scrolls to the top.
*/
import {isErrorReply, type EventMessage} from '../../control/protocol.js';
import type {SupervisorClient, Subscription} from '../../control/supervisor-client.js';
import {LogBuffer, type IncomingLine} from './log-buffer.js';
import {sourceKey, sourceTopic, type LogSource} from './log-source.js';

/** The log pane's data state. */
export type LogState = {
	readonly source: LogSource;
	/** Waiting for the `logs` reply. */
	readonly loading: boolean;
	/** The buffer holds everything the supervisor keeps for this source. */
	readonly complete: boolean;
	/** Why the lines could not be fetched. */
	readonly error: string | undefined;
};

/** The `search` reply: matches newest first, `back` lines from the newest of the source. */
export type ScrollbackSearch = {
	readonly total: number;
	readonly matches: ReadonlyArray<{readonly watcher: string; readonly pid: number; readonly seq: number; readonly back: number}>;
	readonly searched: number;
	readonly partial: boolean;
};

/** A line as the buffer takes it whole (a `logs` reply's, procui's own). */
export type SourcedLine = IncomingLine & {readonly watcher: string; readonly pid: number};

type LogFeedOptions = {
	/** Lines kept. */
	readonly capacity: number;
	/** Lines fetched when the source changes. */
	readonly initialLines: number;
	/** Wait after a source change before fetching. */
	readonly fetchDelayMs: number;
	/** procui's own lines so far, for the `supervisor` source. */
	readonly ownLines: () => readonly SourcedLine[];
	/** Something changed (the store tells views at the next frame). */
	readonly onChange: () => void;
	/** A failure worth the status line. */
	readonly onError: (text: string) => void;
};

/** Live batches held while a `logs` reply is on its way. */
const maxPendingBatches = 5000;

export class LogFeed {
	readonly buffer: LogBuffer;
	readonly #client: SupervisorClient;
	readonly #options: LogFeedOptions;
	#log: LogState = {source: {kind: 'all'}, loading: true, complete: false, error: undefined};
	#logSubscription: Promise<Subscription | undefined> = Promise.resolve(undefined);
	#logGeneration = 0;
	/** The source shown, as a key; none until the view first asks. */
	#sourceKey: string | undefined;
	#fetchTimer: NodeJS.Timeout | undefined;
	#requested = 0;
	/** Live lines that arrived while the `logs` reply was on its way. */
	#pending: Array<{watcher: string; pid: number; lines: readonly IncomingLine[]; partial: IncomingLine | null}> = [];
	#stopped = false;

	constructor(client: SupervisorClient, options: LogFeedOptions) {
		this.#client = client;
		this.#options = options;
		this.buffer = new LogBuffer(options.capacity);
	}

	get state(): LogState {
		return this.#log;
	}

	/** The supervisor dropped events for this slow viewer: mark the hole where it happened. */
	markDropped(count: number): void {
		if (this.#log.source.kind !== 'supervisor' && !this.#log.loading) {
			this.buffer.markDropped(count, Date.now());
		}
	}

	/** A new line of procui's own log. */
	addOwn(line: SourcedLine): void {
		if (this.#log.source.kind === 'supervisor') {
			this.buffer.append(line.watcher, line.pid, [line]);
		}
	}

	async stop(): Promise<void> {
		this.#stopped = true;
		clearTimeout(this.#fetchTimer);
		await this.#logSubscription.then(async (subscription) => subscription?.unsubscribe());
	}

	/** Show another source: the buffer starts over, its scrollback is fetched, live lines follow. */
	setLogSource(source: LogSource): void {
		const key = sourceKey(source);
		if (key === this.#sourceKey) {
			return;
		}

		this.#sourceKey = key;
		const generation = ++this.#logGeneration;
		this.buffer.clear();
		this.#pending = [];
		this.#log = {source, loading: source.kind !== 'supervisor', complete: source.kind === 'supervisor', error: undefined};
		clearTimeout(this.#fetchTimer);
		if (source.kind === 'supervisor') {
			this.buffer.reset(this.#options.ownLines());
			this.#resubscribe(undefined, generation);
			this.#options.onChange();
			return;
		}

		this.#requested = this.#options.initialLines;
		this.#options.onChange();
		this.#fetchTimer = setTimeout(() => {
			this.#resubscribe(source, generation);
			void this.#fetch(generation, 'reset');
		}, this.#options.fetchDelayMs);
	}

	/** Fetch the current source's lines again from the start (after a reconnection). */
	resync(): void {
		const source = this.#log.source;
		if (this.#sourceKey === undefined || source.kind === 'supervisor') {
			return;
		}

		const generation = ++this.#logGeneration;
		this.#pending = [];
		this.#requested = this.#options.initialLines;
		this.#log = {...this.#log, loading: true, complete: false, error: undefined};
		this.#resubscribe(source, generation);
		this.#options.onChange();
		void this.#fetch(generation, 'reset');
	}

	/** Fetch more of the scrollback (the view reached the oldest line held); `all`: as much as the buffer holds. False when there is nothing more to fetch. */
	loadOlder(all = false): boolean {
		const capacity = this.buffer.capacity;
		if (this.#log.complete || this.#log.loading || this.#requested >= capacity) {
			return false;
		}

		this.#requested = all ? capacity : Math.min(capacity, this.#requested * 5);
		this.#log = {...this.#log, loading: true};
		this.#options.onChange();
		void this.#fetch(this.#logGeneration, 'older');
		return true;
	}

	/** Make sure the newest `count` lines of the source are held (as many as the buffer can):
	resolves true once they are in, false when the source changed meanwhile or could not load. */
	async loadBack(count: number): Promise<boolean> {
		const generation = this.#logGeneration;
		const wanted = Math.min(this.buffer.capacity, count);
		if (this.#log.complete || wanted <= this.#requested) {
			return true;
		}

		this.#requested = wanted;
		this.#log = {...this.#log, loading: true};
		this.#options.onChange();
		await this.#fetch(generation, 'older');
		return generation === this.#logGeneration && this.#log.error === undefined;
	}

	/** Search the source's whole scrollback on the supervisor (`search`), not only the lines held. */
	async searchScrollback(query: string, limit: number): Promise<ScrollbackSearch | string> {
		const source = this.#log.source;
		if (source.kind === 'supervisor') {
			return 'procui\'s own log is all here';
		}

		const properties: Record<string, unknown> = {query, limit};
		if (source.kind !== 'all') {
			properties.name = source.name;
		}

		if (source.kind === 'process') {
			properties.pid = source.pid;
		}

		try {
			const reply = await this.#client.call('search', properties);
			return isErrorReply(reply) ? reply.reason : reply as unknown as ScrollbackSearch;
		} catch (error) {
			return error instanceof Error ? error.message : String(error);
		}
	}

	#resubscribe(source: LogSource | undefined, generation: number): void {
		const previous = this.#logSubscription;
		const topic = source === undefined ? undefined : sourceTopic(source);
		this.#logSubscription = previous.then(async (old) => {
			await old?.unsubscribe().catch(() => undefined);
			if (topic === undefined || generation !== this.#logGeneration || this.#stopped) {
				return undefined;
			}

			return this.#client.subscribe([topic], (event) => {
				this.#onLogEvent(event, generation);
			}).catch((error: unknown) => {
				this.#options.onError(`cannot follow logs: ${error instanceof Error ? error.message : String(error)}`);
				return undefined;
			});
		});
	}

	async #fetch(generation: number, mode: 'reset' | 'older'): Promise<void> {
		const source = this.#log.source;
		if (source.kind === 'supervisor') {
			return;
		}

		const requested = this.#requested;
		const properties: Record<string, unknown> = {lines: requested};
		if (source.kind !== 'all') {
			properties.name = source.name;
		}

		if (source.kind === 'process') {
			properties.pid = source.pid;
		}

		try {
			// Subscribed first (above), so nothing falls between the reply and the first event.
			await this.#logSubscription;
			const reply = await this.#client.call('logs', properties);
			if (generation !== this.#logGeneration) {
				return;
			}

			if (isErrorReply(reply)) {
				this.#log = {...this.#log, loading: false, error: reply.reason};
				this.#options.onChange();
				return;
			}

			const lines = (reply.lines ?? []) as readonly SourcedLine[];
			if (mode === 'reset') {
				this.buffer.reset(lines, (reply.partials ?? []) as readonly SourcedLine[]);
			} else {
				this.buffer.prepend(lines);
			}

			for (const batch of this.#pending) {
				this.buffer.append(batch.watcher, batch.pid, batch.lines, batch.partial);
			}

			this.#pending = [];
			this.#log = {...this.#log, loading: false, complete: lines.length < requested, error: undefined};
		} catch (error) {
			if (generation === this.#logGeneration) {
				this.#log = {...this.#log, loading: false, error: error instanceof Error ? error.message : String(error)};
			}
		}

		this.#options.onChange();
	}

	#onLogEvent(event: EventMessage, generation: number): void {
		if (generation !== this.#logGeneration || event.event === 'dropped') {
			return;
		}

		const source = this.#log.source;
		const watcher = String(event.data.watcher);
		const pid = Number(event.data.pid);
		if ((source.kind === 'watcher' || source.kind === 'process') && watcher !== source.name) {
			return;
		}

		if (source.kind === 'process' && pid !== source.pid) {
			return;
		}

		const lines = (event.data.lines ?? []) as readonly IncomingLine[];
		// Every event says how the process's unfinished line stands now: absent means it has none.
		const partial = (event.data.partial ?? null) as IncomingLine | null;
		if (this.#log.loading) {
			this.#pending.push({watcher, pid, lines, partial});
			if (this.#pending.length > maxPendingBatches) {
				// A flood while the reply is on its way: the oldest batches go; the buffer marks the hole.
				this.#pending.shift();
			}

			return;
		}

		this.buffer.append(watcher, pid, lines, partial);
		this.#options.onChange();
	}

}
