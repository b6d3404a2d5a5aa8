/**
The two ways into the UI, composed: `procui [CONFIG | -c CMD ...]` runs a supervisor in this
process and the UI on it (through its in-process client); `procui attach` runs the same UI on a
daemon's socket. This file owns the process's exit in both.
*/
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import tty from 'node:tty';
import type {SocketClient} from '../control/client.js';
import {defaultEndpoint, endpointError, type Endpoint} from '../control/endpoint.js';
import type {Supervisor} from '../control/supervisor.js';
import {formatIssue} from '../config/index.js';
import {collectGarbage} from '../io/memory.js';
import {onSignals} from '../io/signals.js';
import type {RunUiOptions, UiHandle} from '../ui/run-ui.js';
import {ReconnectingClient, type Connection} from '../ui/live/reconnecting-client.js';
import {adaptFrame} from '../ui/screen/frame-filter.js';
import {ScreenWriter} from '../ui/screen/screen-writer.js';
import {skeletonFrame, type SkeletonInput} from '../ui/screen/skeleton.js';
import {detectCaps, isDumbTerminal, type TerminalCaps} from '../ui/screen/terminal-caps.js';
import {parseCommand, usageError, type FlagSpecs, type ParsedFlags} from './args.js';
import {attachSpec, tuiSpec} from './command-specs.js';
import {load, reportLoadError, resolveSource} from './load.js';
import {OwnLog} from './own-log.js';
import {pendingClient} from './pending-client.js';

const noTerminalMessage = `procui: the full-screen UI needs a terminal (stdin and stdout must be a TTY).
Without one:
  procui daemon [CONFIG]     run the supervisor headless
  procui ctl status          control a running supervisor (circusctl's commands)
  procui logs [NAME]         read a running supervisor's output`;

const dumbTerminalMessage = `procui: TERM=dumb: this terminal cannot draw the full-screen UI (it cannot move the cursor).
Instead:
  procui ctl status          the watchers and their processes (circusctl's commands)
  procui logs -f [NAME]      follow their output
  procui daemon [CONFIG]     run the supervisor headless`;

const noConfigMessage = `procui: no configuration found here (looked for ./procui.ini, ./circus.ini, ./Procfile).
Give one:           procui path/to/circus.ini
or commands:        procui -c "npm run dev" -c "npm run worker"
or attach to a daemon: procui attach [--endpoint URL]`;

/** This process's own socket beside the default one, for when another procui holds the default. */
function fallbackEndpoint(endpoint: Endpoint): string | undefined {
	return endpoint.transport === 'ipc' ? `ipc://${path.join(path.dirname(endpoint.path), `procui-${process.pid}.sock`)}` : undefined;
}

/** After the UI quit, how long the supervisor gets to finish closing before the process leaves. */
const closeGraceMs = 5000;

/** Is the first argument a configuration (an existing file, or a path), rather than a mistyped subcommand? */
export function looksLikeConfig(argument: string): boolean {
	return fs.existsSync(argument) || /[./\\]/u.test(argument);
}

type RunUi = (options: RunUiOptions) => UiHandle;

/**
Load the UI (React, Ink) only when a UI runs, and in production mode: React's development build
costs several times the CPU per frame (it times and records every component render). Loading it
is most of the time to the first frame: it starts first, and the rest of the start-up runs while
it loads.
*/
async function loadUi(): Promise<RunUi> {
	process.env.NODE_ENV ??= 'production';
	const {runUi} = await import('../ui/run-ui.js');
	return runUi;
}

function hasTerminal(): boolean {
	return Boolean(process.stdin.isTTY) && Boolean(process.stdout.isTTY);
}

/** No terminal, or one that cannot draw a full screen: say what to use instead and exit 2. */
function refuseWithoutFullScreen(): void {
	if (!hasTerminal()) {
		process.stderr.write(`${noTerminalMessage}\n`);
		leave(2);
	}

	if (isDumbTerminal(process.env)) {
		process.stderr.write(`${dumbTerminalMessage}\n`);
		leave(2);
	}
}

type FirstFrame = {
	readonly screen: ScreenWriter;
	/** The UI took the screen over: the early signal handlers go. */
	handOver<T>(ui: T): T;
	/** Loading the UI failed: put the terminal back and pass the error on. */
	fail(error: unknown): never;
};

