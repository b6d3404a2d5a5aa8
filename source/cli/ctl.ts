import {SocketClient} from '../control/client.js';
import {defaultEndpoint} from '../control/endpoint.js';
import {ctlExitCode, escapeControl, formatCtlReply, parseCtlArgs, replyJson} from '../control/ctl-format.js';
import {ControlConnectionError, ControlTimeoutError} from '../control/errors.js';

/** Commands that wait for their effect: they get a longer default timeout than circusctl's 5 s. */
const waitingCommands = new Set(['start', 'stop', 'restart', 'reload', 'reloadconfig', 'quit', 'kill', 'rm', 'add', 'set', 'incr', 'decr', 'signal']);
const defaultTimeoutSeconds = 5;
const defaultWaitingTimeoutSeconds = 300;

const ctlUsage = `Usage: procui ctl [--endpoint URL] [--json] [--timeout S] COMMAND [ARGS]

Commands (circusctl's): add, decr, dstats, get, globaloptions, incr, kill, list, listsockets,
numprocesses, numwatchers, options, quit, reload, reloadconfig, restart, rm, set, signal,
start, stats, status, stop. \`procui ctl help COMMAND\` shows one command's form.

Exit status: 0 ok, 3 error reply, 1 cannot connect or timed out, 2 usage.`;

type CtlGlobal = {endpoint?: string; json: boolean; timeout?: number; rest: string[]};

function parseGlobal(argv: readonly string[]): CtlGlobal | string {
	const result: CtlGlobal = {json: false, rest: []};
	let index = 0;
	for (; index < argv.length; index++) {
		const arg = argv[index]!;
		const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
		if (name === '--json') {
			result.json = true;
		} else if (name === '--endpoint' || name === '--timeout') {
			const value = inline ?? argv[++index];
			if (value === undefined) {
				return `${name} needs a value`;
			}

			if (name === '--endpoint') {
				result.endpoint = value;
			} else {
				const seconds = Number(value);
				if (!Number.isFinite(seconds) || seconds <= 0) {
					return `--timeout expects a positive number of seconds, got ${JSON.stringify(value)}`;
				}

				result.timeout = seconds;
			}
		} else {
			break;
		}
	}

	result.rest = argv.slice(index);
	return result;
}

/** `procui ctl ...`: one request, its reply printed; returns the exit status. */
export async function runCtl(argv: readonly string[]): Promise<number> {
	const global = parseGlobal(argv);
	if (typeof global === 'string') {
		process.stderr.write(`procui ctl: ${global}\n${ctlUsage}\n`);
		return 2;
	}

	if (global.rest.length === 0 || global.rest[0] === 'help' && global.rest.length === 1) {
		process.stderr.write(`${ctlUsage}\n`);
		return 2;
	}

	const parsed = parseCtlArgs(global.rest);
	if ('error' in parsed) {
		process.stderr.write(`procui ctl: ${parsed.error}\n`);
		return 2;
	}

	const endpoint = global.endpoint ?? defaultEndpoint().url;
	const timeoutSeconds = global.timeout ?? (waitingCommands.has(parsed.command) ? defaultWaitingTimeoutSeconds : defaultTimeoutSeconds);
	let client: SocketClient | undefined;
	try {
		client = await SocketClient.connect(endpoint, {timeoutMs: Math.min(timeoutSeconds, defaultTimeoutSeconds) * 1000});
		const reply = await client.call(parsed.command, parsed.properties, {timeoutMs: timeoutSeconds * 1000});
		process.stdout.write(global.json ? `${replyJson(reply)}\n` : `${formatCtlReply(parsed.command, reply)}\n`);
		return ctlExitCode(reply);
	} catch (error) {
		if (error instanceof ControlConnectionError || error instanceof ControlTimeoutError) {
			// The message can quote the server (a refusal's reason): escaped like a reply.
			process.stderr.write(`procui ctl: ${escapeControl(error.message)}\n`);
			return 1;
		}

		process.stderr.write(`procui ctl: ${escapeControl(error instanceof Error ? error.message : String(error))}\n`);
		return 1;
	} finally {
		await client?.close();
	}
}
