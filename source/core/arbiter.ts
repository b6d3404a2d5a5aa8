import os from 'node:os';
import {maxNumprocesses} from '../config/values.js';
import type {Config, WatcherConfig} from '../config/types.js';
import {withOptions} from '../config/watcher-from-options.js';
import type {Line} from '../io/line-buffer.js';
import {Redirector} from '../io/redirector.js';
import {realClock, type Clock, type TimerHandle} from './clock.js';
import type {LogLevel, WatcherContext} from './context.js';
import {CommandError, validated} from './errors.js';
import {callHook} from './hooks.js';
import {realLauncher, type Launcher} from './launcher.js';
import {OnDemand, type SocketSource} from './on-demand.js';
import {applyReload, type SocketRebinder} from './reload.js';
import {Scheduler, type Command} from './scheduler.js';
import {lastGeneration, Watcher} from './watcher.js';

export type ArbiterEvents = {
	/** A published event: topic and payload. */
	event: (topic: string, data: Record<string, unknown>) => void;
	/** New complete lines of a process, and its unfinished last line when it has one (only emitted
	while someone listens). */
	output: (watcher: string, pid: number, lines: readonly Line[], partial: Line | undefined) => void;
	/** Raw bytes of a PTY process (only emitted while `wantsRaw` says someone listens). */
	raw: (watcher: string, pid: number, data: Buffer, offset: number) => void;
	log: (level: LogLevel, message: string) => void;
};

type Waiter = {
	/** undefined while not yet settled. */
	readonly check: () => Record<string, unknown> | Error | undefined;
	/** From procui itself (boot, quit, a signal), not from a client. */
	readonly internal: boolean;
	readonly resolve: (value: Record<string, unknown>) => void;
	readonly reject: (error: Error) => void;
};

export type ArbiterOptions = {
	readonly environ?: Readonly<Record<string, string | undefined>>;
	/** The bound `[socket:NAME]` sockets (none by default). */
	readonly sockets?: SocketSource;
	/** Whether anyone listens to a watcher's output now; the hot path asks before building lines (default: yes). */
	readonly wantsOutput?: (watcher: string) => boolean;
	/** Whether anyone listens to a process's raw bytes now (a terminal view); asked per chunk (default: no). */
	readonly wantsRaw?: (watcher: string, pid: number) => boolean;
	/** The time and timers (default: the real clock); the kernel tests pass a fake one. */
	readonly clock?: Clock;
	/** How processes are started and signalled (default: real processes); the kernel tests pass fake children. */
	readonly launcher?: Launcher;
};

/** What the arbiter counts, for `dstats`: evidence of what happened, for people and for tests. */
export type ArbiterCounters = {
	/** Reconcile ticks run. */
	ticks: number;
	/** Reconcile ticks that ran while a client's command was in progress (a stop waiting for its
	processes to exit, a start waiting for them to run): what Circus refused with ConflictError. */
	ticksDuringCommands: number;
};

/** What `signal` asks for. */
export type SignalRequest = {
	readonly pid?: number;
	readonly childpid?: number;
	readonly signum: number;
	/** Its children instead of the process. */
	readonly children: boolean;
	/** Every descendant too (with `children`: instead of the process). */
	readonly recursive: boolean;
};

function sendSignal(pids: readonly number[], signum: number): void {
	for (const pid of pids) {
		try {
			process.kill(pid, signum);
		} catch {
			// Already gone.
		}
	}
}

/** `[circus]` options a reload applies: the tick's interval, the spacing of the next start, and the
ones that only shape the watchers (applied through them). The others need a restart, and a reload
names them. */
const appliedOnReload = new Set(['check_delay', 'warmup_delay', 'procui.scrollback', 'include', 'include_dir']);


const noSockets: SocketSource = {
	fds: () => ({}),
	waitForConnection() {
		throw new Error('no sockets are bound');
	},
};

