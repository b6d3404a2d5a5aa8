import {SocketClient} from '../control/client.js';
import {defaultEndpoint} from '../control/endpoint.js';
import {ControlConnectionError, ControlTimeoutError} from '../control/errors.js';
import type {LogLine} from '../control/logs-command.js';
import {isErrorReply, type EventMessage} from '../control/protocol.js';
import {parseCommand, usageError, type Exit} from './args.js';
import {logsSpec} from './command-specs.js';

type LogsFlags = {endpoint?: string; target?: string; lines: number; follow: boolean; json: boolean; color: boolean};

async function parse(argv: readonly string[]): Promise<LogsFlags | Exit> {
	const parsed = await parseCommand(logsSpec, argv);
	if ('exit' in parsed) {
		return parsed;
	}

	const {flags, input} = parsed;
	if (input.length > 1) {
		return usageError(logsSpec, `expected one WATCHER[.PID], got ${input.length}: ${input.join(' ')}`);
	}

	const lines = flags.lines === undefined ? 100 : Number(flags.lines);
	if (!/^\d+$/.test(flags.lines ?? '0')) {
		return usageError(logsSpec, `-n expects a whole number of lines, got ${JSON.stringify(flags.lines)}`);
	}

	return {
		endpoint: flags.endpoint,
		target: input[0],
		lines,
		follow: flags.follow,
		json: flags.json,
		color: flags.color ?? (process.stdout.isTTY === true && process.env.NO_COLOR === undefined),
	};
}

/** `web.1234` → web and 1234; `web` → web. */
function splitTarget(target: string | undefined): {name?: string; pid?: number} {
	if (target === undefined) {
		return {};
	}

	const match = /^(.+)\.(\d+)$/.exec(target);
	return match ? {name: match[1], pid: Number(match[2])} : {name: target};
}

const palette = [36, 33, 35, 32, 34, 31, 96, 93, 95, 92];

function colourOf(name: string): number {
	let hash = 0;
	for (const char of name) {
		hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
	}

	return palette[hash % palette.length]!;
}

