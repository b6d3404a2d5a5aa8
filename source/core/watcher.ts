import os from 'node:os';
import {stderrApart} from '../config/stream-options.js';
import type {HookName, WatcherConfig} from '../config/types.js';
import {LineRing} from '../io/line-buffer.js';
import {RawTail} from '../io/raw-tail.js';
import {signalDescendants} from '../io/descendants.js';
import {SpawnError, type ExitStatus} from '../io/spawn.js';
import {primaryGid, resolveGid, resolveUid} from '../io/users.js';
import type {TimerHandle} from './clock.js';
import type {WatcherContext} from './context.js';
import {CommandError} from './errors.js';
import {callHook} from './hooks.js';
import {describeExit, exitCode, isRunning, type ProcessRecord, type StopReason} from './process.js';
import {afterExit, checkFlapping, spawnRetryDelay, type FlappingState, type SlotHistory} from './restart-policy.js';
import {planSpawn} from './spawn-plan.js';
import {Strays} from './strays.js';
import {openStreams, type WatcherStreamStats, type WatcherStreams} from './streams.js';

/** Circus's four watcher states. */
export type WatcherStatus = 'stopped' | 'starting' | 'active' | 'stopping';

let nextGeneration = 1;

/** Finished processes whose output stays readable (`logs`, the TUI). */
const keptFinished = 8;

/** After SIGKILL, how long output may stay open before procui stops reading it. */
const drainGraceMs = 2000;

/** The newest generation handed out so far. */
export function lastGeneration(): number {
	return nextGeneration - 1;
}

export function signalName(signal: number): string {
	for (const [name, number] of Object.entries(os.constants.signals)) {
		if (number === signal) {
			return name;
		}
	}

	return String(signal);
}

/**
A watcher: N processes of one command. Every method runs inside a scheduler command and returns
at once; waiting (a graceful stop, a back-off) is a timer that comes back as a command.
*/
export class Watcher {
	#config: WatcherConfig;
	#numprocesses: number;
	/** What the user asked for; reconcile moves the processes towards it. */
	#desired: 'active' | 'stopped' = 'stopped';
	/** Spawns the current start (or reload) still has to make; it is `starting` until they are made,
	whether or not they already exited, as Circus's start spawns numprocesses (warmup_delay apart) and
	is then active. Counting running processes instead never ends a start whose processes die within
	warmup_delay: with respawn = false it would keep spawning, and no waiter on it would ever reply. */
	#toSpawn = 0;
	readonly #processes = new Map<number, ProcessRecord>();
	/** The most recent spawns (generation, pid), oldest first: what a start started. */
	readonly #spawned: Array<{generation: number; pid: number; execed: boolean}> = [];
	/** Stops asked for by a user (not the watcher's own), so a start can tell it was overtaken. */
	#userStops = 0;
	/** Output of the most recent finished processes, oldest first. */
	readonly #finished: Array<{pid: number; wid: number; ring: LineRing; exit: ExitStatus | undefined}> = [];
	/** Finished processes whose output was let go (more than keptFinished). */
	#finishedDropped = 0;
	/** Restarts (exits not asked for that were replaced). */
	#restarts = 0;
	/** Why the watcher gave up, when it did. */
	#gaveUp: string | undefined;
	/** Consecutive spawn failures, and the last one's reason. */
	#spawnFailures = 0;
	/** Every failed spawn since the supervisor started (never reset), for metrics. */
	#spawnFailuresTotal = 0;
	/** Output bytes read from its processes since the supervisor started, per channel (in PTY mode
	all of it is `stdout`). Never reset, for metrics. */
	readonly #bytesRead = {stdout: 0, stderr: 0};
	#lastSpawnError: string | undefined;
	/** Last exit of any process, for display. */
	#lastExit: {pid: number; status: ExitStatus; time: number} | undefined;
	/** Flapping: retry time while in a flapping pause. */
	#flappingUntil: number | undefined;
	#flapping: FlappingState = {exits: [], tries: 0};
	/** Descendants that outlived their parents, being stopped with the watcher. */
	readonly strays: Strays;
	readonly #slots = new Map<number, SlotHistory>();
	readonly #ctx: WatcherContext;
	#streams: WatcherStreams | undefined;
	/** The last streams closed, for their counts after a stop. */
	#closedStreams: WatcherStreams | undefined;
	#spawnTimer: {at: number; timer: TimerHandle} | undefined;
	#lastSpawnAt = 0;
	/** Bumped on every start and stop; timers from an older epoch are dropped. */
	#epoch = 0;
	/** The `stop` event has been published for the current stopped state. */
	#stopAnnounced = true;
	/** `before_spawn`: idle, its program running, or passed for the next spawn. */
	#spawnGate: 'idle' | 'pending' | 'passed' = 'idle';

