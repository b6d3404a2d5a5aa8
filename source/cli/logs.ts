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

/** `procui logs`: returns the exit status (for -f, once interrupted or the supervisor goes away). */
export async function runLogs(argv: readonly string[]): Promise<number> {
	const flags = await parse(argv);
	if ('exit' in flags) {
		return flags.exit;
	}

	const {name, pid} = splitTarget(flags.target);
	const write = (line: LogLine): void => {
		process.stdout.write(flags.json ? `${JSON.stringify(line)}\n` : `${formatLogLine(line, flags.color)}\n`);
	};

	let client: SocketClient;
	try {
		client = await SocketClient.connect(flags.endpoint ?? defaultEndpoint().url, {timeoutMs: 5000});
	} catch (error) {
		process.stderr.write(`procui logs: ${error instanceof Error ? error.message : String(error)}\n`);
		return 1;
	}

	try {
		// Subscribe first, so no line falls between the scrollback and the live stream.
		const live: LogLine[] = [];
		let backlogDone = false;
		const seen = new Map<number, number>();
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
			seen.set(line.pid, Math.max(seen.get(line.pid) ?? 0, line.seq));
			write(line);
		}

		backlogDone = true;
		for (const line of live) {
			if (line.seq > (seen.get(line.pid) ?? 0)) {
				write(line);
			}
		}

		if (!flags.follow) {
			return 0;
		}

		return await new Promise<number>((resolve) => {
			let done = false;
			const finish = (code: number): void => {
				if (!done) {
					done = true;
					resolve(code);
				}
			};

			process.once('SIGINT', () => {
				finish(0);
			});
			process.once('SIGTERM', () => {
				finish(0);
			});
			client.on('close', () => {
				if (!done) {
					process.stderr.write('procui logs: the supervisor went away\n');
				}

				finish(1);
			});
		});
	} catch (error) {
		if (error instanceof ControlConnectionError || error instanceof ControlTimeoutError) {
			process.stderr.write(`procui logs: ${error.message}\n`);
			return 1;
		}

		throw error;
	} finally {
		await client.close();
	}
}
