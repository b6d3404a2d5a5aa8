import os from 'node:os';
import {PassThrough} from 'node:stream';
import {watcherFromOptions} from '../../source/config/watcher-from-options.js';
import {defaultArbiter} from '../../source/config/defaults.js';
import type {Config, WatcherConfig} from '../../source/config/types.js';
import {Arbiter, type ArbiterOptions} from '../../source/core/arbiter.js';
import type {Clock, TimerHandle} from '../../source/core/clock.js';
import type {Launcher} from '../../source/core/launcher.js';
import type {Scheduler} from '../../source/core/scheduler.js';
import {FdRef} from '../../source/io/fd-ref.js';
import type {Child, ExitStatus, OutputChannel, SpawnOptions} from '../../source/io/spawn.js';
import type {SpawnError} from '../../source/io/spawn.js';

/*
Fake time and fake children for the kernel tests: the real arbiter, watchers, scheduler and
redirector run against them, so back-off, flapping, graceful stops and every interleaving of
commands are driven step by step, in milliseconds, with no process and no sleep. What is fake is
only what the core reaches through its seam (source/core/clock.ts, source/core/launcher.ts).
*/

export const {SIGTERM, SIGKILL, SIGHUP, SIGINT, SIGQUIT, SIGUSR1} = os.constants.signals;

/** A timer of the fake clock. */
type FakeTimer = TimerHandle & {
	readonly id: number;
	readonly label: string;
	at: number;
	readonly fn: () => void;
	readonly every: number | undefined;
};

/**
A clock that moves only when told. `advance` runs the due timers in order (by due time, then in
the order they were armed), each with the clock set to its own due time, and lets the work it
queued settle (`settle`) before the next one fires, as real time would.
*/
export class FakeClock implements Clock {
	#now: number;
	#nextId = 1;
	readonly #timers = new Map<number, FakeTimer>();
	readonly #settle: () => Promise<void>;

	constructor(options: {start?: number; settle?: () => Promise<void>} = {}) {
		this.#now = options.start ?? 1_750_000_000_000;
		this.#settle = options.settle ?? (async () => turn());
	}

	now(): number {
		return this.#now;
	}

	setTimeout(fn: () => void, ms: number): TimerHandle {
		return this.#arm(fn, ms, undefined);
	}

	clearTimeout(timer: TimerHandle | undefined): void {
		if (timer !== undefined) {
			this.#timers.delete((timer as FakeTimer).id);
		}
	}

	setInterval(fn: () => void, ms: number): TimerHandle {
		return this.#arm(fn, ms, Math.max(1, ms));
	}

	clearInterval(timer: TimerHandle | undefined): void {
		this.clearTimeout(timer);
	}

	/** Armed timers, soonest first: how long from now each is due. */
	get pending(): number[] {
		return this.#ordered().map((timer) => timer.at - this.#now);
	}

	/** Move time forward by `ms`, running every timer due by then, in order. */
	async advance(ms: number): Promise<void> {
		if (!(ms >= 0)) {
			throw new Error(`Expected \`ms\` to be a non-negative number, got \`${ms}\``);
		}

		const target = this.#now + ms;
		await this.#settle();
		for (let fired = 0; ; fired++) {
			if (fired > 100_000) {
				throw new Error('FakeClock.advance: more than 100000 timers fired; a timer re-arms itself with no delay');
			}

			const next = this.#ordered()[0];
			if (next === undefined || next.at > target) {
				break;
			}

			this.#now = Math.max(this.#now, next.at);
			if (next.every === undefined) {
				this.#timers.delete(next.id);
			} else {
				next.at += next.every;
			}

			next.fn();
			await this.#settle();
		}

		this.#now = target;
		await this.#settle();
	}

	#arm(fn: () => void, ms: number, every: number | undefined): FakeTimer {
		const timer: FakeTimer = {
			id: this.#nextId++,
			label: fn.name,
			at: this.#now + Math.max(0, ms),
			fn,
			every,
			unref() {
				return this;
			},
		};
		this.#timers.set(timer.id, timer);
		return timer;
	}

	#ordered(): FakeTimer[] {
		return [...this.#timers.values()].sort((a, b) => a.at - b.at || a.id - b.id);
	}
}

/** One turn of the event loop: promise callbacks, nextTicks and stream events queued so far run. */
export async function turn(): Promise<void> {
	await new Promise<void>((resolve) => {
		setImmediate(resolve);
	});
}

/** Until the scheduler has nothing left to run and a turn of the event loop brings nothing new. */
export async function settleScheduler(scheduler: Scheduler): Promise<void> {
	for (let quiet = 0, rounds = 0; quiet < 2; rounds++) {
		if (rounds > 10_000) {
			throw new Error('the scheduler never went quiet: commands keep queueing more commands');
		}

		const before = scheduler.ran;
		await scheduler.onIdle();
		await turn();
		quiet = scheduler.ran === before && scheduler.pending === 0 ? quiet + 1 : 0;
	}
}