/**
Draw the layout (skeleton.ts) on the alternate screen before the UI has loaded. Keys typed
meanwhile wait for the UI (the terminal stops echoing them); a signal before the UI is up puts the
terminal back before it ends procui.
*/
function showFirstFrame(input: Omit<SkeletonInput, 'columns' | 'rows'>, caps: TerminalCaps): FirstFrame {
	const screen = new ScreenWriter(process.stdout);
	const restore = (): void => {
		screen.leave();
		try {
			process.stdin.setRawMode(false);
		} catch {
			// Not a terminal any more.
		}
	};

	const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
	const onSignal = (signal: NodeJS.Signals): void => {
		restore();
		leave(128 + (os.constants.signals[signal] ?? 1));
	};

	for (const signal of signals) {
		process.once(signal, onSignal);
	}

	screen.enter();
	try {
		process.stdin.setRawMode(true);
	} catch {
		// Not a terminal: refused before this.
	}

	screen.paint(adaptFrame(skeletonFrame({...input, columns: process.stdout.columns ?? 80, rows: process.stdout.rows ?? 24}), caps));
	return {
		screen,
		handOver(ui) {
			for (const signal of signals) {
				process.off(signal, onSignal);
			}

			return ui;
		},
		fail(error) {
			restore();
			throw error;
		},
	};
}

/** Which of stdin, stdout, stderr were terminals when procui started. */
const startedOnTerminal = [0, 1, 2].map((fd) => tty.isatty(fd));

/**
Exit. Node puts the terminal's modes back as it exits, and aborts with an assertion when the
terminal is gone (a closed tmux pane, a dropped SSH session: tcsetattr fails with EIO;
nodejs/node#51519). A hung-up terminal is no longer a tty to isatty(); close those descriptors
first, which Node's reset skips.
*/
function leave(code: number): never {
	for (const fd of [0, 1, 2]) {
		if (startedOnTerminal[fd] && !tty.isatty(fd)) {
			try {
				fs.closeSync(fd);
			} catch {
				// Already closed.
			}
		}
	}

	process.exit(code);
}

/** Parse `[CONFIG] [-c CMD ...] [--endpoint URL] [--no-mouse]` (or attach's `[--endpoint URL] [--no-mouse]`); help or a usage error is printed and exits. */
async function parseTuiArgs(argv: readonly string[], spec: typeof tuiSpec | typeof attachSpec): Promise<{file?: string; commands: string[]; endpoint?: string; mouse: boolean}> {
	const parsed = await parseCommand<FlagSpecs>(spec, argv);
	if ('exit' in parsed) {
		return leave(parsed.exit);
	}

	const {input} = parsed;
	const flags: Partial<ParsedFlags<typeof tuiSpec.flags>> = parsed.flags;
	if (spec === attachSpec && input.length > 0) {
		return leave(usageError(spec, `takes no arguments, got ${input.join(' ')}`).exit);
	}

	if (input.length > 1) {
		return leave(usageError(spec, `expected one CONFIG, got ${input.length}: ${input.join(' ')}`).exit);
	}

	// attach also takes ssh:// and reports a bad endpoint when it connects; the UI's own supervisor listens on this one.
	const wrong = spec === tuiSpec ? endpointError(flags.endpoint) : undefined;
	if (wrong !== undefined) {
		return leave(usageError(spec, wrong).exit);
	}

	return {file: input[0], commands: flags.command ?? [], endpoint: flags.endpoint, mouse: flags.mouse !== false};
}

/** Route signals to the UI: the first quits gracefully, a second forces. */
function forwardSignals(ui: UiHandle, log?: OwnLog): () => void {
	let quits = 0;
	return onSignals((signal) => {
		if (signal === 'SIGTERM' || signal === 'SIGINT' || signal === 'SIGHUP') {
			// SIGHUP here is the terminal going away (a closed tmux pane, a dropped SSH session), not "reload".
			quits++;
			ui.requestQuit(quits > 1);
		} else if (signal === 'SIGQUIT') {
			ui.requestQuit(true);
		} else if (signal !== 'SIGWINCH') {
			log?.add('info', `ignoring ${signal}`);
		}
	});
}