/**
The supervisor: its watchers and the one scheduler on which every change happens. Public methods
queue a command and return a promise that settles when the effect is complete (through a waiter,
never by holding the queue).
*/
export class Arbiter {
	#config: Config;
	readonly scheduler: Scheduler;
	readonly redirector = new Redirector();
	readonly #watchers = new Map<string, Watcher>();
	readonly startedAt: number;
	readonly #clock: Clock;
	readonly #wantsOutput: (watcher: string) => boolean;
	readonly #wantsRaw: (watcher: string, pid: number) => boolean;
	/** Set once `quit` began; new starts are refused from then on. */
	#stopping = false;
	/** reloadconfig, `set`, `add` and `rm`, one at a time in the order asked: each reads the
	configuration as the one before left it. */
	#configLane: Promise<unknown> = Promise.resolve();
	/** A reloadconfig waiting for its turn: later ones join it (it reads the file when it runs). */
	#queuedReload: Promise<Record<string, unknown>> | undefined;
	readonly #listeners: {[K in keyof ArbiterEvents]: Set<ArbiterEvents[K]>} = {event: new Set(), output: new Set(), raw: new Set(), log: new Set()};
	readonly #waiters = new Set<Waiter>();
	readonly #ctx: WatcherContext;
	readonly #onDemand: OnDemand;
	/** Per watcher, bumped by every start and stop asked for: a start or stop that waited for a
	hook program is stale when another came meanwhile (the later intent wins). */
	readonly #intents = new Map<string, number>();
	readonly counters: ArbiterCounters = {ticks: 0, ticksDuringCommands: 0};
	#tick: TimerHandle | undefined;
	/** The tick stopped itself for want of anything to do; the next command starts it again. */
	#tickAsleep = false;
	/** After the last tick: commands run (itself included) and events published. */
	#tickRan = -1;
	#tickEmitted = -1;
	/** Events published since start: each is a change of state. */
	#emitted = 0;
	/** One command object for every tick (one at most is ever queued): an idle supervisor's tick
	allocates nothing, so it leaves no garbage to collect. */
	readonly #tickCommand: Command = {
		label: 'reconcile',
		coalesceKey: 'reconcile',
		internal: true,
		run: () => {
			this.#reconcileTick();
		},
	};
	#checkScheduled = false;
	#quitPromise: Promise<Record<string, unknown>> | undefined;

	constructor(config: Config, options: ArbiterOptions = {}) {
		this.#config = config;
		this.#clock = options.clock ?? realClock;
		this.startedAt = this.#clock.now();
		this.#wantsOutput = options.wantsOutput ?? (() => true);
		this.#wantsRaw = options.wantsRaw ?? (() => false);
		this.scheduler = new Scheduler({
			onError: (command, error) => {
				this.log('error', `internal error in command "${command.label}": ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
			},
			onEnqueue: (command) => {
				if (this.#tickAsleep && command !== this.#tickCommand) {
					this.#startTick();
				}
			},
		});
		const sockets = options.sockets ?? noSockets;
		this.#ctx = {
			scheduler: this.scheduler,
			redirector: this.redirector,
			emit: (topic, data) => {
				this.emit(topic, data);
			},
			emitOutput: (watcher, pid, lines, partial) => {
				if (this.#listeners.output.size === 0 || !this.#wantsOutput(watcher)) {
					return;
				}

				const fresh = lines();
				const unfinished = partial?.();
				if (fresh.length > 0 || unfinished !== undefined) {
					for (const listener of this.#listeners.output) {
						listener(watcher, pid, fresh, unfinished);
					}
				}
			},
			emitRaw: (watcher, pid, data, offset) => {
				if (this.#listeners.raw.size === 0 || !this.#wantsRaw(watcher, pid)) {
					return;
				}

				for (const listener of this.#listeners.raw) {
					listener(watcher, pid, data, offset);
				}
			},
			log: (level, message) => {
				this.log(level, message);
			},
			environ: options.environ ?? process.env,
			sockets: () => sockets.fds(),
			changed: () => {
				this.#scheduleCheck();
			},
			timer: (label, ms, fn) => this.#clock.setTimeout(() => {
				this.scheduler.enqueue({label, internal: true, run: fn});
			}, ms),
			clock: this.#clock,
			launcher: options.launcher ?? realLauncher,
		};
		for (const watcherConfig of config.watchers) {
			this.#watchers.set(watcherConfig.name, new Watcher(watcherConfig, this.#ctx));
		}

		this.#onDemand = new OnDemand({
			sockets,
			scheduler: this.scheduler,
			clock: this.#clock,
			watchers: this.#watchers,
			enabled: () => !this.stopping,
			log: (level, message) => {
				this.log(level, message);
			},
		});
	}

	/** The configuration running now (the last one loaded, reloaded or `set`). */
	get config(): Config {
		return this.#config;
	}

	get watchers(): ReadonlyMap<string, Watcher> {
		return this.#watchers;
	}

	/** Set once `quit` began; new starts are refused from then on. */
	get stopping(): boolean {
		return this.#stopping;
	}

	/** Run `change` after every configuration change asked for before it. */
	async #inConfigLane<T>(change: () => Promise<T>): Promise<T> {
		const result = this.#configLane.then(change, change);
		this.#configLane = result.catch(() => undefined);
		return result;
	}

	/** reloadconfig (and SIGHUP): read the configuration again and apply the difference. Requests
	that arrive while one waits for its turn join it. */
	async reloadConfig(load: () => Config, sockets?: SocketRebinder): Promise<Record<string, unknown>> {
		this.#queuedReload ??= this.#inConfigLane(async () => {
			this.#queuedReload = undefined;
			return applyReload({arbiter: this, adopt: (next, changed) => this.#adopt(next, changed)}, load, sockets);
		});
		return this.#queuedReload;
	}

	/** Take a reloaded configuration as the running one; of the `[circus]` options that `changed`
	(the reload's diff), returns those that take effect only at the next start of procui. */
	#adopt(next: Config, changed: readonly string[]): string[] {
		const before = this.#config.arbiter;
		this.#config = {...next, watchers: next.watchers};
		if (before.checkDelay !== next.arbiter.checkDelay && this.#tick !== undefined && !this.#stopping) {
			this.#startTick();
		}

		return changed.filter((key) => !appliedOnReload.has(key));
	}

	/** `set`: change a watcher's options. The new options are computed when the change runs, from
	the watcher's options as they are then (two `set`s never undo each other). numprocesses
	alone rescales; any other option restarts its processes gracefully (Circus's action 1). */
	async setOptions(name: string, changes: Readonly<Record<string, string>>): Promise<Record<string, unknown>> {
		return this.#inConfigLane(async () => {
			let graceful = false;
			await this.command(`set ${name}`, {}, () => {
				const watcher = this.get(name);
				const next = validated(() => withOptions(watcher.config, changes, {cwd: watcher.config.workingDir, environ: this.#ctx.environ, scrollback: this.#config.arbiter.scrollback}));
				watcher.reconfigure(next);
				if (Object.keys(changes).every((key) => key.toLowerCase() === 'numprocesses')) {
					watcher.setNumprocesses(watcher.numprocesses);
				} else {
					graceful = watcher.desired === 'active';
				}

				this.emit(`watcher.${watcher.name}.updated`, {});
			});
			if (graceful) {
				await this.reloadWatchers([name], true);
			}

			return {};
		});
	}

	on<K extends keyof ArbiterEvents>(name: K, listener: ArbiterEvents[K]): void {
		this.#listeners[name].add(listener);
	}

	off<K extends keyof ArbiterEvents>(name: K, listener: ArbiterEvents[K]): void {
		this.#listeners[name].delete(listener);
	}

	emit(topic: string, data: Record<string, unknown>): void {
		this.#emitted++;
		const payload = {...data, time: this.#clock.now() / 1000};
		for (const listener of this.#listeners.event) {
			listener(topic, payload);
		}
	}

	log(level: LogLevel, message: string): void {
		for (const listener of this.#listeners.log) {
			listener(level, message);
		}
	}

	/** Watchers in start order: higher priority first, then by name (code-point order, as Circus's
	`sorted()`: `localeCompare` would load ICU's collation data, some 2 MiB of resident memory). */
	orderedWatchers(): Watcher[] {
		return [...this.#watchers.values()].sort((a, b) => b.config.priority - a.config.priority || (a.name < b.name ? -1 : (a.name > b.name ? 1 : 0)));
	}

	/** Start the autostart watchers in priority order, with `[circus] warmup_delay` between them,
	and the reconcile tick. Resolves when they all run (or gave up). */
	async start(): Promise<void> {
		this.#startTick();
		// on_demand watchers wait for their first connection instead.
		this.#onDemand.sync();
		const autostart = this.orderedWatchers().filter((watcher) => watcher.config.autostart && !watcher.config.onDemand);
		for (const watcher of autostart.filter((watcher) => watcher.cannotStart !== undefined)) {
			this.log('warning', `${watcher.cannotStart}; left stopped`);
		}

		const names = autostart.filter((watcher) => watcher.cannotStart === undefined).map((watcher) => watcher.name);
		const delay = this.config.arbiter.warmupDelay * 1000;
		for (const [index, name] of names.entries()) {
			if (this.stopping) {
				return;
			}

			if (index > 0 && delay > 0) {
				await new Promise<void>((resolve) => this.#clock.setTimeout(resolve, delay));
			}

			// Each start is its own command: a user's stop or a quit in between is never refused.
			await this.startWatchers([name], {boot: true}).catch((error: unknown) => {
				this.log('error', `${name}: not started: ${error instanceof Error ? error.message : String(error)}`);
			});
		}
	}

	#startTick(): void {
		this.#stopTick();
		// check_delay ≤ 0 turns the periodic check off, as in Circus. Exits, back-off, max_age and
		// flapping all come back as commands of their own; the tick is only a safety net.
		if (this.config.arbiter.checkDelay <= 0) {
			return;
		}

		this.#tickRan = -1;
		this.#tickEmitted = -1;
		this.#tick = this.#clock.setInterval(() => {
			this.scheduler.enqueue(this.#tickCommand);
		}, Math.max(10, this.config.arbiter.checkDelay * 1000));
	}

	#stopTick(): void {
		this.#clock.clearInterval(this.#tick);
		this.#tickAsleep = false;
	}

	/**
	Compare desired and actual state for every watcher, as Circus's manage_watchers does every
	check_delay. Unlike Circus, procui learns of exits, deadlines and connections as they happen (each
	is a command of its own), so the tick only guards against a missed one: once a whole check_delay
	has passed in which nothing ran but the tick, the tick before found nothing to do, no client
	waits and no process is on its way in or out, the tick stops itself, and the next command of any
	kind starts it again. An idle supervisor then wakes only for events.
	*/
	#reconcileTick(): void {
		this.counters.ticks++;
		if (this.#clientWaiting()) {
			this.counters.ticksDuringCommands++;
		}

		for (const watcher of this.#watchers.values()) {
			watcher.reconcile();
		}

		// No command since the last tick (the scheduler counts one once it has run: this one is not
		// counted yet), and no event since, this tick's reconcile included.
		const quiet = this.scheduler.ran === this.#tickRan && this.#emitted === this.#tickEmitted;
		if (quiet && this.#waiters.size === 0 && this.scheduler.pending === 0 && this.#allSettled()) {
			this.#clock.clearInterval(this.#tick);
			this.#tickAsleep = true;
			return;
		}

		this.#tickRan = this.scheduler.ran + 1;
		this.#tickEmitted = this.#emitted;
	}

	#allSettled(): boolean {
		for (const watcher of this.#watchers.values()) {
			if (!watcher.settled) {
				return false;
			}
		}

		return true;
	}

	/** The tick has stopped itself until the next command (see #reconcileTick). */
	get tickAsleep(): boolean {
		return this.#tickAsleep;
	}

	/** A client's command is in progress (waiting for its processes). */
	#clientWaiting(): boolean {
		for (const waiter of this.#waiters) {
			if (!waiter.internal) {
				return true;
			}
		}

		return false;
	}

	/** Queue `run`; the promise settles when `settled` says so (checked after every command). */
	command(label: string, options: {intentKey?: string; internal?: boolean}, run: () => void | (() => Record<string, unknown> | Error | undefined)): Promise<Record<string, unknown>> {
		return new Promise((resolve, reject) => {
			const entry: Command = {
				label,
				intentKey: options.intentKey,
				internal: options.internal,
				run: () => {
					let check: (() => Record<string, unknown> | Error | undefined) | void;
					try {
						check = run();
					} catch (error) {
						reject(error instanceof Error ? error : new Error(String(error)));
						return;
					}

					if (check) {
						this.#waiters.add({check, internal: options.internal === true, resolve, reject});
					} else {
						resolve({});
					}

					this.#scheduleCheck();
				},
				superseded: (by) => {
					resolve({superseded: by});
				},
			};
			this.scheduler.enqueue(entry);
		});
	}

	#scheduleCheck(): void {
		if (!this.#checkScheduled) {
			this.#checkScheduled = true;
			queueMicrotask(() => {
				this.#checkScheduled = false;
				this.#onDemand.sync();
				for (const waiter of this.#waiters) {
					const result = waiter.check();
					if (result !== undefined) {
						this.#waiters.delete(waiter);
						if (result instanceof Error) {
							waiter.reject(result);
						} else {
							waiter.resolve(result);
						}
					}
				}
			});
		}
	}

	get(name: string): Watcher {
		const watcher = this.#watchers.get(name.toLowerCase());
		if (!watcher) {
			throw new CommandError(`watcher '${name}' not found`, 'message');
		}

		return watcher;
	}

	/** Start watchers; resolves when each runs its processes, gave up, or a later stop superseded it. */
	async startWatchers(names: readonly string[], options: {boot?: boolean} = {}): Promise<Record<string, unknown>> {
		const results = await Promise.all(names.map(async (name) => this.#withStartHooks(name, async () => this.command(`start ${name}`, {intentKey: name}, () => {
			if (this.stopping) {
				throw new CommandError('the supervisor is shutting down', 'command');
			}

			const watcher = this.get(name);
			if (options.boot && watcher.userStops > 0) {
				// Stopped by someone while the supervisor was starting: that is the later intent.
				return undefined;
			}

			const kept = watcher.running.map((record) => record.pid);
			const watermark = lastGeneration();
			const stops = watcher.userStops;
			watcher.start();
			return () => {
				if (watcher.gaveUp) {
					return new CommandError(`${name}: ${watcher.gaveUp}`, 'os');
				}

				const started = watcher.spawned.filter((spawn) => spawn.generation > watermark).map((spawn) => spawn.pid);
				if (watcher.desired !== 'active') {
					// Overtaken by a user's stop; or (respawn = false) its processes already ran and ended.
					return watcher.userStops === stops ? {started, kept} : {superseded: 'stop'};
				}

				// Done once as many programs run (or ran: a short-lived one may be gone) as asked for,
				// each exec'ed by procui-exec: an exec that fails is a spawn failure, not a start.
				const execed = watcher.spawned.filter((spawn) => spawn.generation > watermark && spawn.execed).length;
				// (The list of spawns is bounded: a very large watcher is done once none is pending.)
				if (kept.length + execed >= watcher.numprocesses || watcher.ready >= watcher.numprocesses || (!watcher.starting && watcher.ready === watcher.running.length)) {
					return {started, kept};
				}

				return undefined;
			};
		}))));
		return names.length === 1 ? {info: results[0]} : {info: Object.fromEntries(names.map((name, index) => [name, results[index]]))};
	}

	/** Stop watchers; resolves when every process has exited and its output is drained, or a later
	start superseded the stop (`info` says so, per watcher; null when every stop completed). `marks`
	gets each watcher's stop count as of this stop, to tell later whether another stop came since. */
	async stopWatchers(names: readonly string[], options: {internal?: boolean; marks?: Map<string, number>} = {}): Promise<Record<string, unknown>> {
		const results = await Promise.all(names.map(async (name) => this.#withStopHooks(name, async () => this.command(`stop ${name}`, {intentKey: name, internal: options.internal}, () => {
			const watcher = this.get(name);
			watcher.countUserStop();
			options.marks?.set(name, watcher.userStops);
			watcher.stop();
			return () => {
				if (watcher.desired === 'active') {
					return {superseded: 'start'};
				}

				return watcher.processes.size === 0 && watcher.strays.count === 0 ? {} : undefined;
			};
		}))));
		// Circus's reply is `info: null`; a stop that did not happen says why, as a start does.
		const outcomes = results.map((result) => 'superseded' in result ? result : null);
		if (outcomes.every((outcome) => outcome === null)) {
			return {info: null};
		}

		return names.length === 1 ? {info: outcomes[0]} : {info: Object.fromEntries(names.map((name, index) => [name, outcomes[index]]))};
	}

	#bumpIntent(name: string): number {
		const next = (this.#intents.get(name) ?? 0) + 1;
		this.#intents.set(name, next);
		return next;
	}

	/** before_start runs before the start is queued (off the scheduler); a failure refuses the start
	and the watcher stays stopped. after_start runs once the processes run; a failure stops the
	watcher again. As Circus's `Watcher._start`. */
	async #withStartHooks(name: string, start: () => Promise<Record<string, unknown>>): Promise<Record<string, unknown>> {
		const intent = this.#bumpIntent(name);
		const watcher = this.#watchers.get(name.toLowerCase());
		if (watcher === undefined || watcher.config.hooks === undefined || watcher.desired === 'active') {
			return start();
		}

		const before = await callHook(watcher.config, 'before_start', this.#ctx);
		if (this.#intents.get(name) !== intent) {
			return {superseded: 'a later request'};
		}

		if (!before.proceed) {
			throw new CommandError(`${name}: ${before.reason}; not started`, 'os');
		}

		const result = await start();
		if (watcher.config.hooks.after_start === undefined || 'superseded' in result) {
			return result;
		}

		const after = await callHook(watcher.config, 'after_start', this.#ctx);
		if (!after.proceed && this.#intents.get(name) === intent) {
			await this.stopWatchers([name], {internal: true});
			throw new CommandError(`${name}: ${after.reason}; stopped`, 'os');
		}

		return result;
	}

	/** before_stop runs before the stop is queued, after_stop once every process is gone; their
	results change nothing, as in Circus. */
	async #withStopHooks(name: string, stop: () => Promise<Record<string, unknown>>): Promise<Record<string, unknown>> {
		const intent = this.#bumpIntent(name);
		const watcher = this.#watchers.get(name.toLowerCase());
		if (watcher === undefined || watcher.config.hooks === undefined || (watcher.desired !== 'active' && watcher.processes.size === 0)) {
			return stop();
		}

		await callHook(watcher.config, 'before_stop', this.#ctx);
		if (this.#intents.get(name) !== intent) {
			return {superseded: 'a later request'};
		}

		const result = await stop();
		void callHook(watcher.config, 'after_stop', this.#ctx);
		return result;
	}

	/** SIGUSR1: every watcher reopens its stream files by name; a failure is logged by name and
	keeps none of the others from reopening. Runs inside a command. */
	reopenStreams(): void {
		for (const watcher of this.#watchers.values()) {
			try {
				watcher.reopenStreams();
			} catch (error) {
				this.log('error', `${watcher.name}: cannot reopen its streams: ${error instanceof Error ? error.message : String(error)}`);
			}
		}
	}

	/** `incr`: nb more processes, up to the ceiling a config may ask for. */
	async incr(name: string, nb: number): Promise<Record<string, unknown>> {
		const watcher = this.get(name);
		if (watcher.config.singleton) {
			return {numprocesses: 1, singleton: true};
		}

		await this.command(`incr ${watcher.name}`, {}, () => {
			if (watcher.numprocesses + nb > maxNumprocesses) {
				throw new CommandError(`Expected \`nb\` to keep ${watcher.name} at ${maxNumprocesses} processes or fewer (it has ${watcher.numprocesses}), got \`${nb}\``, 'message');
			}

			watcher.setNumprocesses(watcher.numprocesses + nb);
		});
		return {numprocesses: watcher.numprocesses};
	}

	/** `decr`: nb fewer processes, stopping at 0 as Circus does (`decr web 100` on 2 leaves 0). */
	async decr(name: string, nb: number): Promise<Record<string, unknown>> {
		const watcher = this.get(name);
		await this.command(`decr ${watcher.name}`, {}, () => {
			watcher.setNumprocesses(watcher.numprocesses - nb);
		});
		return watcher.config.singleton ? {numprocesses: watcher.numprocesses, singleton: true} : {numprocesses: watcher.numprocesses};
	}

	/** `kill`: stop a watcher's processes, or one, with `signum`, then SIGKILL after `timeout`
	seconds; resolves once they have exited and their output is drained. */
	async kill(name: string, target: number | undefined, signum: number | undefined, timeout: number | undefined): Promise<Record<string, unknown>> {
		const watcher = this.get(name);
		await this.command(`kill ${watcher.name}`, {}, () => {
			if (target !== undefined && !watcher.findProcess(target)) {
				throw new CommandError(`process ${target} not found in watcher ${watcher.name}`, 'message');
			}

			const killed = new Set(watcher.kill(target, signum ?? watcher.config.stopSignal, timeout ?? watcher.config.gracefulTimeout));
			return () => [...watcher.processes.values()].some((record) => killed.has(record.pid) && !record.drained) ? undefined : {};
		});
		return {};
	}

	/** `signal`: a signal to a watcher's running processes, or one (and, as asked, its children,
	or one child of it: `childpid`). `childrenOf` lists a process's children (recursive: all descendants). */
	async signal(name: string, request: SignalRequest, childrenOf: (pid: number, recursive: boolean) => readonly number[]): Promise<Record<string, unknown>> {
		const watcher = this.get(name);
		const {pid: target, childpid, signum, children, recursive} = request;
		if (childpid !== undefined && target === undefined) {
			throw new CommandError('Expected `pid` with `childpid`: the process whose child to signal', 'message');
		}

		await this.command(`signal ${watcher.name}`, {}, () => {
			const targets = target === undefined ? watcher.running : [watcher.findProcess(target)];
			if (targets.some((record) => record === undefined)) {
				throw new CommandError(`process ${target} not found in watcher ${watcher.name}`, 'message');
			}

			// One that has exited (its output still held open by a descendant) is reaped: its
			// number may be another program's by now.
			if (targets[0]?.exit !== undefined) {
				throw new CommandError(`process ${target} of ${watcher.name} has exited: there is nothing to signal`, 'message');
			}

			if (childpid !== undefined) {
				// Circus's `signal name pid childpid signum`: that child alone, if it is one.
				if (!childrenOf(target!, false).includes(childpid)) {
					throw new CommandError(`process ${childpid} is not a child of process ${target} in watcher ${watcher.name}`, 'message');
				}

				sendSignal([childpid], signum);
				return;
			}

			for (const record of targets) {
				const pids = children || recursive ? [...childrenOf(record!.pid, recursive)] : [];
				sendSignal(children ? pids : [record!.pid, ...pids], signum);
			}
		});
		return {};
	}

	/** Stop, then start. A stop asked for while this one was under way (a graceful stop can take
	graceful_timeout) is the later intent: it wins, and this restart does not start the watcher. */
	async restartWatchers(names: readonly string[]): Promise<Record<string, unknown>> {
		const marks = new Map<string, number>();
		await this.stopWatchers(names, {marks});
		const present = names.filter((name) => this.#watchers.has(name));
		const results = await Promise.all(present.map(async (name) => {
			if (this.get(name).userStops === marks.get(name)) {
				return (await this.startWatchers([name])).info;
			}

			// A stop came after this one ran, or a later request replaced this stop in the queue.
			return {superseded: marks.has(name) ? 'stop' : 'a later request'};
		}));
		return present.length === 1 ? {info: results[0]} : {info: Object.fromEntries(present.map((name, index) => [name, results[index]]))};
	}

	/** Circus's graceful reload: new processes start, old ones stop. */
	async reloadWatchers(names: readonly string[], graceful: boolean): Promise<Record<string, unknown>> {
		if (!graceful) {
			return this.restartWatchers(names);
		}

		await Promise.all(names.map(async (name) => this.command(`reload ${name}`, {}, () => {
			const watcher = this.get(name);
			// send_hup: the same processes reload themselves; there are no old ones to wait for.
			const old = new Set(watcher.config.sendHup && watcher.desired === 'active' ? [] : [...watcher.processes.keys()]);
			watcher.reload();
			return () => {
				const stillOld = [...watcher.processes.keys()].some((generation) => old.has(generation));
				return !stillOld && !watcher.starting ? {} : undefined;
			};
		})));
		return {};
	}

	/** Quit: stop every watcher (reverse priority), then resolve. Never refused, never dropped. */
	async quit(): Promise<Record<string, unknown>> {
		this.#quitPromise ??= (async () => {
			this.#stopping = true;
			this.#stopTick();
			this.#onDemand.sync();
			// Lowest priority first, as Circus stops; watchers of equal priority stop together, and a
			// group waits for the one before it (what starts first, a database say, stops last).
			const priorities = [...new Set(this.orderedWatchers().map((watcher) => watcher.config.priority))].sort((a, b) => a - b);
			for (const priority of priorities) {
				const group = this.orderedWatchers().filter((watcher) => watcher.config.priority === priority).map((watcher) => watcher.name);
				await this.stopWatchers(group, {internal: true});
			}

			return {};
		})();
		return this.#quitPromise;
	}

	/** A second quit signal: SIGKILL every process group now. */
	killAll(): void {
		this.#stopping = true;
		this.#stopTick();
		this.#onDemand.sync();
		this.scheduler.enqueue({
			label: 'kill all',
			internal: true,
			run: () => {
				for (const watcher of this.#watchers.values()) {
					watcher.killNow();
				}
			},
		});
	}

	/** Add a watcher (Circus `add`); with `start`, start it as `start` does. */
	async addWatcher(config: WatcherConfig, start: boolean): Promise<Record<string, unknown>> {
		await this.command(`add ${config.name}`, {}, () => {
			if (this.#watchers.has(config.name)) {
				throw new CommandError(`watcher '${config.name}' already exists`, 'message');
			}

			this.#watchers.set(config.name, new Watcher(config, this.#ctx));
			this.emit(`watcher.${config.name}.add`, {});
		});
		if (start) {
			// The start command itself, not a bare watcher.start(): its hooks run, and a command that
			// cannot spawn is the same error (errno 4, with the reason) that `start` gives.
			await this.startWatchers([config.name]);
		}

		return {};
	}

	/** Remove a watcher, stopping it first unless `nostop`. */
	async removeWatcher(name: string, nostop: boolean): Promise<Record<string, unknown>> {
		if (!nostop) {
			await this.stopWatchers([name]);
		}

		return this.command(`rm ${name}`, {}, () => {
			const watcher = this.get(name);
			if (nostop) {
				watcher.abandon();
			}

			this.#watchers.delete(watcher.name);
			this.emit(`watcher.${watcher.name}.remove`, {});
		});
	}

	/** on_demand activations since start. */
	get activations(): number {
		return this.#onDemand.activations;
	}

	/** Bring on_demand waits in line with the bound sockets, and wait until the ended ones are
	gone: before a socket is bound again (reloadconfig), nothing may still hold the old one. */
	async releaseSockets(): Promise<void> {
		this.#onDemand.sync();
		await this.#onDemand.settled();
	}

	/** Resolves once the queue is empty. */
	async idle(): Promise<void> {
		await this.scheduler.onIdle();
	}

	/** Stop timers; for tests and after quit. */
	dispose(): void {
		this.#stopTick();
	}

	/** The supervisor's uptime, in seconds. */
	get age(): number {
		return (this.#clock.now() - this.startedAt) / 1000;
	}

	get hostname(): string {
		return os.hostname();
	}
}
