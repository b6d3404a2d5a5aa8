import fs from 'node:fs';
import {performance} from 'node:perf_hooks';
import type {Config} from '../config/types.js';
import {Arbiter} from '../core/arbiter.js';
import {ProcSampler, type ProcInfo} from '../io/proc-stats.js';
import {becomeSubreaper} from '../io/adopted.js';
import {collectGarbage} from '../io/memory.js';
import {SettleTrim} from '../io/settle-trim.js';
import {onSignals, type HandledSignal} from '../io/signals.js';
import {SocketSet} from '../io/socket-set.js';
import {startTime, StateFile, type StateSnapshot} from '../io/state-file.js';
import {handleSurvivors, type StartWait} from './orphans.js';
import {startStreamWriter} from '../io/stream-writer.js';
import {dispatch, type CommandContext} from './commands.js';
import {toEndpoint} from './endpoint.js';
import type {Endpoint} from './endpoint.js';
import {type EventMessage, type Properties, type Reply, type RequestId, nowSeconds, topicMatches} from './protocol.js';
import {MetricsSource} from './metrics.js';
import type {MetricsServer} from './metrics-server.js';
import type {RunningPlugin} from './plugins/plugin.js';
import {ControlServer, type ControlServerStats} from './server.js';
import type {SupervisorClient, Subscription} from './supervisor-client.js';
import {streamRows, watcherRow, watchersInConfigOrder} from './views.js';
import type {Overview} from './rows.js';

/** The topic of a PTY process's raw output (base64 chunks with their byte offset), for a terminal view. */
function rawTopic(watcher: string, pid: number): string {
	return `output.${watcher}.${pid}`;
}

/** How often processes are sampled for CPU and memory. */
const statsIntervalMs = 1000;

type SupervisorOptions = {
	readonly config: Config;
	/** Where the control channel listens. */
	readonly endpoint: Endpoint | string;
	/** Where procui's own log lines go. */
	readonly log: (level: 'debug' | 'info' | 'warning' | 'error', message: string) => void;
	/** Reopen the supervisor's own log (SIGUSR1). */
	readonly reopenLog?: () => void;
	/** Reload a Config from its file (for reloadconfig / SIGHUP). */
	readonly loadConfig: () => Config;
	/** Install OS signal handlers (the daemon does; tests may not). */
	readonly handleSignals?: boolean;
	/** Called once everything is stopped after quit (by command or signal), with the exit code. */
	readonly onExit?: (code: number) => void;
	/** The supervisor's own log: lines dropped because its reader was too slow (since start), and
	bytes waiting for the reader now. For `dstats`. */
	readonly logStats?: () => {readonly dropped: number; readonly pending: number};
	/** Where Prometheus metrics are served (`HOST:PORT` or `PORT`); default `[circus] procui.metrics`, else off. */
	readonly metrics?: string;
	/** Where to write down the running processes (and, at start, find those of a killed
	predecessor, per `procui.orphans`); none by default. */
	readonly stateFile?: string;
	/** Become a child subreaper, so descendants that leave their process group are still found,
	stopped with their watcher and reaped. Only where every child is spawned by procui (the daemon). */
	readonly subreaper?: boolean;
	/** Told when the start waits for something that can take long (a killed daemon's processes
	to stop): at most how many seconds, and why. */
	readonly onStartWait?: StartWait;
};