	constructor(config: WatcherConfig, ctx: WatcherContext) {
		this.#config = config;
		this.#numprocesses = config.singleton ? Math.min(1, config.numprocesses) : config.numprocesses;
		this.#ctx = ctx;
		this.strays = new Strays(ctx, config.name);
	}

	// What the rest of procui reads; it changes only through the methods below, run as commands.
	get config(): WatcherConfig {
		return this.#config;
	}

	get numprocesses(): number {
		return this.#numprocesses;
	}

	get desired(): 'active' | 'stopped' {
		return this.#desired;
	}

	get starting(): boolean {
		return this.#toSpawn > 0;
	}

	get processes(): ReadonlyMap<number, ProcessRecord> {
		return this.#processes;
	}

	get spawned(): ReadonlyArray<{readonly generation: number; readonly pid: number; readonly execed: boolean}> {
		return this.#spawned;
	}

	get userStops(): number {
		return this.#userStops;
	}

	get finished(): ReadonlyArray<{readonly pid: number; readonly wid: number; readonly ring: LineRing; readonly exit: ExitStatus | undefined}> {
		return this.#finished;
	}

	/** Finished processes whose output is gone from the scrollback (only the last few are kept). */
	get finishedDropped(): number {
		return this.#finishedDropped;
	}

	get restarts(): number {
		return this.#restarts;
	}

	get gaveUp(): string | undefined {
		return this.#gaveUp;
	}

	get spawnFailures(): number {
		return this.#spawnFailures;
	}

	get spawnFailuresTotal(): number {
		return this.#spawnFailuresTotal;
	}

	get bytesRead(): Readonly<{stdout: number; stderr: number}> {
		return this.#bytesRead;
	}

	get lastSpawnError(): string | undefined {
		return this.#lastSpawnError;
	}

	get lastExit(): {readonly pid: number; readonly status: ExitStatus; readonly time: number} | undefined {
		return this.#lastExit;
	}

	get flappingUntil(): number | undefined {
		return this.#flappingUntil;
	}

	get flapping(): Readonly<FlappingState> {
		return this.#flapping;
	}

	/** A user's stop (not the watcher's own): a start in flight can tell it was overtaken. */
	countUserStop(): void {
		this.#userStops++;
	}

	/** New options (reloadconfig, `set`): spawns from now on use them; numprocesses follows them. */
	reconfigure(config: WatcherConfig): void {
		this.#config = config;
		this.#numprocesses = config.singleton ? Math.min(1, config.numprocesses) : config.numprocesses;
	}

	/** `rm --nostop`: the watcher leaves procui; its processes are left running, unwatched. */
	abandon(): void {
		this.#desired = 'stopped';
	}

	get name(): string {
		return this.config.name;
	}

	get status(): WatcherStatus {
		if (this.desired === 'stopped') {
			return this.#processes.size > 0 ? 'stopping' : 'stopped';
		}

		return this.starting ? 'starting' : 'active';
	}

	/** Nothing in motion: not starting, and every process it has is running and was not asked to
	stop. The reconcile tick may sleep while every watcher is settled (see Arbiter). */
	get settled(): boolean {
		if (this.starting) {
			return false;
		}

		for (const record of this.#processes.values()) {
			if (!isRunning(record)) {
				return false;
			}
		}

		return true;
	}

