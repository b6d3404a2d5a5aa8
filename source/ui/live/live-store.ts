/**
Everything the UI shows that comes from the supervisor, gathered off the render path: the latest
overview (a `stats` event a second), CPU and memory history, per-slot restarts, and (through a
LogFeed) the log pane's scrollback for the current source. Events only file data and mark the store dirty; views
are told at most once a frame (`frameMs`), however fast events arrive, so a child flooding
output costs the UI one append per line and one render per frame.
*/
import {isErrorReply, type EventMessage} from '../../control/protocol.js';
import type {Overview} from '../../control/rows.js';
import type {SupervisorClient, Subscription} from '../../control/supervisor-client.js';
import type {HeapTrim} from './heap-trim.js';
import {History} from './history.js';
import type {LogBuffer} from '../logs/log-buffer.js';
import {LogFeed, type LogState, type ScrollbackSearch, type SourcedLine} from '../logs/log-feed.js';
import type {LogSource} from '../logs/log-source.js';
import {Slots} from './slots.js';
import {TerminalFeed} from '../terminal/terminal-feed.js';

/** One line of procui's own log (embedded mode). */
export type SupervisorLogLine = {
	readonly level: 'debug' | 'info' | 'warning' | 'error';
	readonly message: string;
	/** Milliseconds since the epoch. */
	readonly time: number;
};

/** procui's own log, as the composition root collects it: what was logged so far and what comes next. */
export type SupervisorLogFeed = {
	recent(): readonly SupervisorLogLine[];
	/** Returns the function that stops listening. */
	subscribe(listener: (line: SupervisorLogLine) => void): () => void;
};

/** Something worth a line in the status bar that nobody asked for: a watcher flapping, a warning. */
export type Notice = {
	readonly level: 'info' | 'warn' | 'error';
	readonly text: string;
	readonly time: number;
	/** How many times this notice (the same text, numbers aside) came; the status line shows the latest with the count. */
	readonly count: number;
};

/** Notices that differ only in their numbers ("retry in 2 s", "retry in 3 s") are one notice repeated. */
const noticeKey = (level: Notice['level'], text: string): string => `${level} ${text.replaceAll(/\d+(?:\.\d+)?/gu, '#')}`;

/** Distinct notices counted; the oldest counts are forgotten past this. */
const noticeKeysKept = 200;

/** What views read; a new object whenever something changed. */
export type LiveSnapshot = {
	readonly overview: Overview | undefined;
	/** When the last overview arrived (ms since the epoch); 0 before the first. */
	readonly statsAt: number;
	readonly historyVersion: number;
	readonly logVersion: number;
	/** Bumped when the shown process's terminal screen changed. */
	readonly terminalVersion: number;
	readonly log: LogState;
	/** The latest notice. */
	readonly notice: Notice | undefined;
	/** The connection to the supervisor is gone, and why. */
	readonly lost: string | undefined;
};

export type {LogState} from '../logs/log-feed.js';

type LiveStoreOptions = {
	readonly supervisorLog?: SupervisorLogFeed;
	/** Least time between two change notifications. Default 33 ms (30 a second). */
	readonly frameMs?: number;
	/** Lines the log pane keeps. Default 20 000 (older lines are fetched from the supervisor when scrolled or searched to). */
	readonly logCapacity?: number;
	/** Lines fetched when the source changes; older ones are fetched when scrolled to. Default 2000. */
	readonly initialLines?: number;
	/** Wait after a source change before fetching, so that holding ↓ does not fetch every watcher. Default 60 ms. */
	readonly fetchDelayMs?: number;
	/** Gives the heap back after a burst of output (see heap-trim.ts), checked with each stats event; none by default. */
	readonly heapTrim?: HeapTrim;
};

const levelColor: Readonly<Record<SupervisorLogLine['level'], string>> = {debug: '2', info: '39', warning: '33', error: '31'};

/** Least time between two overviews fetched while the watchers start (before the first stats event). */
const refreshMs = 100;

/** Most supervisor log lines kept for the `procui` source. */
const ownLogCapacity = 5000;

export class LiveStore {
	readonly history = new History();
	readonly slots = new Slots();
	readonly logs: LogBuffer;
	/** The screen of the PTY process shown, if any (see ../terminal/terminal-feed.ts). */
	readonly terminal: TerminalFeed;
	readonly #client: SupervisorClient;
	readonly #options: LiveStoreOptions;
	readonly #listeners = new Set<() => void>();
	readonly #frameMs: number;
	#snapshot: LiveSnapshot;
	#overview: Overview | undefined;
	#statsAt = 0;
	#notice: Notice | undefined;
	readonly #noticeCounts = new Map<string, number>();
	#lost: string | undefined;
	#timer: NodeJS.Timeout | undefined;
	#lastFlush = 0;
	#main: Subscription | undefined;
	readonly #feed: LogFeed;
	readonly #ownLog: SourcedLine[] = [];
	#ownSeq = 0;
	#stopOwnLog: (() => void) | undefined;
	#stopped = false;
	/** A `stats` event has come: from then on, the overview keeps itself fresh. */
	#sawStats = false;
	#refresh: NodeJS.Timeout | undefined;
	readonly #heapTrim: HeapTrim | undefined;
	#linesAtCheck = 0;

