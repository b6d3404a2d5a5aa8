/**
A command's flags in their plain forms, read without meow. meow's import alone costs about 30 ms
of CPU and 8 MiB of resident memory (its bundled parsers, and ICU's data, which its case
conversions load), which a daemon would carry for its whole life to read `--endpoint URL`.

Plain forms: `--name`, `--name VALUE`, `--name=VALUE`, `-x`, `-x VALUE`, each at most once unless
the flag is repeatable, and arguments that are not flags anywhere between them. Anything else
(`--help`, a negation, a repeat, an unknown flag, a missing value, a value that starts with `-`,
`--`) gives undefined: `parseCommand` (meow) parses it and says what is wrong. A test checks that
both read the plain forms alike.
*/
import {kebab, type CommandSpec, type FlagSpec, type FlagSpecs, type Parsed, type ParsedFlags} from './args.js';

type Known = {readonly name: string; readonly flag: FlagSpec};

function knownFlags(flags: FlagSpecs): Map<string, Known> {
	const known = new Map<string, Known>();
	for (const [name, flag] of Object.entries(flags)) {
		known.set(`--${kebab(name)}`, {name, flag});
		if (flag.shortFlag !== undefined) {
			known.set(`-${flag.shortFlag}`, {name, flag});
		}
	}

	return known;
}

export function readPlainFlags<Flags extends FlagSpecs>(spec: CommandSpec<Flags>, words: readonly string[]): Parsed<Flags> | undefined {
	const known = knownFlags(spec.flags);
	const flags: Record<string, unknown> = {};
	for (const [name, flag] of Object.entries(spec.flags)) {
		flags[name] = flag.isMultiple ? [] : flag.default;
	}

	const input: string[] = [];
	const seen = new Set<string>();
	for (let index = 0; index < words.length; index++) {
		const word = words[index]!;
		if (!word.startsWith('-') || word === '-') {
			input.push(word);
			continue;
		}

		const equals = word.startsWith('--') ? word.indexOf('=') : -1;
		const entry = known.get(equals === -1 ? word : word.slice(0, equals));
		if (entry === undefined || (seen.has(entry.name) && !entry.flag.isMultiple)) {
			return undefined;
		}

		seen.add(entry.name);
		if (entry.flag.type === 'boolean') {
			if (equals !== -1 || entry.flag.isMultiple) {
				return undefined;
			}

			flags[entry.name] = true;
			continue;
		}

		const value = equals === -1 ? words[++index] : word.slice(equals + 1);
		if (value === undefined || value === '' || value.startsWith('-')) {
			return undefined;
		}

		if (entry.flag.isMultiple) {
			(flags[entry.name] as string[]).push(value);
		} else {
			flags[entry.name] = value;
		}
	}

	return {input, flags: flags as ParsedFlags<Flags>};
}