/** `procui [CONFIG | -c CMD ...] [--endpoint URL]`: supervisor and UI in one process. Never returns. */
export async function runTui(argv: readonly string[]): Promise<never> {
	const args = await parseTuiArgs(argv, tuiSpec);
	refuseWithoutFullScreen();
	const uiLoaded = loadUi();

	const cwd = process.cwd();
	const source = resolveSource({file: args.file, commands: args.commands, useDefault: true}, cwd);
	if (source.file === undefined && source.commands.length === 0) {
		process.stderr.write(`${noConfigMessage}\n`);
		return leave(2);
	}

	let config;
	try {
		config = load(source, cwd);
	} catch (error) {
		reportLoadError(error, cwd);
		return leave(1);
	}

	// As the daemon does: messages below [circus] loglevel are left out.
	const levels = ['debug', 'info', 'warning', 'error'];
	const least = Math.max(0, levels.indexOf(config.arbiter.loglevel.toLowerCase().replace(/^warn$/u, 'warning').replace(/^critical$/u, 'error')));
	const log = new OwnLog();
	for (const warning of config.warnings) {
		log.add('warning', formatIssue(warning, cwd));
	}

	let resolveExited: () => void = () => undefined;
	const exited = new Promise<void>((resolve) => {
		resolveExited = resolve;
	});
	// The supervisor (core, io, control) loads after the first frame: the frame does not need it.
	let makeSupervisor: (endpoint: string) => Supervisor = () => {
		throw new Error('the supervisor is not loaded yet');
	};

	const loadSupervisor = async (): Promise<void> => {
		const {Supervisor} = await import('../control/supervisor.js');
		makeSupervisor = (endpoint) => new Supervisor({
			config,
			endpoint,
			log: (level, message) => {
				if (levels.indexOf(level) >= least) {
					log.add(level, message);
				}
			},
			loadConfig: () => load(source, cwd),
			// Signals are the UI's here: SIGHUP means the terminal went away.
			handleSignals: false,
			onExit: () => {
				resolveExited();
			},
		});
	};

	const chosen = args.endpoint ?? config.arbiter.endpoint;
	// Without one chosen, PROCUI_ENDPOINT's is used: a wrong one is said here, before the screen is taken.
	if (chosen === undefined) {
		try {
			defaultEndpoint();
		} catch (error) {
			process.stderr.write(`procui: ${error instanceof Error ? error.message : String(error)}\n`);
			return leave(2);
		}
	}

	// The layout at once, from the configuration: React and Ink take a while to load.
	const caps = detectCaps(process.env);
	const first = showFirstFrame({mode: 'embedded'}, caps);
	let supervisor: Supervisor | undefined;
	const pending = pendingClient(() => supervisor?.endpoint ?? chosen ?? defaultEndpoint().url);
	const restoreConsole = log.captureConsole();
	// The layout first, then the supervisor behind it: starting the watchers (spawning every
	// process) would otherwise hold the first frame back; the UI fills in once the supervisor answers.
	const ui = first.handOver((await uiLoaded.catch(first.fail))({client: pending.client, mode: 'embedded', supervisorLog: log, caps, mouse: args.mouse, screen: first.screen, collectGarbage}));
	// Quitting while the supervisor starts waits for it to have started, then stops what it started.
	const removeSignals = forwardSignals(ui, log);
	process.on('uncaughtException', (error) => {
		ui.restore();
		restoreConsole();
		process.stderr.write(`procui: internal error, stopping every process: ${error.stack ?? error.message}\n`);
		supervisor?.arbiter.killAll();
		setTimeout(() => leave(70), 200).unref();
	});
	// Let the first frame out before the start-up takes the event loop.
	await new Promise<void>((resolve) => {
		setImmediate(resolve);
	});
	await loadSupervisor();
	supervisor = makeSupervisor(chosen ?? defaultEndpoint().url);
	try {
		try {
			await supervisor.start();
		} catch (error) {
			const fallback = chosen === undefined ? fallbackEndpoint(defaultEndpoint()) : undefined;
			if (fallback === undefined || !(error instanceof Error && error.message.includes('already listening'))) {
				throw error;
			}

			// Several `procui` in several projects is normal: the first takes the default endpoint, the others their own.
			await supervisor.close().catch(() => undefined);
			supervisor = makeSupervisor(fallback);
			await supervisor.start();
			log.add('warning', `another procui listens on the default endpoint; this one listens on ${fallback} (procui ctl --endpoint ${fallback} status)`);
		}
	} catch (error) {
		ui.restore();
		restoreConsole();
		const message = error instanceof Error ? error.message : String(error);
		process.stderr.write(`procui: ${message}\n`);
		if (message.includes('already listening')) {
			process.stderr.write(`To see that one: procui attach --endpoint ${chosen ?? ''}. To run this one beside it, give it another: --endpoint ipc:///another/path.sock\n`);
		}

		supervisor.arbiter.killAll();
		return leave(1);
	}

	log.add('info', `supervising ${config.watchers.length} watcher(s) from ${config.file ?? 'the command line'}; control endpoint ${supervisor.endpoint}`);
	pending.ready(supervisor.client());

	await ui.done;
	removeSignals();
	restoreConsole();
	const closed = await Promise.race([exited.then(() => true), new Promise<false>((resolve) => {
		setTimeout(() => {
			resolve(false);
		}, closeGraceMs).unref();
	})]);
	if (!closed) {
		// Quitting was forced or did not finish: nothing may outlive procui.
		supervisor.arbiter.killAll();
		await supervisor.close().catch(() => undefined);
	}

	return leave(0);
}

