/**
A reply as `procui ctl` prints it: circusctl's plain text (`--json` prints the reply itself).
Output is sorted where Circus's order is a dict's, so it is stable to read and to diff.

Nothing from the server reaches the terminal raw: control characters (ESC, BEL, backspace,
carriage return, DEL, the C1 controls) are printed escaped (`\x1b`), so a reply can neither
drive the terminal nor fake a line of output.
*/
import {Buffer} from 'node:buffer';
import {isErrorReply, type OkReply, type Reply} from './protocol.js';

export {ctlCommands, parseCtlArgs, type CtlArgsResult, type CtlCommand, type CtlRequest} from './ctl-args.js';

/** circusctl's exit codes: 0 when the reply is ok, 3 when it is an error. (1 is the CLI's, for timeouts and bad arguments.) */
export function ctlExitCode(reply: Reply): 0 | 3 {
	return isErrorReply(reply) ? 3 : 0;
}

/** Control characters a terminal would act on; tab is kept, newline is the caller's to keep or not. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const controlCharacters = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/** `text` with every control character but tab and newline written as `\xHH`: safe to print to a terminal. */
export function escapeControl(text: string): string {
	return text.replaceAll(controlCharacters, character => `\\x${character.codePointAt(0)!.toString(16).padStart(2, '0')}`);
}

/** A reply as JSON text safe to print: JSON already escapes C0 controls; DEL and C1 get `\u00XX` escapes too. */
export function replyJson(reply: Reply): string {
	return JSON.stringify(reply).replaceAll(/[\u007F-\u009F]/g, character => `\\u${character.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

/** The text `procui ctl COMMAND` prints for `reply`, control characters escaped. */
export function formatCtlReply(command: string, reply: Reply): string {
	return escapeControl(replyText(command, reply));
}

function replyText(command: string, reply: Reply): string {
	if (isErrorReply(reply)) {
		return `error: ${oneLine(String(reply.reason))}`;
	}

	switch (command) {
		case 'status': {
			return isRecord(reply.statuses) ? keyLines(reply.statuses, ': ') : reply.status;
		}

		case 'list': {
			const items = Array.isArray(reply.watchers) ? reply.watchers : Array.isArray(reply.pids) ? reply.pids : [];
			return items.map(item => valueText(item)).join(',');
		}

		case 'numprocesses':
		case 'numwatchers':
		case 'incr':
		case 'decr': {
			const count = reply[command === 'numwatchers' ? 'numwatchers' : 'numprocesses'];
			return count === undefined ? 'ok' : String(count);
		}

		case 'get':
		case 'options':
		case 'globaloptions': {
			return isRecord(reply.options) ? optionLines(reply.options, command !== 'get') : 'ok';
		}

		case 'listsockets': {
			return Array.isArray(reply.sockets) ? socketLines(reply.sockets) : 'ok';
		}

		case 'stats':
		case 'dstats': {
			return statsText(reply);
		}

		case 'input': {
			return `${valueText(reply.bytes ?? '?')} bytes typed into ${valueText(reply.pid ?? '?')}`;
		}

		case 'resize': {
			return `${valueText(reply.pid ?? '?')}: ${valueText(reply.columns ?? '?')}x${valueText(reply.rows ?? '?')}`;
		}

		case 'screen': {
			// `procui ctl screen` prints the screen itself (cli/screen-text.ts); this is the `:` prompt's line.
			return `${valueText(reply.pid ?? '?')}: ${typeof reply.data === 'string' ? Buffer.from(reply.data, 'base64').length : 0} bytes of raw output${reply.alternate === true ? ', alternate screen' : ''}; the log pane shows the screen (T switches to the lines)`;
		}

		default: {
			// A start or stop a later command overtook did not take effect: said (circusctl prints ok).
			const superseded = supersededBy(reply);
			return superseded === undefined ? 'ok' : `ok, superseded by \`${superseded}\``;
		}
	}
}

/** What overtook a command, when a later one did: the reply says so in `info` (`{"superseded":
"stop web"}`, or one such per watcher when the command named several). */
export function supersededBy(reply: Reply): string | undefined {
	const {info} = reply as {info?: unknown};
	if (!isRecord(info)) {
		return undefined;
	}

	if (typeof info.superseded === 'string') {
		return info.superseded;
	}

	for (const entry of Object.values(info)) {
		if (isRecord(entry) && typeof entry.superseded === 'string') {
			return entry.superseded;
		}
	}

	return undefined;
}

function optionLines(options: Readonly<Record<string, unknown>>, sort: boolean): string {
	const entries = Object.entries(options);
	if (sort) {
		entries.sort(([a], [b]) => byCodePoint(a, b));
	}

	return entries.map(([key, value]) => `${oneLine(key)} = ${valueText(value)}`).join('\n');
}