function stamp(time: number): string {
	const date = new Date(time);
	const pad = (value: number): string => String(value).padStart(2, '0');
	return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

// eslint-disable-next-line no-control-regex -- SGR sequences start with ESC.
const sgr = /\u001B\[[\d;:]*m/g;

/** One line as `procui logs` prints it: `<time> <watcher>.<pid> | <text>`. */
export function formatLogLine(line: LogLine, color: boolean): string {
	const label = `${line.watcher}.${line.pid}`;
	if (!color) {
		return `${stamp(line.time)} ${label} | ${line.text.replace(sgr, '')}`;
	}

	return `\u001B[2m${stamp(line.time)}\u001B[0m \u001B[${colourOf(line.watcher)}m${label}\u001B[0m | ${line.text}\u001B[0m`;
}

/** With -f, the first wait before trying the endpoint again after the supervisor went away, and the
longest: as `procui attach` waits (ReconnectingClient), each failure doubling the wait. */
const firstRetryMs = 250;
const maxRetryMs = 5000;

/** Processes whose last printed line is remembered (to print none twice): far more than a scrollback
holds, and a bounded memory however many processes a long `logs -f` sees come and go. */
const printedPidsKept = 4096;

/** What one connection ended with: an exit status, or `gone` (the supervisor went away, -f waits). */
type SessionEnd = number | 'gone';

/** `procui logs`: returns the exit status (for -f, once interrupted). */
export async function runLogs(argv: readonly string[]): Promise<number> {
	const flags = await parse(argv);
	if ('exit' in flags) {
		return flags.exit;
	}

	const {name, pid} = splitTarget(flags.target);
	const endpoint = flags.endpoint ?? defaultEndpoint().url;
	// The last line printed of each process, so none is printed twice: where the scrollback and the
	// live stream meet, and after a reconnection to the same supervisor (its scrollback again). A new
	// supervisor's process may have an old one's pid with seqs from 1 again: its lines are newer.
	const printed = new Map<number, {seq: number; time: number}>();
	const write = (line: LogLine): void => {
		const last = printed.get(line.pid);
		if (last !== undefined && line.seq <= last.seq && line.time <= last.time) {
			return;
		}

		// Most recently printed last; the oldest is let go past the bound (a churning watcher's pids).
		printed.delete(line.pid);
		printed.set(line.pid, {seq: line.seq, time: line.time});
		if (printed.size > printedPidsKept) {
			printed.delete(printed.keys().next().value!);
		}

		process.stdout.write(flags.json ? `${JSON.stringify(line)}\n` : `${formatLogLine(line, flags.color)}\n`);
	};

	// Once following, SIGINT and SIGTERM end it (exit 0), whatever the connection is doing. Not
	// before: an interrupt while the scrollback is fetched ends logs at once, as it always did.
	let interrupt: Interrupt | undefined;
	const interruption = (): Interrupt => {
		interrupt ??= onInterrupt();
		return interrupt;
	};

	/** One connection: the scrollback, then with -f the live output until interrupted or it closes. */
	const session = async (client: SocketClient): Promise<SessionEnd> => {
		const gone = new Promise<SessionEnd>((resolve) => {
			if (client.closed) {
				resolve('gone');
			}

			client.on('close', () => {
				resolve('gone');
			});
		});
		// Subscribe first, so no line falls between the scrollback and the live stream.
		const live: LogLine[] = [];
		let backlogDone = false;
		const onEvent = (event: EventMessage): void => {
			if (event.event === 'dropped') {
				process.stderr.write(`procui logs: ${String(event.data.count)} events dropped: this reader was too slow\n`);
				return;
			}

			const data = event.data as {watcher: string; pid: number; lines: Array<{seq: number; time: number; text: string}>};
			if (pid !== undefined && data.pid !== pid) {
				return;
			}

			for (const line of data.lines) {
				const entry = {watcher: data.watcher, pid: data.pid, seq: line.seq, time: line.time, text: line.text};
				if (backlogDone) {
					write(entry);
				} else {
					live.push(entry);
				}
			}
		};

		if (flags.follow) {
			await client.subscribe([name === undefined ? 'logs.' : `logs.${name.toLowerCase()}`], onEvent);
		}

		const reply = await client.call('logs', {name, pid, lines: flags.lines});
		if (isErrorReply(reply)) {
			process.stderr.write(`procui logs: ${reply.reason}\n`);
			return 3;
		}

		for (const notice of (reply as unknown as {notices?: string[]}).notices ?? []) {
			process.stderr.write(`procui logs: notice: ${notice}\n`);
		}

		for (const line of (reply as unknown as {lines: LogLine[]}).lines) {
			write(line);
		}

		backlogDone = true;
		for (const line of live) {
			write(line);
		}

		return flags.follow ? Promise.race([interruption().done.then(() => 0), gone]) : 0;
	};

	let client: SocketClient | undefined;
	try {
		client = await SocketClient.connect(endpoint, {timeoutMs: 5000});
	} catch (error) {
		process.stderr.write(`procui logs: ${error instanceof Error ? error.message : String(error)}\n`);
		return 1;
	}

	try {
		for (;;) {
			let end: SessionEnd;
			try {
				end = await session(client);
			} catch (error) {
				// A connection that closes mid-request is a supervisor gone away too: -f waits for the next.
				if (!flags.follow || !(error instanceof ControlConnectionError)) {
					throw error;
				}

				end = 'gone';
			}

			if (end !== 'gone') {
				return end;
			}

			// A daemon restarting (or an ssh connection lost) is waited for, as `procui attach` does:
			// -f gives live output until interrupted.
			process.stderr.write('procui logs: the supervisor went away; waiting for it to come back\n');
			await client.close();
			client = await reconnect(endpoint, interruption());
			if (client === undefined) {
				return 0;
			}
		}
	} catch (error) {
		if (error instanceof ControlConnectionError || error instanceof ControlTimeoutError) {
			process.stderr.write(`procui logs: ${error.message}\n`);
			return 1;
		}

		throw error;
	} finally {
		await client?.close();
	}
}

/** SIGINT or SIGTERM: `done` resolves, and `happened` says so at once. */
type Interrupt = {readonly done: Promise<void>; happened: boolean};

function onInterrupt(): Interrupt {
	let resolveDone: () => void = () => undefined;
	const interrupt: Interrupt = {
		done: new Promise<void>((resolve) => {
			resolveDone = resolve;
		}),
		happened: false,
	};
	const onSignal = (): void => {
		interrupt.happened = true;
		resolveDone();
	};

	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);
	return interrupt;
}

/** Try `endpoint`, waiting longer each time, until a supervisor answers there (undefined: interrupted first). */
async function reconnect(endpoint: string, interrupt: Interrupt): Promise<SocketClient | undefined> {
	for (let waitMs = firstRetryMs; ; waitMs = Math.min(maxRetryMs, waitMs * 2)) {
		let timer: NodeJS.Timeout | undefined;
		await Promise.race([interrupt.done, new Promise((resolve) => {
			timer = setTimeout(resolve, waitMs);
		})]);
		clearTimeout(timer);
		if (interrupt.happened) {
			return undefined;
		}

		let client: SocketClient;
		try {
			client = await SocketClient.connect(endpoint, {timeoutMs: 5000});
		} catch {
			// Nobody there yet.
			continue;
		}

		if (!interrupt.happened) {
			return client;
		}

		await client.close();
		return undefined;
	}
}