/** A signal as the core sent it. */
export type SentSignal = {
	readonly pid: number;
	readonly signal: number;
	/** To the process group (signalGroup), or to the process alone (signalProcess). */
	readonly group: boolean;
};

/**
A child that runs nothing. It exists once spawned; the test says when it execs, prints, closes its
output, exits, and which signals it survives. By default it execs at once (after the spawn
returns, as procui-exec reports it) and dies of any signal it does not ignore.
*/
export class FakeChild implements Child {
	readonly pid: number;
	readonly mode: 'pty' | 'pipe';
	readonly channels: readonly OutputChannel[];
	readonly options: SpawnOptions;
	/** Signals it received, in order. */
	readonly received: number[] = [];
	/** What was written to its terminal or stdin. */
	readonly input: string[] = [];
	status: ExitStatus | undefined;
	execed = false;
	readonly #ignored = new Set<number>();
	readonly #streams = new Map<'stdout' | 'stderr', PassThrough>();
	#holdOutput = false;

	constructor(pid: number, options: SpawnOptions) {
		this.pid = pid;
		this.options = options;
		this.mode = options.pty ? 'pty' : 'pipe';
		const names: Array<'stdout' | 'stderr'> = options.pty && !options.stderrPipe ? ['stdout'] : ['stdout', 'stderr'];
		this.channels = names.map((name) => {
			const stream = new PassThrough();
			this.#streams.set(name, stream);
			const read = new FdRef(-1, () => {
				stream.destroy();
			}, 'reader');
			stream.on('close', () => read.release('reader'));
			return {name, stream, read};
		});
	}

	get exited(): boolean {
		return this.status !== undefined;
	}

	/** Its output is still open (not every channel closed). */
	get outputOpen(): boolean {
		return [...this.#streams.values()].some((stream) => !stream.destroyed);
	}

	/** Survive `signal` (a program that traps SIGTERM). */
	ignore(...signals: number[]): this {
		for (const signal of signals) {
			this.#ignored.add(signal);
		}

		return this;
	}

	/** Its output stays open after it exits (a grandchild outside its group holds it). */
	holdOutput(): this {
		this.#holdOutput = true;
		return this;
	}

	/** procui-exec exec'ed the program. */
	exec(): void {
		if (!this.execed && !this.exited) {
			this.execed = true;
			this.options.onExec?.();
		}
	}

	/** Write `text` on one of its output channels. */
	print(text: string, channel: 'stdout' | 'stderr' = 'stdout'): void {
		const stream = this.#streams.get(channel) ?? this.#streams.get('stdout')!;
		if (!stream.destroyed) {
			stream.write(text);
		}
	}

	/** Close its output (every channel), as a program that exits or runs `exec >/dev/null 2>&1`. */
	closeOutput(): void {
		for (const stream of this.#streams.values()) {
			if (!stream.destroyed) {
				stream.end();
			}
		}
	}

	/** Exit with `code`; its output closes too unless it is held. */
	exit(code = 0): void {
		this.#end({code, signal: null});
	}

	/** Die of `signal`. */
	die(signal: number): void {
		this.#end({code: null, signal});
	}

	/** procui-exec could not run the program: it reports the failure and exits 127. */
	failExec(failure: SpawnError): void {
		if (!this.exited) {
			this.status = {code: 127, signal: null};
			this.closeOutput();
			this.options.onExit(this.status, failure);
		}
	}

	receive(signal: number): void {
		this.received.push(signal);
		if (!this.exited && (signal === SIGKILL || !this.#ignored.has(signal))) {
			this.die(signal);
		}
	}

	write(data: string | Buffer): boolean {
		if (this.exited) {
			return false;
		}

		this.input.push(String(data));
		return true;
	}

	resize(): void {
		// No terminal to resize.
	}

	#end(status: ExitStatus): void {
		if (this.exited) {
			return;
		}

		this.status = status;
		if (!this.#holdOutput) {
			this.closeOutput();
		}

		this.options.onExit(status);
	}
}

/**
The launcher of fake children: records every spawn and signal, hands signals to the child they
name, and can be told to fail the next spawns as the real one does (a SpawnError thrown before
forking).
*/
export class FakeChildren implements Launcher {
	/** Every child spawned, oldest first. */
	readonly all: FakeChild[] = [];
	readonly signals: SentSignal[] = [];
	/** Called with each new child before the spawn returns; the default execs it right after. */
	/** From now on every child ignores `signals`, then execs (a program that traps them). */
	ignoreOnSpawn(...signals: number[]): void {
		this.onSpawn = (child) => {
			child.ignore(...signals);
			queueMicrotask(() => {
				child.exec();
			});
		};
	}

	onSpawn: (child: FakeChild) => void = (child) => {
		queueMicrotask(() => {
			child.exec();
		});
	};

	#nextPid = 4000;
	readonly #failures: SpawnError[] = [];