	/** procui's finer state: what a person needs to know at a glance. */
	get detail(): string {
		if (this.gaveUp) {
			return `gave up: ${this.gaveUp}`;
		}

		if (this.flappingUntil !== undefined) {
			return `flapping: retry in ${Math.max(0, Math.ceil((this.flappingUntil - this.#ctx.clock.now()) / 1000))} s (try ${this.flapping.tries})`;
		}

		if (this.#spawnGate === 'pending' && this.desired === 'active') {
			return 'running the before_spawn hook';
		}

		if (this.#spawnTimer && this.desired === 'active') {
			const wait = Math.max(0, this.#spawnTimer.at - this.#ctx.clock.now());
			if (this.spawnFailures > 0) {
				return `spawn failed ${this.spawnFailures}×: ${this.lastSpawnError ?? ''}; retry in ${(wait / 1000).toFixed(1)} s`;
			}

			if ([...this.#slots.values()].some((slot) => slot.streak > 1)) {
				return `backing off: respawn in ${(wait / 1000).toFixed(1)} s`;
			}
		}

		return this.status;
	}

	/** Running processes that run their program (procui-exec has exec'ed it). */
	get ready(): number {
		return this.running.filter((record) => record.execed).length;
	}

	/** Running processes (not exited, not asked to stop). */
	get running(): ProcessRecord[] {
		return [...this.#processes.values()].filter((record) => isRunning(record));
	}

	/** Why this watcher cannot start at all, or undefined. Circus loads a watcher without `cmd`
	(its hook test configs have them); there is nothing to run. */
	get cannotStart(): string | undefined {
		return this.config.cmd.trim() === '' ? `watcher '${this.name}' has no \`cmd\`: nothing to start` : undefined;
	}

	start(): void {
		this.#refuseUnstartable();
		this.#epoch++;
		this.#cancelSpawnTimer();
		this.#gaveUp = undefined;
		this.#flappingUntil = undefined;
		this.#flapping = {exits: [], tries: 0};
		this.#spawnFailures = 0;
		this.#slots.clear();
		this.#run();
	}

	/** on_demand: a connection is waiting. Start, or replace missing processes, without forgetting
	the back-off and flapping record of processes that died fast (a person's start clears it), so
	a server that crashes on every connection is not restarted in a tight loop. */
	activate(): void {
		this.#refuseUnstartable();
		this.#run();
	}

	#refuseUnstartable(): void {
		const reason = this.cannotStart;
		if (reason !== undefined) {
			throw new CommandError(reason, 'command');
		}
	}

	#run(): void {
		if (this.desired !== 'active') {
			this.#desired = 'active';
			this.#stopAnnounced = false;
			this.#ctx.emit(`watcher.${this.name}.start`, {});
		}

		this.#toSpawn = Math.max(0, this.numprocesses - this.running.length);
		this.#streams ??= openStreams(this.config, this.#ctx.log);
		this.reconcile(true);
	}

	stop(reason: StopReason = 'stop'): void {
		this.#epoch++;
		this.#cancelSpawnTimer();
		this.#desired = 'stopped';
		this.#toSpawn = 0;
		this.#flappingUntil = undefined;
		for (const record of this.#processes.values()) {
			this.#stopProcess(record, reason);
		}

		// Strays adopted already (their parents exited) go now, with the group: one may hold the
		// output of an exited process open, which would otherwise wait for graceful_timeout.
		this.strays.stop(this.config.stopSignal, this.config.gracefulTimeout);
		this.#settle();
	}

	/** Stop every process and start new ones (Circus's graceful `reload`: new ones spawn at once). */
	reload(): void {
		if (this.desired !== 'active') {
			this.start();
			return;
		}

		this.#ctx.emit(`watcher.${this.name}.reload`, {});
		if (this.config.sendHup) {
			for (const record of this.running) {
				this.#ctx.launcher.signalProcess(record.pid, os.constants.signals.SIGHUP);
			}

			return;
		}

		for (const record of this.running) {
			this.#stopProcess(record, 'restart');
		}

		this.#toSpawn = this.numprocesses;
		this.reconcile(true);
	}

	setNumprocesses(count: number): number {
		this.#numprocesses = Math.max(0, this.config.singleton ? Math.min(1, count) : count);
		if (this.desired === 'active') {
			// What numprocesses lacks is owed, as a start's spawns are (Circus's incr runs
			// spawn_processes: up to numprocesses, warmup_delay apart). Without it, with respawn = false
			// the warmup timer found nothing owed and only the first new process was spawned; after a
			// decr, a start owes no more than the new count lacks.
			this.#toSpawn = Math.max(0, this.numprocesses - this.#runningCount());
			this.reconcile(true);
		}

		return this.numprocesses;
	}

	/** Move actual towards desired: replace missing processes, retire extra and expired ones. */
	reconcile(explicitStart = false): void {
		if (this.desired !== 'active') {
			this.#settle();
			return;
		}

		const now = this.#ctx.clock.now();
		// The periodic tick lands here with nothing to do almost every time: count without building
		// lists (an idle supervisor should leave no garbage).
		let expired = false;
		for (const record of this.#processes.values()) {
			if (isRunning(record) && record.expiresAt !== undefined && now >= record.expiresAt) {
				expired = true;
			}
		}

		if (expired) {
			for (const record of this.running) {
				if (record.expiresAt !== undefined && now >= record.expiresAt) {
					this.#stopProcess(record, 'max_age');
				}
			}
		}

		if (this.#runningCount() > this.numprocesses) {
			const running = this.running;
			// Keep the newest numprocesses and retire the older ones, as Circus's manage_processes does
			// (it sorts by start time, newest first, and kills past numprocesses). Processes spawned by
			// one command share a start time: the later spawn is the newer.
			const newestFirst = running.sort((a, b) => b.startedAt - a.startedAt || b.generation - a.generation);
			for (const record of newestFirst.slice(this.numprocesses)) {
				this.#stopProcess(record, 'scale');
			}
		}

		if (this.flappingUntil !== undefined && now < this.flappingUntil) {
			this.#armSpawnTimer(this.flappingUntil);
			return;
		}

		this.#flappingUntil = undefined;
		// on_demand: a process that exits is replaced at the next connection, not now (Circus); once
		// none is left the watcher is stopped and waits for one.
		const replaces = this.config.respawn && !this.config.onDemand;
		if (!replaces && !this.starting && !explicitStart) {
			if (this.#processes.size === 0) {
				this.stop();
			}

			return;
		}

		this.#spawnMissing(now, !replaces && !explicitStart);
		this.#settle();
	}

	/** Spawn towards numprocesses; `owedOnly`: no more than a start still owes (nothing dead is
	replaced). */
	#spawnMissing(now: number, owedOnly: boolean): void {
		while (this.#runningCount() + this.#stoppingCount() < this.numprocesses && !(owedOnly && this.#toSpawn === 0)) {
			const warmupAt = this.#lastSpawnAt + this.config.warmupDelay * 1000;
			if (this.config.warmupDelay > 0 && now < warmupAt) {
				this.#armSpawnTimer(warmupAt);
				return;
			}

			const wid = this.#nextWid();
			const slot = this.#slots.get(wid);
			const retryAt = this.#lastSpawnAt + spawnRetryDelay(this.spawnFailures);
			const notBefore = Math.max(slot?.notBefore ?? 0, this.spawnFailures > 0 ? retryAt : 0);
			if (now < notBefore) {
				this.#armSpawnTimer(notBefore);
				return;
			}

			// Circus calls before_spawn for new processes, not when it replaces one that died.
			if (this.config.hooks?.before_spawn !== undefined && !this.#slots.has(wid) && this.#spawnGate !== 'passed') {
				if (this.#spawnGate === 'idle') {
					this.#beforeSpawn(wid);
				}

				return;
			}

			this.#spawnGate = 'idle';
			if (!this.#spawn(wid, now)) {
				return;
			}
		}

		// Done early when enough run already (a decr during the start).
		if (this.#runningCount() >= this.numprocesses) {
			this.#toSpawn = 0;
		}
	}

