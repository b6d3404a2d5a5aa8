import {SocketClient} from '../control/client.js';
import {defaultEndpoint} from '../control/endpoint.js';
import {ctlCommands, ctlExitCode, escapeControl, formatCtlReply, parseCtlArgs, replyJson} from '../control/ctl-format.js';
import {isCommandName, vocabulary} from '../core/vocabulary.js';
import {ControlConnectionError, ControlTimeoutError} from '../control/errors.js';

const defaultTimeoutSeconds = 5;
const defaultWaitingTimeoutSeconds = 300;

const ctlUsage = `Usage: procui ctl [--endpoint URL] [--json] [--timeout S] COMMAND [ARGS]

${wrap(`Commands (circusctl's): ${Object.keys(ctlCommands).sort().join(', ')}.`, 96)}
\`procui ctl help COMMAND\` shows one command's form.

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

	if (global.rest[0] === 'help') {
		const name = global.rest[1]!;
		const form = Object.hasOwn(ctlCommands, name) ? ctlCommands[name] : undefined;
		if (form === undefined || !isCommandName(name)) {
			process.stderr.write(`procui ctl: unknown command \`${escapeControl(name)}\`; the commands are: ${Object.keys(ctlCommands).sort().join(', ')}\n`);
			return 2;
		}

		const spec = vocabulary[name];
		const waits = spec.waits === 'effect' ? 'waits for its effect (--no-waiting: replies once accepted)' : spec.waits === 'command' ? 'replies once it ran' : 'replies at once';
		process.stdout.write(`Usage: procui ctl ${form.usage}\n\n${form.description}.\nIt ${waits}; its reply: ${spec.reply}.\n`);
		return 0;
	}

	const parsed = parseCtlArgs(global.rest);
	if ('error' in parsed) {
		process.stderr.write(`procui ctl: ${parsed.error}\n`);
		return 2;
	}

	const endpoint = global.endpoint ?? defaultEndpoint().url;
	const timeoutSeconds = global.timeout ?? (isCommandName(parsed.command) && vocabulary[parsed.command].waits !== 'read' ? defaultWaitingTimeoutSeconds : defaultTimeoutSeconds);
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

/** `text` broken after commas so no line is longer than `width`. */
function wrap(text: string, width: number): string {
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(' ')) {
		if (line !== '' && line.length + 1 + word.length > width) {
			lines.push(line);
			line = word;
		} else {
			line = line === '' ? word : `${line} ${word}`;
		}
	}

	return [...lines, line].join('\n');
}
