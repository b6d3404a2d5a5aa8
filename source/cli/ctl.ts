/**
`procui ctl`: circusctl's commands against a running supervisor. The build bundles this module and
everything it imports, meow included, into this one file (scripts/bundle.js): a command run once
per request loads one module of its own instead of some twenty, and answers sooner.
*/
import {SocketClient} from '../control/client.js';
import {defaultEndpoint} from '../control/endpoint.js';
import {ctlCommands, ctlExitCode, escapeControl, formatCtlReply, parseCtlArgs, replyJson} from '../control/ctl-format.js';
import {ControlConnectionError, ControlTimeoutError} from '../control/errors.js';
import {isErrorReply} from '../control/protocol.js';
import {isCommandName, vocabulary} from '../core/vocabulary.js';
import {formatHelp, kebab, parseCommand, usageError, type ParsedFlags} from './args.js';
import {ctlSpec} from './command-specs.js';
import {screenText} from './screen-text.js';

const defaultTimeoutSeconds = 5;
const defaultWaitingTimeoutSeconds = 300;

type CtlFlags = ParsedFlags<typeof ctlSpec.flags>;

/** ctl's own flags as typed (`--endpoint`), with their names and how help writes a value (` URL`). */
const ownFlags = new Map(Object.entries(ctlSpec.flags).map(([name, flag]) =>
	[`--${kebab(name)}`, {name: name as keyof CtlFlags, takesValue: flag.type === 'string', value: 'value' in flag ? ` ${flag.value}` : ''}]));

/** `[FLAGS] COMMAND [ARGS]`: ctl's own flags end at the first word that is neither a flag nor a flag's value, or at `--`. */
function splitAtCommand(argv: readonly string[]): {flags: string[]; rest: string[]} {
	for (let index = 0; index < argv.length; index++) {
		const word = argv[index]!;
		if (word === '--') {
			return {flags: argv.slice(0, index), rest: argv.slice(index + 1)};
		}

		if (!word.startsWith('-') || word === '-') {
			return {flags: argv.slice(0, index), rest: argv.slice(index)};
		}

		if (ownFlags.get(word)?.takesValue) {
			index++;
		}
	}

	return {flags: [...argv], rest: []};
}

/** `procui ctl help [COMMAND]`: ctl's help, or one command's form. */
function printHelp(topic: string | undefined): number {
	if (topic === undefined) {
		process.stdout.write(formatHelp(ctlSpec));
		return 0;
	}

	const command = Object.hasOwn(ctlCommands, topic) ? ctlCommands[topic] : undefined;
	if (command === undefined) {
		process.stderr.write(`procui ctl help: unknown command \`${escapeControl(topic)}\`; the commands are: ${Object.keys(ctlCommands).join(', ')}\n`);
		return 2;
	}

	const spec = isCommandName(topic) ? vocabulary[topic] : undefined;
	const waits = spec?.waits === 'effect' ? 'It waits for its effect (--no-waiting: replies once accepted)' : spec?.waits === 'command' ? 'It replies once it ran' : 'It replies at once';
	process.stdout.write(`usage: procui ctl ${command.usage}\n  ${command.description}.\n  ${waits}; its reply: ${spec?.reply ?? 'see the README'}.\n  (every command also takes --waiting / --no-waiting)\n`);
	return 0;
}

/** `procui ctl ...`: one request, its reply printed; returns the exit status. */
export async function runCtl(argv: readonly string[]): Promise<number> {
	const {flags: words, rest} = splitAtCommand(argv);
	const parsedFlags = await parseCommand(ctlSpec, words);
	if ('exit' in parsedFlags) {
		return parsedFlags.exit;
	}

	const {flags} = parsedFlags;

	let timeout: number | undefined;
	if (flags.timeout !== undefined) {
		timeout = Number(flags.timeout);
		if (!Number.isFinite(timeout) || timeout <= 0) {
			return usageError(ctlSpec, `--timeout expects a positive number of seconds, got ${JSON.stringify(flags.timeout)}`).exit;
		}
	}

	if (rest.length === 0) {
		process.stderr.write(`procui ctl: no command given\n${formatHelp(ctlSpec)}`);
		return 2;
	}

	if (rest[0] === 'help' && rest.length <= 2) {
		return printHelp(rest[1]);
	}

	const parsed = parseCtlArgs(rest);
	if ('error' in parsed) {
		// One of ctl's own flags after the command: say where it goes.
		const misplaced = /unknown option `(--[^`=]+)`/.exec(parsed.error)?.[1];
		const hint = misplaced !== undefined && ownFlags.has(misplaced)
			? `\n${misplaced} is ctl's own flag: it goes before the command, as in \`procui ctl ${misplaced}${ownFlags.get(misplaced)!.value} ${rest[0]!} ...\``
			: '';
		process.stderr.write(`procui ctl: ${parsed.error}${hint}\n`);
		return 2;
	}

	const endpoint = flags.endpoint ?? defaultEndpoint().url;
	const timeoutSeconds = timeout ?? (isCommandName(parsed.command) && vocabulary[parsed.command].waits !== 'read' ? defaultWaitingTimeoutSeconds : defaultTimeoutSeconds);
	let client: SocketClient | undefined;
	try {
		client = await SocketClient.connect(endpoint, {timeoutMs: Math.min(timeoutSeconds, defaultTimeoutSeconds) * 1000});
		const reply = await client.call(parsed.command, parsed.properties, {timeoutMs: timeoutSeconds * 1000});
		const text = flags.json
			? replyJson(reply)
			: parsed.command === 'screen' && !isErrorReply(reply) ? escapeControl(await screenText(reply)) : formatCtlReply(parsed.command, reply);
		process.stdout.write(`${text}\n`);
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