/**
The supervisor as a service: the arbiter, its control endpoint, process sampling and OS signals,
composed. Both `procui daemon` and the TUI's embedded mode run one of these.
*/
export class Supervisor {
	readonly arbiter: Arbiter;
	readonly server: ControlServer;
	readonly #options: SupervisorOptions;
	// Sampled every second while a UI watches: each process's children, cmdline and uid
	// are read again every 5 s (and at once for `signal --children`), CPU and memory every time.
	readonly #sampler = new ProcSampler({rescanMs: 5000});
	/** Young collections once a burst of spawns and reaps is over: V8 keeps the young generation
	a burst grew until a collection sees the process quiet, and an idle supervisor has none. */
	readonly #settleTrim = new SettleTrim({
		collect() {
			collectGarbage('minor');
		},
	});
	#sample: ReadonlyMap<number, ProcInfo> = new Map();
	#sampledAt = 0;
	#statsTimer: NodeJS.Timeout | undefined;
	/** Between a successful start() and close(): the span in which `stats` may be sampled. */
	#running = false;
	#removeSignals: (() => void) | undefined;
	#quitSignals = 0;
	/** Signals received, by name, and configuration reloads run: for `dstats`. */
	readonly #signalCounts: Partial<Record<HandledSignal, number>> = {};
	#reloads = 0;
	readonly #sockets: SocketSet;
	#exited = false;
	readonly #local = new Set<{topics: readonly string[]; onEvent: (event: EventMessage) => void}>();
	readonly #context: CommandContext;
	readonly #metrics: MetricsSource;
	#metricsServer: MetricsServer | undefined;
	#plugins: RunningPlugin[] = [];
	#state: StateFile | undefined;
	/** This process's start time (/proc/PID/stat), for the state file. */
	#selfStart: number | undefined;

	constructor(options: SupervisorOptions) {
		this.#options = options;
		if (options.config.arbiter.umask !== undefined) {
			// As circusd: `[circus] umask` is the supervisor's own from its start (read once, as
			// there), so every process and every file it makes has it.
			process.umask(options.config.arbiter.umask);
		}

		this.#sockets = new SocketSet((message) => {
			options.log('warning', message);
		});
		// Asked on the output path; the server exists by the time any process writes.
		this.arbiter = new Arbiter(options.config, {
			sockets: this.#sockets,
			wantsOutput: (watcher) => this.server.wants(`logs.${watcher}`) || this.#localWants(`logs.${watcher}`),
			wantsRaw: (watcher, pid) => {
				const topic = rawTopic(watcher, pid);
				return this.server.wants(topic) || this.#localWants(topic);
			},
		});

		this.server = new ControlServer({
			endpoint: options.endpoint,
			handle: async (request) => this.#handle(request.command, request.properties ?? {}, request.id),
			...(options.config.arbiter.clientIdleTimeout === undefined ? {} : {idleTimeoutMs: options.config.arbiter.clientIdleTimeout * 1000}),
			log: (level, message) => {
				options.log(level, message);
			},
			onSubscriptionsChanged: () => {
				this.#syncStatsTimer();
			},
		});
		this.#context = {
			stats: {
				sample: () => this.#freshSample(),
				self: () => this.#selfInfo(),
				children: (pid, recursive) => {
					const all = this.#sampler.sample([pid], {rescan: true}).get(pid)?.children ?? [];
					if (recursive) {
						return [...all];
					}

					const direct = this.#sampler.sample(all);
					return all.filter((child) => direct.get(child)?.ppid === pid);
				},
			},
			reloadConfig: async () => {
				this.#reloads++;
				return this.arbiter.reloadConfig(options.loadConfig, this.#sockets);
			},
			globalOptions: () => ({
				endpoint: this.endpoint,
				check_delay: this.arbiter.config.arbiter.checkDelay,
				warmup_delay: this.arbiter.config.arbiter.warmupDelay,
				pidfile: this.arbiter.config.arbiter.pidfile ?? null,
				loglevel: this.arbiter.config.arbiter.loglevel,
				scrollback: this.arbiter.config.arbiter.scrollback,
				metrics: this.metricsUrl ?? null,
				orphans: this.arbiter.config.arbiter.orphans,
			}),
			listSockets: () => this.#sockets.list(),
		};
		this.#metrics = new MetricsSource({arbiter: () => this.arbiter, logDropped: () => options.logStats?.().dropped ?? 0});
		this.arbiter.on('log', (level, message) => {
			options.log(level, message);
		});
		this.arbiter.on('event', (topic, data) => {
			this.#settleTrim.activity();
			if (topic.endsWith('.spawn') || topic.endsWith('.reap')) {
				this.#state?.changed();
			}

			if (topic.endsWith('.reap') && typeof data.process_pid === 'number') {
				this.#sampler.forget(data.process_pid);
			}

			this.#publish({event: topic, data, time: nowSeconds()});
		});
		this.arbiter.on('output', (watcher, pid, lines, partial) => {
			// `partial`: the unfinished last line (a prompt, a progress bar) as it stands, with the seq
			// its completed line will have; a viewer shows it in place until that line comes.
			this.#publish({event: `logs.${watcher}`, data: partial === undefined ? {watcher, pid, lines} : {watcher, pid, lines, partial}, time: nowSeconds()});
		});
		this.arbiter.on('raw', (watcher, pid, data, offset) => {
			// In base64 for the socket's subscribers (JSON); the in-process ones (the TUI's terminal
			// view) get the bytes themselves, with no encoding and decoding of every chunk of a flood.
			const topic = rawTopic(watcher, pid);
			const time = nowSeconds();
			if (this.server.wants(topic)) {
				this.server.publish({event: topic, data: {watcher, pid, offset, data: data.toString('base64')}, time});
			}

			this.#publishLocal({event: topic, data: {watcher, pid, offset, data}, time});
		});
	}

	/** Whether the per-second `stats` sampling runs now (only while someone subscribes to `stats`). */
	get sampling(): boolean {
		return this.#statsTimer !== undefined;
	}

	/** The endpoint as a URL (with the real port once listening). */
	get endpoint(): string {
		return this.server.endpoint.url;
	}

	/** Install signal handlers, bind the sockets, listen, start the autostart watchers. Resolves
	once listening and the boot's first start has run (requests are read from then on); the other
	watchers start in the background. */
	async start(): Promise<void> {
		// First: a SIGHUP or SIGUSR2 while the sockets bind must not take its default action (ending the process).
		if (this.#options.handleSignals) {
			this.#removeSignals = onSignals((signal) => {
				this.#onSignal(signal);
			});
		}

		if (this.#options.subreaper) {
			const why = becomeSubreaper();
			if (why !== undefined) {
				this.#options.log('warning', `not a child subreaper (${why}): a descendant that leaves its process group and outlives its parent is not stopped with its watcher`);
			}
		}

		// The stream files' writer thread, up before anything runs: its descriptors are part of the baseline.
		const fileStream = (stream: Config['watchers'][number]['stdoutStream']): boolean => stream?.filename !== undefined && stream.class !== 'StdoutStream' && stream.class !== 'FancyStdoutStream' && stream.class !== 'NullStream';
		if (this.#options.config.watchers.some((watcher) => fileStream(watcher.stdoutStream) || fileStream(watcher.stderrStream))) {
			await startStreamWriter();
		}

		try {
			const stateFile = this.#options.stateFile;
			if (stateFile) {
				// Before the sockets: a survivor may still hold one of them.
				await handleSurvivors(stateFile, this.#options.config, this.#options.log, toEndpoint(this.#options.endpoint).url, this.#options.onStartWait);
				this.#state = new StateFile(stateFile, () => this.#snapshot(), (message) => {
					this.#options.log('warning', message);
				});
			}

			// Before any watcher starts, as Circus does; a socket that cannot be bound stops the start.
			await this.#sockets.bind(this.#options.config.sockets);
			// Metrics before the control socket: a client that finds the socket finds metrics served
			// (`globaloptions` names their address).
			await this.#serveMetrics();
			await this.server.listen({held: true});
		} catch (error) {
			await this.#metricsServer?.close();
			this.#metricsServer = undefined;
			await this.server.close();
			this.#sockets.closeAll();
			this.#removeSignals?.();
			this.#removeSignals = undefined;
			throw error;
		}

		this.#running = true;
		this.#syncStatsTimer();
		void this.arbiter.start();
		// Requests are read once the boot's first start has run: a client that connects at once (a
		// script's `procui daemon & procui ctl status`) sees that watcher starting, not stopped, and
		// its commands queue after the boot's (with the socket read from the start, 19 of 20 such
		// statuses said stopped).
		await this.arbiter.scheduler.onIdle();
		this.server.open();
		// Clients of this supervisor, as Circus's plugins are of circusd: they act through commands.
		// Plugins and the metrics server are loaded only when configured: a daemon without them does
		// not carry their code (nor dgram's, nor http's) for its whole life.
		const plugins = this.#options.config.plugins ?? [];
		if (plugins.length > 0) {
			const {startPlugins} = await import('./plugins/index.js');
			this.#plugins = await startPlugins(plugins, {client: this.client(), log: this.#options.log});
		}
	}

	/** `http://HOST:PORT/metrics` while metrics are served. */
	get metricsUrl(): string | undefined {
		return this.#metricsServer?.url;
	}

	async #serveMetrics(): Promise<void> {
		const text = this.#options.metrics ?? this.#options.config.arbiter.metrics;
		if (text === undefined) {
			return;
		}

		const {MetricsServer, parseMetricsAddress} = await import('./metrics-server.js');
		const address = parseMetricsAddress(text);
		const server = new MetricsServer(address, () => this.#metrics.render());
		await server.listen();
		this.#metricsServer = server;
		if (!address.loopback) {
			// Allowed because the host was written out, but worth a line: the page names every
			// watcher and pid, and it has no authentication.
			this.#options.log('warning', `metrics are served on ${server.url}, which is not a loopback address: anyone who can reach it can read them (no authentication)`);
		}
	}

	/** The whole picture the UI shows; watchers in configuration order (the order a person wrote them in). */
	overview(): Overview {
		const sample = this.#freshSample();
		const self = this.#sampler.selfInfo();
		return {
			watchers: watchersInConfigOrder(this.arbiter).map((watcher) => watcherRow(watcher, sample)),
			supervisor: {pid: process.pid, cpu: self?.cpu ?? 0, rss: self?.rss ?? 0, age: this.arbiter.age},
			config: this.arbiter.config.file ?? '(command line)',
			endpoint: this.endpoint,
		};
	}

	/** A client that talks to this supervisor without a socket. */
	client(): SupervisorClient {
		return {
			endpoint: this.endpoint,
			call: async (command, properties = {}) => this.#handle(command, properties, null),
			subscribe: async (topics, onEvent) => {
				const entry = {topics, onEvent};
				this.#local.add(entry);
				this.#syncStatsTimer();
				const subscription: Subscription = {
					topics,
					unsubscribe: async () => {
						this.#local.delete(entry);
						this.#syncStatsTimer();
					},
				};
				return subscription;
			},
			close: async () => undefined,
		};
	}

	async #handle(command: string, properties: Properties, id: RequestId | null): Promise<Reply> {
		const started = performance.now();
		try {
			return await this.#run(command, properties, id);
		} finally {
			this.#metrics.latency.observe(command, (performance.now() - started) / 1000);
		}
	}

	async #run(command: string, properties: Properties, id: RequestId | null): Promise<Reply> {
		if (command === 'overview') {
			return {status: 'ok', id, time: nowSeconds(), ...this.overview()};
		}

		const reply = await dispatch(this.arbiter, {id: id ?? '', command, properties}, this.#context);
		if (command === 'quit' && reply.status !== 'error') {
			// Reply first, then leave.
			setImmediate(() => {
				void this.#exit(0);
			});
		}

		return id === null ? {...reply, id: null} : reply;
	}

	/**
	Sampling reads /proc for every process: it runs only while someone subscribes to the `stats`
	topic (a TUI), and the timer exists only then, so an idle supervisor has no reason to wake.
	`stats`, `overview` and `dstats` sample on demand otherwise. Called whenever subscriptions
	change (a client subscribes, unsubscribes or goes away; the in-process client likewise).
	*/
	#syncStatsTimer(): void {
		const topic = 'stats';
		const wanted = this.#running && (this.server.wants(topic) || this.#localWants(topic));
		if (wanted && this.#statsTimer === undefined) {
			// Sampled every second from now on: /proc files are kept open between samples.
			this.#sampler.holdFiles(true);
			this.#statsTimer = setInterval(() => {
				this.#sampleNow();
				this.#publish({event: topic, data: this.overview(), time: nowSeconds()});
			}, statsIntervalMs);
		} else if (!wanted && this.#statsTimer !== undefined) {
			clearInterval(this.#statsTimer);
			this.#statsTimer = undefined;
			this.#sampler.holdFiles(false);
		}
	}

	#localWants(topic: string): boolean {
		for (const entry of this.#local) {
			if (entry.topics.some((pattern) => topicMatches(pattern, topic))) {
				return true;
			}
		}

		return false;
	}

	#publish(event: EventMessage): void {
		this.server.publish(event);
		this.#publishLocal(event);
	}

	#publishLocal(event: EventMessage): void {
		for (const entry of this.#local) {
			if (entry.topics.some((pattern) => topicMatches(pattern, event.event))) {
				entry.onEvent(event);
			}
		}
	}

	#freshSample(): ReadonlyMap<number, ProcInfo> {
		if (Date.now() - this.#sampledAt > statsIntervalMs / 2) {
			this.#sampleNow();
		}

		return this.#sample;
	}

	#sampleNow(): void {
		const pids: number[] = [];
		for (const watcher of this.arbiter.watchers.values()) {
			for (const record of watcher.processes.values()) {
				pids.push(record.pid);
			}
		}

		this.#sample = this.#sampler.sample(pids);
		this.#sampledAt = Date.now();
	}

	#selfInfo(): Record<string, unknown> {
		const self = this.#sampler.selfInfo();
		return {
			pid: process.pid,
			cpu: self?.cpu ?? 0,
			mem: self?.mem ?? 0,
			rss: self?.rss ?? 0,
			vms: self?.vms ?? 0,
			age: this.arbiter.age,
			username: self?.username ?? '',
			cmdline: 'procui',
			open_fds: countFds(),
			output_sources: this.arbiter.redirector.size,
			processes: [...this.arbiter.watchers.values()].reduce((sum, watcher) => sum + watcher.processes.size, 0),
			bytes_read: this.arbiter.redirector.bytesRead,
			queued_commands: this.arbiter.scheduler.pending,
			// procui's own: what happened, for people and for the scenario tests.
			sources: this.arbiter.redirector.sources.map((source) => ({owner: source.owner, fds: source.fds.filter((fd) => !fd.closed).map((fd) => fd.fd)})),
			ticks: this.arbiter.counters.ticks,
			stats_sampling: this.sampling,
			ticks_during_commands: this.arbiter.counters.ticksDuringCommands,
			commands_run: this.arbiter.scheduler.ran,
			activations: this.arbiter.activations,
			signals: {...this.#signalCounts},
			reloads: this.#reloads,
			log_dropped: this.#options.logStats?.().dropped ?? 0,
			log_pending_bytes: this.#options.logStats?.().pending ?? 0,
			control: controlStats(this.server.stats()),
			streams: streamRows(this.arbiter.orderedWatchers()),
		};
	}

	/** OS signals: each only enqueues; quit is never dropped and a second one escalates. */
	#onSignal(signal: HandledSignal): void {
		this.#signalCounts[signal] = (this.#signalCounts[signal] ?? 0) + 1;
		switch (signal) {
			case 'SIGTERM':
			case 'SIGINT': {
				this.#quitSignals++;
				if (this.#quitSignals === 1) {
					void this.arbiter.quit().then(async () => this.#exit(0));
				} else {
					this.arbiter.killAll();
				}

				break;
			}

			case 'SIGQUIT': {
				this.arbiter.killAll();
				void this.arbiter.quit().then(async () => this.#exit(0));
				break;
			}

			case 'SIGHUP': {
				this.arbiter.scheduler.enqueue({
					label: 'reloadconfig (SIGHUP)',
					coalesceKey: 'sighup',
					internal: true,
					run: () => {
						void this.#context.reloadConfig().catch((error: unknown) => {
							this.#options.log('error', `reloadconfig: ${error instanceof Error ? error.message : String(error)}`);
						});
					},
				});
				break;
			}

			case 'SIGUSR1': {
				this.arbiter.scheduler.enqueue({
					label: 'reopen logs (SIGUSR1)',
					coalesceKey: 'sigusr1',
					internal: true,
					run: () => {
						// Every stream and our own log, whatever fails on the way: each failure is logged by name.
						this.arbiter.reopenStreams();

						try {
							this.#options.reopenLog?.();
						} catch (error) {
							this.#options.log('error', `cannot reopen procui's own log: ${error instanceof Error ? error.message : String(error)}`);
						}

						this.#options.log('info', 'SIGUSR1: reopened the stream files and the log');
					},
				});
				break;
			}

			default: {
				this.arbiter.scheduler.enqueue({
					label: `ignore ${signal}`,
					coalesceKey: `ignore ${signal}`,
					internal: true,
					run: () => {
						this.#options.log('debug', `ignoring ${signal}`);
					},
				});
			}
		}
	}

	/** The processes running now, for the state file. */
	#snapshot(): StateSnapshot {
		const watchers: Record<string, StateSnapshot['watchers'][string]> = {};
		for (const watcher of this.arbiter.watchers.values()) {
			const processes = [...watcher.processes.values()].filter((record) => record.exit === undefined).map((record) => ({pid: record.pid, key: record.generation}));
			watchers[watcher.name] = {stopSignal: watcher.config.stopSignal, gracefulTimeout: watcher.config.gracefulTimeout, processes};
		}

		// The supervisor's own start time never changes: read once.
		this.#selfStart ??= startTime(process.pid) ?? 0;
		return {supervisor: {pid: process.pid, start: this.#selfStart}, watchers};
	}

	/** Stop serving and leave. Watchers must be stopped already (quit). */
	async #exit(code: number): Promise<void> {
		if (this.#exited) {
			return;
		}

		this.#exited = true;
		// Everything stopped: nothing for a next daemon to find.
		await this.#state?.remove();
		await this.close();
		this.#options.onExit?.(code);
	}

	/** Stop timers, signal handlers, the endpoint and the sockets (does not stop watchers: `quit` does). */
	async close(): Promise<void> {
		clearInterval(this.#statsTimer);
		this.#statsTimer = undefined;
		this.#running = false;
		for (const plugin of this.#plugins.splice(0)) {
			plugin.stop();
		}

		this.#removeSignals?.();
		this.#settleTrim.close();
		this.arbiter.dispose();
		this.#sampler.holdFiles(false);
		this.#sockets.closeAll();
		await Promise.all([this.server.close(), this.#metricsServer?.close()]);
	}
}

function countFds(): number {
	try {
		return fs.readdirSync('/proc/self/fd').length;
	} catch {
		return 0;
	}
}

export {toEndpoint};

/** The control server's counters, as `dstats` shows them. */
function controlStats(stats: ControlServerStats): Record<string, number> {
	return {
		connections: stats.connections,
		subscribers: stats.subscribers,
		queued_bytes: stats.queuedBytes,
		dropped_events: stats.droppedEvents,
		refused: stats.refusedConnections,
		evicted: stats.evictedConnections,
		unchecked: stats.uncheckedConnections,
	};
}