	/** `running.length`, without the list. */
	#runningCount(): number {
		let count = 0;
		for (const record of this.#processes.values()) {
			if (isRunning(record)) {
				count++;
			}
		}

		return count;
	}

	/** Processes a stop asked to go that have not exited yet. A start that supersedes the stop
	replaces them once they have: until then they hold their slots, so a start right after a stop
	never runs more than numprocesses (a singleton twice), as Circus, whose stop holds its lock until
	they are gone, never does. A graceful reload (new processes first, as Circus's), max_age and a
	`kill` still replace at once. */
	#stoppingCount(): number {
		let count = 0;
		for (const record of this.#processes.values()) {
			if (record.stopReason === 'stop' && record.exit === undefined) {
				count++;
			}
		}

		return count;
	}

	/** Run before_spawn off the scheduler; its outcome comes back as a command. A failure stops the
	watcher, as in Circus; a start or stop meanwhile makes the outcome stale. */
	#beforeSpawn(wid: number): void {
		this.#spawnGate = 'pending';
		const epoch = this.#epoch;
		void callHook(this.config, 'before_spawn', this.#ctx, {PROCUI_WID: String(wid)}).then((outcome) => {
			this.#ctx.scheduler.enqueue({
				label: `before_spawn ${this.name}`,
				internal: true,
				run: () => {
					this.#spawnGate = 'idle';
					if (epoch !== this.#epoch) {
						this.reconcile();
						return;
					}

					if (!outcome.proceed) {
						this.#gaveUp = outcome.reason;
						this.stop();
						return;
					}

					this.#spawnGate = 'passed';
					this.reconcile();
				},
			});
		});
	}

	/** Run a hook whose result changes nothing (the reap and signal hooks), when one is configured. */
	#notify(name: HookName, extra: () => Record<string, string>): void {
		if (this.config.hooks?.[name] !== undefined) {
			void callHook(this.config, name, this.#ctx, extra());
		}
	}

	/** after_spawn: a failure kills the new process and stops the watcher, as in Circus. */
	#afterSpawn(record: ProcessRecord): void {
		const epoch = this.#epoch;
		void callHook(this.config, 'after_spawn', this.#ctx, {PROCUI_PID: String(record.pid), PROCUI_WID: String(record.wid)}).then((outcome) => {
			if (outcome.proceed) {
				return;
			}

			this.#ctx.scheduler.enqueue({
				label: `after_spawn ${this.name}`,
				internal: true,
				run: () => {
					if (epoch === this.#epoch) {
						this.#gaveUp = outcome.reason;
						this.stop();
					}
				},
			});
		});
	}

	/** Circus's `_nextwid`: the smallest id not held by a process that has not exited. */
	#nextWid(): number {
		const used = new Set([...this.#processes.values()].filter((record) => record.exit === undefined).map((record) => record.wid));
		for (let wid = 1; ; wid++) {
			if (!used.has(wid)) {
				return wid;
			}
		}
	}

	#spawn(wid: number, now: number): boolean {
		this.#lastSpawnAt = now;
		const generation = nextGeneration++;
		let record: ProcessRecord | undefined;
		try {
			const plan = planSpawn(this.config, wid, this.#ctx.sockets(), this.#ctx.environ);
			const uid = this.config.uid === undefined ? undefined : resolveUid(this.config.uid);
			const gid = this.config.gid === undefined ? (uid === undefined ? undefined : primaryGid(uid)) : resolveGid(this.config.gid);
			const ring = new LineRing({capacity: this.config.scrollback});
			// What a terminal emulator needs to draw the screen of a process already running.
			const rawTail = this.config.pty ? new RawTail() : undefined;
			const child = this.#ctx.launcher.spawn({
				...plan,
				uid,
				gid,
				pty: this.config.pty,
				stderrPipe: stderrApart(this.config),
				rlimits: this.config.rlimits,
				onExec: () => {
					this.#ctx.scheduler.enqueue({
						label: `exec ${this.name}/${child.pid}`,
						internal: true,
						run: () => {
							this.#onExec(generation);
						},
					});
				},
				onExit: (status, failure) => {
					this.#ctx.scheduler.enqueue({
						label: `exit ${this.name}/${child.pid}`,
						internal: true,
						run: () => {
							this.#onExit(generation, status, failure);
						},
					});
				},
			});
			// warmup_delay counts from the moment the process exists, not from when this command began.
			this.#lastSpawnAt = this.#ctx.clock.now();
			// The streams this process writes to, to the end (it outlives a restart's new streams).
			const streams = this.#streams;

			const ctx = this.#ctx;
			const name = this.name;
			const bytesRead = this.#bytesRead;
			const source = ctx.redirector.attach(child, `${name}/${child.pid}`, (data, channel) => {
				bytesRead[channel] += data.length;
				const last = ring.lastSeq;
				ring.push(data, channel);
				if (streams?.write(channel, data, child.pid) === false) {
					// A file behind: hold the child back (as a slow disk did) rather than drop its lines.
					source.pause();
					streams.whenReady(() => {
						source.resume();
					});
				}

				ctx.emitOutput(name, child.pid, () => ring.lines(last + 1), () => ring.pendingLine());
				// The terminal's own output only: a stderr set apart (stderrApart) is a pipe, not the screen.
				if (rawTail && channel === 'stdout') {
					const offset = rawTail.total;
					rawTail.push(data);
					ctx.emitRaw(name, child.pid, data, offset);
				}
			});
			const maxAge = this.config.maxAge > 0 ? (this.config.maxAge + Math.random() * this.config.maxAgeVariance) * 1000 : undefined;
			record = {
				pid: child.pid,
				wid,
				generation,
				startedAt: now,
				expiresAt: maxAge === undefined ? undefined : now + maxAge,
				child,
				source,
				ring,
				rawTail,
				stopReason: undefined,
				exit: undefined,
				drained: false,
				execed: false,
				killTimer: undefined,
			};
			this.#processes.set(generation, record);
			// Finished means its output is in the files too (bounded wait: a hung file never holds up a stop).
			void source.drained.then(async () => streams?.end(child.pid)).then(() => {
				this.#ctx.scheduler.enqueue({
					label: `drained ${name}/${child.pid}`,
					internal: true,
					run: () => {
						this.#onDrained(generation);
					},
				});
			});
			if (maxAge !== undefined) {
				this.#ctx.timer(`max_age ${name}/${child.pid}`, maxAge, () => {
					this.reconcile();
				});
			}
		} catch (error) {
			return this.#spawnFailed(error);
		}

		this.#toSpawn = Math.max(0, this.#toSpawn - 1);
		// spawnFailures is reset once the program runs (onExec): procui-exec may still fail to exec it.
		this.#spawned.push({generation, pid: record.pid, execed: false});
		if (this.#spawned.length > 256) {
			this.#spawned.shift();
		}

		this.#ctx.emit(`watcher.${this.name}.spawn`, {process_pid: record.pid, wid});
		this.#ctx.log('debug', `${this.name}: spawned process ${record.pid} (wid ${wid})`);
		if (this.config.hooks?.after_spawn !== undefined) {
			this.#afterSpawn(record);
		}

		return true;
	}

	#spawnFailed(error: unknown): boolean {
		const reason = error instanceof Error ? error.message : String(error);
		this.#spawnFailures++;
		this.#spawnFailuresTotal++;
		this.#lastSpawnError = reason;
		const code = error instanceof SpawnError ? error.code : 'EINVAL';
		this.#ctx.emit(`watcher.${this.name}.spawn_failed`, {reason, code, failures: this.spawnFailures});
		// The log names the errno even where the reason does not.
		const logged = reason.includes(`(${code})`) ? reason : `${reason} (${code})`;
		const limit = this.config.maxRetry;
		if (limit !== -1 && this.spawnFailures >= Math.max(1, limit)) {
			this.#gaveUp = `${reason} (${this.spawnFailures} failed spawns, max_retry ${limit})`;
			this.#ctx.log('error', `${this.name}: giving up: ${logged} (${this.spawnFailures} failed spawns, max_retry ${limit})`);
			this.stop();
			return false;
		}

		this.#ctx.log('warning', `${this.name}: spawn failed (${this.spawnFailures}): ${logged}`);
		this.#armSpawnTimer(this.#lastSpawnAt + spawnRetryDelay(this.spawnFailures));
		return false;
	}

	#armSpawnTimer(at: number): void {
		if (this.#spawnTimer && this.#spawnTimer.at <= at) {
			return;
		}

		this.#cancelSpawnTimer();
		const epoch = this.#epoch;
		const timer = this.#ctx.timer(`respawn ${this.name}`, Math.max(0, at - this.#ctx.clock.now()), () => {
			if (this.#spawnTimer?.timer === timer) {
				this.#spawnTimer = undefined;
			}

			if (epoch === this.#epoch) {
				this.reconcile();
			}
		});
		this.#spawnTimer = {at, timer};
	}

	#cancelSpawnTimer(): void {
		if (this.#spawnTimer) {
			this.#ctx.clock.clearTimeout(this.#spawnTimer.timer);
			this.#spawnTimer = undefined;
		}
	}

	#stopProcess(record: ProcessRecord, reason: StopReason, signal = this.config.stopSignal, timeoutSeconds = this.config.gracefulTimeout): void {
		// Drained output says nothing about the process: a child that closed its own output
		// (`exec >/dev/null`) is drained at once and still alive. Only a process that has exited
		// and been drained is past stopping (and it has left the watcher already).
		if (record.exit !== undefined && record.drained) {
			return;
		}

		record.stopReason ??= reason;
		// The whole group: a shell's children go too, so nothing is orphaned. The signal hooks run
		// beside the signal: procui never holds a stop for a program.
		this.#notify('before_signal', () => ({PROCUI_PID: String(record.pid), PROCUI_SIGNAL: String(signal)}));
		this.#signalStop(record, signal);
		if (signal !== os.constants.signals.SIGKILL) {
			// A process paused with SIGSTOP (the UI's K menu, a debugger) holds the stop signal until it
			// is continued: continued, as systemd does after its KillSignal, it stops now instead of
			// at the SIGKILL graceful_timeout later. A running process ignores SIGCONT.
			this.#ctx.launcher.wake?.(record.pid, record.exit !== undefined);
		}

		this.#notify('after_signal', () => ({PROCUI_PID: String(record.pid), PROCUI_SIGNAL: String(signal)}));
		this.#ctx.emit(`watcher.${this.name}.kill`, {process_pid: record.pid, signal});
		if (record.killTimer === undefined) {
			record.killTimer = this.#ctx.timer(`kill ${this.name}/${record.pid}`, timeoutSeconds * 1000, () => {
				if (record.exit === undefined) {
					this.#ctx.log('warning', `${this.name}: process ${record.pid} did not stop within ${timeoutSeconds} s; sending SIGKILL`);
				}

				if (record.exit === undefined || !record.drained) {
					this.#signalStop(record, os.constants.signals.SIGKILL);
					// Output still held open by a process outside the group: stop reading it once
					// the exit is known, so a stop always completes.
					this.#ctx.timer(`drain ${this.name}/${record.pid}`, drainGraceMs, () => {
						if (record.exit !== undefined && !record.drained) {
							for (const fd of record.source.fds) {
								fd.forceClose();
							}
						}
					});
				}
			});
		}
	}

	/** A stop's signal: the process's group and, with `stop_children`, its descendants that left the
	group (a `setsid`), which the group signal misses. */
	#signalStop(record: ProcessRecord, signal: number): void {
		this.#ctx.launcher.signalGroup(record.pid, signal, record.exit !== undefined);
		if (this.config.stopChildren && record.exit === undefined) {
			for (const pid of signalDescendants(record.pid, signal)) {
				this.#ctx.emit(`watcher.${this.name}.kill`, {process_pid: pid, signal});
			}
		}
	}

	/** `kill`: stop one process or all with a given signal and timeout. */
	kill(pid: number | undefined, signal: number, timeoutSeconds: number): number[] {
		const targets = [...this.#processes.values()].filter((record) => pid === undefined || record.pid === pid);
		for (const record of targets) {
			this.#ctx.clock.clearTimeout(record.killTimer);
			record.killTimer = undefined;
			this.#stopProcess(record, 'kill', signal, timeoutSeconds);
		}

		return targets.map((record) => record.pid);
	}

	/** Stop all processes at once with SIGKILL (second SIGTERM, SIGQUIT). */
	killNow(): void {
		this.#desired = 'stopped';
		this.#toSpawn = 0;
		this.#epoch++;
		this.#cancelSpawnTimer();
		for (const record of this.#processes.values()) {
			record.stopReason ??= 'quit';
			this.#ctx.launcher.signalGroup(record.pid, os.constants.signals.SIGKILL, record.exit !== undefined);
		}
	}

	findProcess(pid: number): ProcessRecord | undefined {
		return [...this.#processes.values()].find((record) => record.pid === pid);
	}

	/** procui-exec got as far as the program: the spawn succeeded. */
	#onExec(generation: number): void {
		const record = this.#processes.get(generation);
		if (!record) {
			return;
		}

		record.execed = true;
		const spawn = this.#spawned.find((entry) => entry.generation === generation);
		if (spawn) {
			spawn.execed = true;
		}

		this.#spawnFailures = 0;
		this.#lastSpawnError = undefined;
		this.#ctx.changed();
	}

	#onExit(generation: number, status: ExitStatus, failure: SpawnError | undefined): void {
		const record = this.#processes.get(generation);
		if (!record) {
			return;
		}

		record.exit = status;
		const now = this.#ctx.clock.now();
		this.#lastExit = {pid: record.pid, status, time: now};
		// Reported beside the reap, never holding it (Circus ignores their results too).
		this.#notify('before_reap', () => ({PROCUI_PID: String(record.pid)}));
		this.#ctx.emit(`watcher.${this.name}.reap`, {process_pid: record.pid, exit_code: exitCode(status), wid: record.wid});
		this.#notify('after_reap', () => ({PROCUI_PID: String(record.pid), PROCUI_EXIT_CODE: String(exitCode(status))}));
		if (failure !== undefined && record.stopReason === undefined) {
			// The program never ran (exec, setuid or an rlimit failed): a spawn failure with its errno,
			// retried with the spawn back-off and max_retry, not a crash counted towards flapping; the
			// start is not done, as after a spawn that failed before forking: it owes this spawn again.
			if (this.desired === 'active') {
				this.#toSpawn++;
			}

			this.#spawnFailed(failure);
		} else if (record.stopReason === undefined) {
			this.#ctx.log(status.code === 0 ? 'info' : 'warning', `${this.name}: process ${record.pid} exited on its own (${describeExit(status, signalName)})`);
			this.#crashed(record, now);
		}

		if (record.drained) {
			this.#remove(record);
		}

		this.reconcile();
	}

	#crashed(record: ProcessRecord, now: number): void {
		if (this.desired !== 'active' || !this.config.respawn) {
			return;
		}

		this.#restarts++;
		this.#slots.set(record.wid, afterExit(this.#slots.get(record.wid), now - record.startedAt, now, this.config.backoff));
		if (!this.config.flapping.enabled) {
			return;
		}

		const verdict = checkFlapping(this.flapping, now, this.config.flapping);
		this.#flapping = verdict.state;
		if (verdict.kind === 'flapping') {
			this.#ctx.log('warning', `${this.name}: flapping (${this.config.flapping.attempts} exits within ${this.config.flapping.window} s); retry in ${this.config.flapping.retryIn} s`);
			this.#ctx.emit(`watcher.${this.name}.flapping`, {tries: verdict.state.tries, retry_in: this.config.flapping.retryIn});
			for (const other of this.running) {
				this.#stopProcess(other, 'flapping');
			}

			this.#flappingUntil = verdict.retryAt;
		} else if (verdict.kind === 'give-up') {
			this.#gaveUp = `flapping: ${this.config.flapping.maxRetry} retries used`;
			this.#ctx.log('error', `${this.name}: giving up: ${this.gaveUp}`);
			this.#ctx.emit(`watcher.${this.name}.flapping`, {tries: verdict.state.tries, gave_up: true});
			this.stop();
		}
	}

	#onDrained(generation: number): void {
		const record = this.#processes.get(generation);
		if (!record) {
			return;
		}

		record.drained = true;
		const last = record.ring.lastSeq;
		record.ring.flush();
		this.#ctx.emitOutput(this.name, record.pid, () => record.ring.lines(last + 1));
		if (record.exit !== undefined) {
			this.#remove(record);
			this.reconcile();
		}
	}

	#remove(record: ProcessRecord): void {
		this.#ctx.clock.clearTimeout(record.killTimer);
		this.#processes.delete(record.generation);
		// Keep the output of recent processes: why a process crashed is in its last lines.
		this.#finished.push({pid: record.pid, wid: record.wid, ring: record.ring, exit: record.exit});
		if (this.#finished.length > keptFinished) {
			this.#finished.shift();
			this.#finishedDropped++;
		}

		this.#settle();
	}

	/** After processes changed: a stopping watcher that has none left is stopped. */
	#settle(): void {
		if (this.desired === 'stopped' && this.#processes.size === 0 && !this.#stopAnnounced) {
			this.#stopAnnounced = true;
			const streams = this.#streams;
			this.#streams = undefined;
			this.#closedStreams = streams ?? this.#closedStreams;
			void streams?.close();
			this.#ctx.emit(`watcher.${this.name}.stop`, {});
			this.strays.stop(this.config.stopSignal, this.config.gracefulTimeout);
		}

		this.#ctx.changed();
	}

	/** Reopen log files (SIGUSR1). */
	reopenStreams(): void {
		this.#streams?.reopen();
	}

	/** Its stream files' drops, losses and failures (the last ones opened, after a stop). */
	streamStats(): readonly WatcherStreamStats[] {
		return (this.#streams ?? this.#closedStreams)?.stats() ?? [];
	}
}