/** A socket client as the reconnecting client takes it. */
function asConnection(socket: SocketClient): Connection {
	return {
		// The socket client reports its endpoint as an object; the UI takes the interface's URL.
		endpoint: socket.endpoint.url,
		call: async (command, properties) => socket.call(command, properties),
		subscribe: async (topics, onEvent) => socket.subscribe(topics, onEvent),
		close: async () => socket.close(),
		onClose(listener) {
			socket.on('close', (error) => {
				if (error !== undefined) {
					listener(error.message);
				}
			});
		},
	};
}

/** `procui attach [--endpoint URL]`: the UI on a running daemon. Never returns. */
export async function runAttach(argv: readonly string[]): Promise<never> {
	const args = await parseTuiArgs(argv, attachSpec);
	refuseWithoutFullScreen();
	// Loading the UI while connecting. (No first frame before the connection: ssh may ask for a password.)
	const uiLoaded = loadUi();

	const endpoint = args.endpoint ?? defaultEndpoint().url;
	// Commands wait for their effect (a graceful stop may take graceful_timeout): a long timeout.
	const {SocketClient} = await import('../control/client.js');
	const connect = async (): Promise<Connection> => asConnection(await SocketClient.connect(endpoint, {timeoutMs: 15 * 60_000}));
	let first: Connection;
	try {
		first = await connect();
	} catch (error) {
		process.stderr.write(`procui attach: ${error instanceof Error ? error.message : String(error)}\n`);
		return leave(1);
	}

	// A daemon that dies is waited for: the UI says so and reconnects when one answers on the endpoint again.
	const client = new ReconnectingClient(first.endpoint, first, connect);
	// Under the UI nothing may write to the terminal: stray console output (a library's warning)
	// becomes a notice on the status line, as in the embedded UI, instead of text over the screen.
	const log = new OwnLog();
	const restoreConsole = log.captureConsole();
	const ui = (await uiLoaded)({client, mode: 'attached', supervisorLog: log, caps: detectCaps(process.env), mouse: args.mouse, collectGarbage});
	client.watch({
		lost: () => {
			ui.connectionLost('disconnected, retrying');
		},
		restored: () => {
			ui.connectionRestored();
		},
	});
	if (!client.connected) {
		// Lost before anyone listened.
		ui.connectionLost('disconnected, retrying');
	}

	const removeSignals = forwardSignals(ui);
	process.on('uncaughtException', (error) => {
		ui.restore();
		restoreConsole();
		process.stderr.write(`procui attach: internal error: ${error.stack ?? error.message}\n`);
		setTimeout(() => leave(70), 100).unref();
	});
	await ui.done;
	removeSignals();
	restoreConsole();
	await client.close().catch(() => undefined);
	return leave(0);
}
