import {watcherSocketNames} from '../config/substitute.js';
import type {ConnectionWaiter} from '../io/socket-helper.js';
import type {Clock} from './clock.js';
import type {Scheduler} from './scheduler.js';
import type {Watcher} from './watcher.js';

/** The bound sockets, and a way to wait for a connection on some without accepting it
(the supervisor's SocketSet). */
export type SocketSource = {
	/** The supervisor's descriptor of each bound socket, by name. */
	fds(): Readonly<Record<string, number>>;
	waitForConnection(fds: readonly number[], callbacks: {onReady: () => void; onLost: () => void}): ConnectionWaiter;
};

/** After a wait ended without a connection (its helper was killed), wait this long before the next. */
const rewaitDelayMs = 1000;

/**
Whether an `on_demand` watcher waits for a connection: when it is stopped (at boot, after a stop,
or once all its processes have exited), or when processes it had are missing (they are replaced
at the next connection, as Circus does). Not while it starts, flaps or gave up.
*/
function waitsForConnection(watcher: Watcher): boolean {
	return watcher.config.onDemand
		&& watcher.gaveUp === undefined
		&& watcher.flappingUntil === undefined
		&& watcher.numprocesses > 0
		&& (watcher.desired === 'stopped' || (!watcher.starting && watcher.running.length < watcher.numprocesses));
}

/**
`on_demand` activation. For each watcher that waits, a helper watches its sockets for a pending
connection (see io/socket-helper.ts); the first one becomes an `activate` command on the
scheduler, like any other start, and the watcher's process accepts that very connection. `sync`
is called after every command, so waits follow the watchers' state without polling.
*/
export class OnDemand {
	/** Activations since start. */
	activations = 0;
	readonly #sockets: SocketSource;
	readonly #scheduler: Scheduler;
	readonly #clock: Clock;
	readonly #watchers: ReadonlyMap<string, Watcher>;
	readonly #enabled: () => boolean;
	readonly #log: (level: 'debug' | 'warning', message: string) => void;
	readonly #waiting = new Map<string, {key: string; waiter: ConnectionWaiter}>();
	/** Seen a connection; the activate command is queued. */
	readonly #activating = new Set<string>();
	readonly #pausedUntil = new Map<string, number>();
	readonly #ending = new Set<Promise<void>>();

	constructor(options: {sockets: SocketSource; scheduler: Scheduler; clock: Clock; watchers: ReadonlyMap<string, Watcher>; enabled: () => boolean; log: (level: 'debug' | 'warning', message: string) => void}) {
		this.#sockets = options.sockets;
		this.#scheduler = options.scheduler;
		this.#clock = options.clock;
		this.#watchers = options.watchers;
		this.#enabled = options.enabled;
		this.#log = options.log;
	}

	/** Start and end waits so that exactly the watchers that wait have one, on their current sockets. */
	sync(): void {
		const wanted = new Map<string, number[]>();
		if (this.#enabled()) {
			// Called after every command: nothing is computed unless an on_demand watcher waits.
			let bound: Readonly<Record<string, number>> | undefined;
			for (const watcher of this.#watchers.values()) {
				if (waitsForConnection(watcher) && !this.#activating.has(watcher.name)) {
					bound ??= this.#sockets.fds();
					const fds = watcherSocketNames(watcher.config).map((name) => bound![name]).filter((fd) => fd !== undefined);
					if (fds.length > 0) {
						wanted.set(watcher.name, fds);
					}
				}
			}
		}

		for (const [name, waiting] of this.#waiting) {
			if (wanted.get(name)?.join(',') !== waiting.key) {
				this.#end(name);
			}
		}

		const now = this.#clock.now();
		for (const [name, fds] of wanted) {
			if (!this.#waiting.has(name) && (this.#pausedUntil.get(name) ?? 0) <= now) {
				this.#wait(name, fds);
			}
		}
	}

	/** Resolves once every ended wait's helper is gone (with its copies of the sockets). */
	async settled(): Promise<void> {
		await Promise.all([...this.#ending]);
	}

	#wait(name: string, fds: readonly number[]): void {
		const pause = (why: string): void => {
			this.#log('warning', `${name}: ${why}; waiting again in ${rewaitDelayMs / 1000} s`);
			this.#pausedUntil.set(name, this.#clock.now() + rewaitDelayMs);
			this.#clock.setTimeout(() => {
				this.#pausedUntil.delete(name);
				this.sync();
			}, rewaitDelayMs).unref();
		};

		let waiter: ConnectionWaiter;
		try {
			waiter = this.#sockets.waitForConnection(fds, {
				onReady: () => {
					if (this.#waiting.get(name)?.waiter === waiter) {
						this.#waiting.delete(name);
						this.#activating.add(name);
						this.#scheduler.enqueue({label: `activate ${name} (connection)`, internal: true, run: () => {
							this.#activate(name);
						}});
					}
				},
				onLost: () => {
					if (this.#waiting.get(name)?.waiter === waiter) {
						this.#waiting.delete(name);
						pause('the wait for a connection ended without one');
					}
				},
			});
		} catch (error) {
			pause(`cannot wait for a connection: ${error instanceof Error ? error.message : String(error)}`);
			return;
		}

		this.#waiting.set(name, {key: fds.join(','), waiter});
	}

	#activate(name: string): void {
		this.#activating.delete(name);
		const watcher = this.#watchers.get(name);
		if (watcher && this.#enabled() && waitsForConnection(watcher)) {
			this.activations++;
			this.#log('debug', `${name}: a connection is waiting; starting`);
			watcher.activate();
		}

		this.sync();
	}

	#end(name: string): void {
		const waiting = this.#waiting.get(name);
		if (waiting) {
			this.#waiting.delete(name);
			const ended = waiting.waiter.cancel().finally(() => {
				this.#ending.delete(ended);
			});
			this.#ending.add(ended);
		}
	}
}