function keyLines(record: Readonly<Record<string, unknown>>, separator: string): string {
	return Object.entries(record)
		.sort(([a], [b]) => byCodePoint(a, b))
		.map(([key, value]) => `${oneLine(key)}${separator}${valueText(value)}`)
		.join('\n');
}

function socketLines(sockets: readonly unknown[]): string {
	return sockets
		.filter(socket => isRecord(socket))
		.sort((a, b) => Number(a.fd) - Number(b.fd))
		.map(socket => {
			const where = socket.path === undefined ? `${valueText(socket.host)}:${valueText(socket.port)}` : valueText(socket.path);
			return `${valueText(socket.fd)}: ${valueText(socket.name)} - ${where}`;
		})
		.join('\n');
}

/** `stats`: all watchers (`infos`), one watcher (`name` + `info`), or one process / the supervisor (`info`). */
function statsText(reply: OkReply): string {
	if (isRecord(reply.infos)) {
		return Object.keys(reply.infos)
			.sort((a, b) => byCodePoint(a, b))
			.map(watcher => watcherStats(watcher, (reply.infos as Record<string, unknown>)[watcher]))
			.join('\n');
	}

	if (typeof reply.name === 'string') {
		return watcherStats(reply.name, reply.info);
	}

	return [processLines(reply.info, ''), ...streamLines(isRecord(reply.info) ? reply.info.streams : undefined)].join('\n');
}

/** `dstats`: one line per stream file, `web stdout_stream /var/log/web.log: 0 lines dropped, 12 lost (1.2K), failing: ...`. */
function streamLines(streams: unknown): string[] {
	if (!Array.isArray(streams)) {
		return [];
	}

	return streams.filter(row => isRecord(row)).map(row => {
		const error = row.error === null || row.error === undefined ? '' : `, failing: ${valueText(row.error)}`;
		return `${valueText(row.watcher)} ${valueText(row.stream)} ${valueText(row.path)}: ${valueText(row.dropped_lines)} lines dropped (${valueText(row.dropped_bytes)} B), ${valueText(row.lost_lines)} lost (${valueText(row.lost_bytes)} B)${error}`;
	});
}

function watcherStats(watcher: string, processes: unknown): string {
	const lines = [`${oneLine(watcher)}:`];
	if (isRecord(processes)) {
		for (const pid of Object.keys(processes).sort((a, b) => Number(a) - Number(b))) {
			lines.push(processLines(processes[pid], '  ', pid));
		}
	}

	return lines.join('\n');
}

/** `1234: 0.0% 1.46M (0.6%) up 12s sleep`: cpu, resident memory (its share of the machine's), age, command; children indented below. */
function processLines(info: unknown, indent: string, pid?: string): string {
	if (!isRecord(info)) {
		// Circus sends a sentence instead of numbers for a process that vanished.
		return `${indent}${pid === undefined ? '' : `${pid}: `}${valueText(info)}`;
	}

	const fields = [
		`${percent(info.cpu)}`,
		`${valueText(info.mem_info1 ?? '?')} (${percent(info.mem)})`,
		...(info.age === undefined ? [] : [`up ${duration(info.age)}`]),
		...(info.cmdline === undefined ? [] : [valueText(info.cmdline)]),
	];
	const lines = [`${indent}${pid ?? valueText(info.pid ?? '?')}: ${fields.join(' ')}`];
	if (Array.isArray(info.children)) {
		for (const child of info.children) {
			lines.push(processLines(child, `${indent}  `));
		}
	}

	return lines.join('\n');
}

function percent(value: unknown): string {
	return typeof value === 'number' ? `${value.toFixed(1)}%` : '?%';
}

function duration(value: unknown): string {
	if (typeof value !== 'number' || !Number.isFinite(value)) {
		return '?';
	}

	const seconds = Math.floor(value);
	if (seconds < 60) {
		return `${seconds}s`;
	}

	if (seconds < 3600) {
		return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
	}

	if (seconds < 86_400) {
		return `${Math.floor(seconds / 3600)}h${String(Math.floor(seconds / 60) % 60).padStart(2, '0')}m`;
	}

	return `${Math.floor(seconds / 86_400)}d${String(Math.floor(seconds / 3600) % 24).padStart(2, '0')}h`;
}

/** A server's text kept on its line: a newline in it could otherwise pass for a line of output. */
function oneLine(text: string): string {
	return text.replaceAll('\n', String.raw`\n`);
}

function valueText(value: unknown): string {
	if (typeof value === 'string') {
		return oneLine(value);
	}

	if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
		return String(value);
	}

	return JSON.stringify(value) ?? String(value);
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Code-point order, as Circus's `sorted()`; `localeCompare` costs a collator set-up per run. */
function byCodePoint(a: string, b: string): number {
	return a < b ? -1 : (a > b ? 1 : 0);
}
