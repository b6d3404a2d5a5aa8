/**
`procui ctl COMMAND ...`: circusctl's command forms turned into a request.

`argv` is what follows `ctl` and its global flags (`--endpoint`, `--timeout`, `--json`, which the
CLI reads). Options may appear anywhere among the arguments, as `--name value` or
`--name=value`; `--` ends them. For `add`, everything after the watcher's name is its command,
options included. Commands wait for their effect by default (`waiting: true`, unlike
circusctl); `--no-waiting` asks for the reply as soon as the command is accepted.
*/
import {ctlCommands, UsageError, type CtlCommand} from '../core/vocabulary.js';
import type {Properties} from './protocol.js';

export {ctlCommands, type CtlCommand} from '../core/vocabulary.js';

export type CtlRequest = {
	readonly command: string;
	readonly properties: Properties;
};

export type CtlArgsResult = CtlRequest | {readonly error: string};

/** Turn `procui ctl` arguments into a request, or say what is wrong with them. */
export function parseCtlArgs(argv: readonly string[]): CtlArgsResult {
	const [command, ...rest] = argv;
	if (command === undefined || command === '') {
		return {error: `no command given; the commands are: ${Object.keys(ctlCommands).join(', ')}`};
	}

	const spec = Object.hasOwn(ctlCommands, command) ? ctlCommands[command] : undefined;
	if (spec === undefined) {
		return {error: `unknown command \`${command}\`; the commands are: ${Object.keys(ctlCommands).join(', ')}`};
	}

	const usage = `usage: procui ctl ${spec.usage}`;
	const parsed = splitOptions(rest, spec);
	if (typeof parsed === 'string') {
		return {error: `${parsed} for \`${command}\`; ${usage}`};
	}

	const {positionals, options} = parsed;
	const [least, most] = spec.arity;
	if (positionals.length < least || positionals.length > most) {
		const expected = least === most ? `${least}` : most === Number.POSITIVE_INFINITY ? `at least ${least}` : `${least} to ${most}`;
		return {error: `\`${command}\` takes ${expected} argument${expected === '1' ? '' : 's'}, got ${positionals.length}; ${usage}`};
	}

	let properties: Properties;
	try {
		properties = spec.build(positionals, options);
	} catch (error) {
		if (error instanceof UsageError) {
			return {error: `${error.message}; ${usage}`};
		}

		throw error;
	}

	return {command, properties: {...properties, waiting: !options.has('no-waiting')}};
}

function splitOptions(argv: readonly string[], spec: CtlCommand): {positionals: string[]; options: Map<string, string | true>} | string {
	const known: Readonly<Record<string, 'flag' | 'value'>> = {...spec.options, waiting: 'flag', 'no-waiting': 'flag'};
	const positionals: string[] = [];
	const options = new Map<string, string | true>();
	let optionsEnded = false;
	for (let index = 0; index < argv.length; index++) {
		const argument = argv[index]!;
		if (spec.commandStartsAt !== undefined && positionals.length > spec.commandStartsAt) {
			optionsEnded = true;
		}

		if (optionsEnded || !argument.startsWith('--')) {
			positionals.push(argument);
			continue;
		}

		if (argument === '--') {
			optionsEnded = true;
			continue;
		}

		const equals = argument.indexOf('=');
		const name = argument.slice(2, equals === -1 ? undefined : equals);
		const kind = Object.hasOwn(known, name) ? known[name] : undefined;
		if (kind === undefined) {
			return `unknown option \`--${name}\``;
		}

		if (kind === 'flag') {
			if (equals !== -1) {
				return `option \`--${name}\` takes no value`;
			}

			options.set(name, true);
		} else if (equals === -1) {
			const value = argv[index + 1];
			if (value === undefined) {
				return `option \`--${name}\` needs a value`;
			}

			options.set(name, value);
			index++;
		} else {
			options.set(name, argument.slice(equals + 1));
		}
	}

	if (options.has('waiting') && options.has('no-waiting')) {
		return '`--waiting` and `--no-waiting` contradict each other';
	}

	return {positionals, options};
}