	constructor(client: SupervisorClient, options: LiveStoreOptions = {}) {
		this.#client = client;
		this.#options = options;
		this.#frameMs = options.frameMs ?? 33;
		this.#heapTrim = options.heapTrim;
		this.#feed = new LogFeed(client, {
			capacity: options.logCapacity ?? 20_000,
			initialLines: options.initialLines ?? 2000,
			fetchDelayMs: options.fetchDelayMs ?? 60,
			ownLines: () => this.#ownLog,
			onChange: () => {
				this.#changed();
			},
			onError: (text) => {
				this.#notify('error', text);
			},
		});
		this.logs = this.#feed.buffer;
		this.terminal = new TerminalFeed(client, () => {
			this.#changed();
		});
		this.#snapshot = this.#makeSnapshot();
	}

	/** Fetch the first overview and subscribe to stats and watcher events. */
	async start(): Promise<void> {
		const feed = this.#options.supervisorLog;
		if (feed) {
			for (const line of feed.recent()) {
				this.#onOwnLog(line);
			}

			this.#stopOwnLog = feed.subscribe((line) => {
				this.#onOwnLog(line);
			});
		}

		try {
			this.#main = await this.#client.subscribe(['stats', 'watcher'], (event) => {
				this.#onEvent(event);
			});
			const reply = await this.#client.call('overview');
			if (isErrorReply(reply)) {
				this.#notify('error', `overview: ${reply.reason}`);
			} else if (this.#statsAt === 0) {
				this.#onOverview(reply as unknown as Overview);
			}
		} catch (error) {
			this.setLost(error instanceof Error ? error.message : String(error));
		}
	}

	/** Stop listening; safe to call twice. */
	async stop(): Promise<void> {
		this.#stopped = true;
		clearTimeout(this.#timer);
		clearTimeout(this.#refresh);
		this.#stopOwnLog?.();
		const main = this.#main;
		this.#main = undefined;
		await Promise.allSettled([main?.unsubscribe(), this.#feed.stop(), this.terminal.stop()]);
	}

	subscribe = (listener: () => void): (() => void) => {
		this.#listeners.add(listener);
		return () => {
			this.#listeners.delete(listener);
		};
	};

	getSnapshot = (): LiveSnapshot => this.#snapshot;

	/** The log pane's data state now (the snapshot may be a frame behind). */
	get log(): LogState {
		return this.#feed.state;
	}

	/** Show another source: the buffer starts over, its scrollback is fetched, live lines follow. */
	setLogSource(source: LogSource): void {
		this.#feed.setLogSource(source);
	}

	/** Fetch more of the scrollback; `all`: as much as the buffer holds. False when there is nothing more to fetch. */
	loadOlder(all = false): boolean {
		return this.#feed.loadOlder(all);
	}

	/** Hold at least the newest `count` lines of the log source (see LogFeed.loadBack). */
	async loadBack(count: number): Promise<boolean> {
		return this.#feed.loadBack(count);
	}

	/** Search the log source's whole scrollback on the supervisor. */
	async searchScrollback(query: string, limit = 1): Promise<ScrollbackSearch | string> {
		return this.#feed.searchScrollback(query, limit);
	}

	/** The connection ended (attached mode): views say so, and show what they hold as unknown. */
	setLost(reason: string): void {
		this.#lost = reason;
		this.#changed();
	}

	/**
	The connection is back (a daemon answers on the endpoint again, its subscriptions renewed by
	the client): fetch the whole picture and the log source's lines again, since anything may
	have changed meanwhile, the daemon itself included.
	*/
	async reconnected(): Promise<void> {
		this.#lost = undefined;
		this.#feed.resync();
		this.terminal.resync();
		this.#changed();
		try {
			const reply = await this.#client.call('overview');
			if (!isErrorReply(reply) && this.#lost === undefined) {
				this.#onOverview(reply as unknown as Overview);
			}
		} catch {
			// Lost again: the next reconnection fetches it.
		}
	}

	#onEvent(event: EventMessage): void {
		if (event.event === 'stats') {
			this.#sawStats = true;
			this.#onOverview(event.data as unknown as Overview);
			// Lines that came since the last check (the buffer's end counts on across evictions; a new source starts it over).
			const end = this.logs.end;
			this.#heapTrim?.check(Math.max(0, end - this.#linesAtCheck));
			this.#linesAtCheck = end;
			return;
		}

		if (event.event === 'dropped') {
			this.#feed.markDropped(Number(event.data.count) || 0);

			this.#changed();
			return;
		}

		const [, watcher, kind] = /^watcher\.(.+)\.([a-z_]+)$/u.exec(event.event) ?? [];
		if (watcher === undefined) {
			return;
		}

		const data = event.data;
		switch (kind) {
			case 'spawn': {
				this.slots.spawned(watcher, Number(data.wid), Number(data.process_pid));
				this.#refreshBeforeStats();
				break;
			}

			case 'reap': {
				this.slots.reaped(watcher, Number(data.wid), Number(data.exit_code));
				break;
			}

			case 'flapping': {
				this.#notify('warn', data.gave_up === true ? `${watcher} is flapping: gave up after ${String(data.tries)} tries` : `${watcher} is flapping: retry in ${String(data.retry_in)} s`);
				break;
			}

			case 'spawn_failed': {
				this.#notify('error', `${watcher} cannot start: ${String(data.reason)}`);
				break;
			}

			case 'remove': {
				this.slots.forget(watcher);
				break;
			}

			default: {
				return;
			}
		}

		this.#changed();
	}

	/**
	The UI is up before the supervisor has started its watchers, so the first overview may predate
	them. Until the first stats event (up to a second later), each spawn fetches a new one, at most
	one per `refreshMs`: a quit asked meanwhile knows what runs, and the list fills in as it starts.
	*/
	#refreshBeforeStats(): void {
		if (this.#sawStats || this.#refresh !== undefined || this.#stopped) {
			return;
		}

		this.#refresh = setTimeout(() => {
			void this.#client.call('overview').then((reply) => {
				this.#refresh = undefined;
				if (!isErrorReply(reply) && !this.#sawStats && !this.#stopped) {
					this.#onOverview(reply as unknown as Overview, false);
				}
			}, () => {
				this.#refresh = undefined;
			});
		}, refreshMs);
	}

	/** A new overview; `sample` when it is one of the second-by-second samples the history charts. */
	#onOverview(overview: Overview, sample = true): void {
		this.#overview = overview;
		this.#statsAt = Date.now();
		if (sample) {
			this.history.add(overview);
		}

		for (const watcher of overview.watchers) {
			for (const process of watcher.processes) {
				this.slots.seen(watcher.name, process.wid, process.pid);
			}
		}

		this.#changed();
	}

	#onOwnLog(line: SupervisorLogLine): void {
		const text = `\u001B[${levelColor[line.level]}m${line.level.padEnd(7)}\u001B[0m ${line.message}`;
		const entry = {watcher: 'procui', pid: 0, seq: ++this.#ownSeq, time: line.time, text};
		this.#ownLog.push(entry);
		if (this.#ownLog.length > ownLogCapacity) {
			this.#ownLog.splice(0, this.#ownLog.length - ownLogCapacity);
		}

		this.#feed.addOwn(entry);
		if (line.level === 'warning' || line.level === 'error') {
			this.#notify(line.level === 'error' ? 'error' : 'warn', line.message, line.time);
			return;
		}

		this.#changed();
	}

	#notify(level: Notice['level'], text: string, time = Date.now()): void {
		const key = noticeKey(level, text);
		const count = (this.#noticeCounts.get(key) ?? 0) + 1;
		this.#noticeCounts.delete(key);
		this.#noticeCounts.set(key, count);
		if (this.#noticeCounts.size > noticeKeysKept) {
			this.#noticeCounts.delete(this.#noticeCounts.keys().next().value!);
		}

		this.#notice = {level, text, time, count};
		this.#changed();
	}

	#makeSnapshot(): LiveSnapshot {
		return {
			overview: this.#overview,
			statsAt: this.#statsAt,
			historyVersion: this.history.version,
			logVersion: this.logs.version,
			terminalVersion: this.terminal.version,
			log: this.#feed.state,
			notice: this.#notice,
			lost: this.#lost,
		};
	}

	/** Something changed: tell views at the next frame boundary. */
	#changed(): void {
		if (this.#timer !== undefined || this.#stopped) {
			return;
		}

		const wait = Math.max(0, this.#lastFlush + this.#frameMs - Date.now());
		this.#timer = setTimeout(() => {
			this.#timer = undefined;
			this.#lastFlush = Date.now();
			this.#snapshot = this.#makeSnapshot();
			for (const listener of this.#listeners) {
				listener();
			}
		}, wait);
	}
}