	/** Throw `error` from the next spawn (one per call). */
	failNextSpawn(error: SpawnError): void {
		this.#failures.push(error);
	}

	spawn(options: SpawnOptions): Child {
		const failure = this.#failures.shift();
		if (failure) {
			throw failure;
		}

		const child = new FakeChild(this.#nextPid++, options);
		this.all.push(child);
		this.onSpawn(child);
		return child;
	}

	signalGroup(pid: number, signal: number, exited = false): boolean {
		this.signals.push({pid, signal, group: true});
		const child = this.byPid(pid);
		if (!child || (exited && child.exited)) {
			return false;
		}

		child.receive(signal);
		return true;
	}

	signalProcess(pid: number, signal: number): boolean {
		this.signals.push({pid, signal, group: false});
		const child = this.byPid(pid);
		if (!child) {
			return false;
		}

		child.receive(signal);
		return true;
	}

	byPid(pid: number): FakeChild | undefined {
		return this.all.find((child) => child.pid === pid);
	}

	/** Children that have not exited. */
	get alive(): FakeChild[] {
		return this.all.filter((child) => !child.exited);
	}

	/** Signals sent to `pid`, in order. */
	signalsTo(pid: number): number[] {
		return this.signals.filter((sent) => sent.pid === pid).map((sent) => sent.signal);
	}
}

/** A watcher's configuration, validated exactly as a `[watcher:NAME]` section (cmd `server`). */
export function watcher(name: string, options: Readonly<Record<string, string>> = {}, sockets: readonly string[] = []): WatcherConfig {
	return watcherFromOptions(name, {cmd: 'server', pty: 'false', ...options}, {cwd: '/', environ: {}, sockets: new Set(sockets)});
}

export function config(watchers: readonly WatcherConfig[], arbiter: Partial<Config['arbiter']> = {}): Config {
	return {arbiter: {...defaultArbiter, checkDelay: 0, ...arbiter}, watchers, sockets: [], warnings: []};
}

/** An event as the arbiter published it. */
export type Event = {readonly topic: string; readonly data: Record<string, unknown>};

/** Where a promise stands. */
export type Outcome<T> = {readonly state: 'pending'} | {readonly state: 'resolved'; readonly value: T} | {readonly state: 'rejected'; readonly error: Error};

/** The real arbiter on fake time and fake children, with what it published. */
export type Kernel = {
	readonly arbiter: Arbiter;
	readonly clock: FakeClock;
	readonly children: FakeChildren;
	readonly events: Event[];
	readonly logs: string[];
	/** Let every command, exit and drain queued so far run (no time passes). */
	settle(): Promise<void>;
	/** Topics published so far, without the `watcher.` prefix (`web.start`, `web.spawn`). */
	topics(filter?: string): string[];
	/** The watcher's children that have not exited. */
	alive(name: string): FakeChild[];
	/** A promise's state once the work queued so far settled. */
	outcome<T>(promise: Promise<T>): Promise<Outcome<T>>;
};

export function kernel(watchers: readonly WatcherConfig[], options: {arbiter?: Partial<Config['arbiter']>; arbiterOptions?: ArbiterOptions} = {}): Kernel {
	const settle = async (): Promise<void> => settleScheduler(arbiter.scheduler);
	const clock = new FakeClock({settle});
	const children = new FakeChildren();
	const arbiter = new Arbiter(config(watchers, options.arbiter), {environ: {}, ...options.arbiterOptions, clock, launcher: children});
	const events: Event[] = [];
	const logs: string[] = [];
	arbiter.on('event', (topic, data) => {
		events.push({topic, data});
	});
	arbiter.on('log', (level, message) => {
		logs.push(`${level}: ${message}`);
	});
	return {
		arbiter,
		clock,
		children,
		events,
		logs,
		settle,
		topics(filter) {
			return events.map((event) => event.topic.replace(/^watcher\./, '')).filter((topic) => filter === undefined || topic.includes(filter));
		},
		alive(name) {
			const pids = new Set([...arbiter.get(name).processes.values()].map((record) => record.pid));
			return children.alive.filter((child) => pids.has(child.pid));
		},
		async outcome<T>(promise: Promise<T>): Promise<Outcome<T>> {
			let result: Outcome<T> = {state: 'pending'};
			promise.then((value) => {
				result = {state: 'resolved', value};
			}, (error: unknown) => {
				result = {state: 'rejected', error: error instanceof Error ? error : new Error(String(error))};
			});
			await settle();
			return result;
		},
	};
}

/** Record when each child spawns (ms since the test's start); every child execs, then `then` runs. */
export function recordSpawns(k: Kernel, then: (child: FakeChild) => void = () => undefined): number[] {
	const t0 = k.clock.now();
	const times: number[] = [];
	k.children.onSpawn = (child) => {
		times.push(k.clock.now() - t0);
		queueMicrotask(() => {
			child.exec();
			then(child);
		});
	};

	return times;
}
