/**
How every subcommand reads its flags. A subcommand is declared once, as data (`CommandSpec`): its
flags go to meow, its `--help` is printed from it in one layout (that of `procui --help`), and a
refused flag is answered with the list of those it accepts.

This module does not import meow: meow is loaded by `parseCommand`, when a command parses (its
import costs about 30 ms of CPU, as much as the rest of `procui ctl status`), so the overview and
`--version` do without it.
*/
import fs from 'node:fs';

/** One flag, as meow reads it and as help shows it. */
export type FlagSpec = {
	readonly type: 'string' | 'boolean';
	/** One letter: `-c` for `--command`. */
	readonly shortFlag?: string;
	/** May be given more than once; the values come as a list. */
	readonly isMultiple?: boolean;
	readonly default?: boolean;
	/** A string flag's value, as help names it: `URL`, `CMD`. */
	readonly value?: string;
	/** Help shows `--no-NAME` beside it (a boolean whose default depends on the context). */
	readonly negatable?: boolean;
	/** One line for help. */
	readonly description: string;
};

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** One subcommand's command line and help. */
export type CommandSpec<Flags extends FlagSpecs = FlagSpecs> = {
	/** As typed after `procui` (`ctl`); empty for `procui` itself. */
	readonly name: string;
	/** What it does, one line: help's title. */
	readonly summary: string;
	/** Its forms, each after `$ procui `. */
	readonly usage: readonly string[];
	/** Paragraphs after the usage, as written (indented by two spaces in the help). */
	readonly description?: string;
	/** Sections between the description and the options, such as ctl's commands. */
	readonly sections?: ReadonlyArray<{readonly title: string; readonly lines: readonly string[]}>;
	readonly flags: Flags;
	/** Each after `$ procui `. */
	readonly examples: readonly string[];
};

type Value<Flag extends FlagSpec> = Flag['type'] extends 'boolean' ? boolean : string;

/** The flags as parsed: a list for a repeatable flag, undefined for one not given that has no default. */
export type ParsedFlags<Flags extends FlagSpecs> = {
	-readonly [Name in keyof Flags]: Flags[Name] extends {isMultiple: true}
		? Array<Value<Flags[Name]>>
		: Flags[Name] extends {default: boolean} ? Value<Flags[Name]> : Value<Flags[Name]> | undefined
};

export type Parsed<Flags extends FlagSpecs> = {
	/** The arguments that are not flags. */
	readonly input: string[];
	readonly flags: ParsedFlags<Flags>;
};

/** Help was printed (0) or a usage error was (2): the command ends with this status. */
export type Exit = {readonly exit: 0 | 2};

const helpFlag: FlagSpec = {type: 'boolean', shortFlag: 'h', description: 'show this help'};

/** `logLevel` → `log-level`. */
export function kebab(name: string): string {
	return name.replaceAll(/[A-Z]/g, letter => `-${letter.toLowerCase()}`);
}

/** `procui ctl`, or `procui` for the bare command. */
export function commandLine(spec: CommandSpec): string {
	return spec.name === '' ? 'procui' : `procui ${spec.name}`;
}

function withHelp(flags: FlagSpecs): FlagSpecs {
	return {...flags, help: helpFlag};
}

/** How help and the accepted list write a flag: `-c, --command CMD`, `--color, --no-color`. */
function flagLabel(name: string, flag: FlagSpec, separator: string): string {
	const long = `--${kebab(name)}${flag.value === undefined ? '' : ` ${flag.value}`}`;
	const forms = [...(flag.shortFlag === undefined ? [] : [`-${flag.shortFlag}`]), long, ...(flag.negatable ? [`--no-${kebab(name)}`] : [])];
	return forms.join(separator);
}

/** The flags a command accepts, as one line: `--endpoint URL, --json, -h/--help`. */
export function acceptedFlags(spec: CommandSpec): string {
	return Object.entries(withHelp(spec.flags)).map(([name, flag]) => flagLabel(name, flag, '/')).join(', ');
}

/** The help of a command, in the layout of `procui --help`: title, Usage, description, sections, Options, Examples. */
export function formatHelp(spec: CommandSpec): string {
	const lines = ['', `  ${commandLine(spec)}: ${spec.summary}`, '', '  Usage', ...spec.usage.map(form => `    $ procui ${form}`)];
	if (spec.description !== undefined) {
		lines.push('', ...spec.description.split('\n').map(line => (line === '' ? '' : `  ${line}`)));
	}

	for (const section of spec.sections ?? []) {
		lines.push('', `  ${section.title}`, ...section.lines.map(line => `    ${line}`));
	}

	const rows = Object.entries(withHelp(spec.flags)).map(([name, flag]) => [flagLabel(name, flag, ', '), flag.description] as const);
	const width = Math.max(...rows.map(([label]) => label.length));
	lines.push('', '  Options', ...rows.map(([label, text]) => `    ${label.padEnd(width)}   ${text}`));
	if (spec.examples.length > 0) {
		lines.push('', '  Examples', ...spec.examples.map(example => `    $ procui ${example}`));
	}

	return `${lines.join('\n')}\n`;
}

/** Print a usage error, with what the command accepts; the command ends with status 2. */
export function usageError(spec: CommandSpec, message: string): Exit {
	process.stderr.write(`${commandLine(spec)}: ${message}\n`);
	return {exit: 2};
}

function camelCase(name: string): string {
	return name.replaceAll(/-([a-z\d])/g, (_match, letter: string) => letter.toUpperCase());
}

/** The argument words (before `--`) that brought in the given unknown flag names. */
function unknownWords(argv: readonly string[], unknown: ReadonlySet<string>): string[] {
	const words: string[] = [];
	for (const word of argv) {
		if (word === '--') {
			break;
		}

		if (word.startsWith('--')) {
			const name = word.slice(2).split('=')[0]!;
			const negated = name.startsWith('no-') ? [camelCase(name.slice(3))] : [];
			if ([name, camelCase(name), ...negated].some(key => unknown.has(key))) {
				words.push(word.split('=')[0]!);
			}
		} else if (/^-[a-z]/i.test(word)) {
			words.push(...[...word.slice(1).split('=')[0]!].filter(letter => unknown.has(letter)).map(letter => `-${letter}`));
		}
	}

	return [...new Set(words)];
}

/** This process's command line as it started, or undefined where there is no /proc. */
function startCommandLine(): string | undefined {
	try {
		return fs.readFileSync('/proc/self/cmdline', 'utf8').replace(/\0$/, '').replaceAll('\0', ' ');
	} catch {
		return undefined;
	}
}

/**
Import meow with `localeCompare` comparing by code point. meow loads normalize-package-data as it is
imported, and with it spdx-correct, which sorts its table of licence misspellings with
`localeCompare`: V8 then sets up an ICU collator, whose data stays resident for the life of the
process (2.3 MiB of a daemon's RSS, a tenth of what it holds beyond bare Node). Nothing procui
reads depends on that table's order. A command parses its flags before it starts anything, so
nothing else of procui's runs while the comparison is replaced.
*/
async function importMeow(): Promise<typeof import('meow')> {
	const {localeCompare} = String.prototype;
	Object.defineProperty(String.prototype, 'localeCompare', {
		value(this: string, that: unknown): number {
			const other = String(that);
			return this < other ? -1 : (this > other ? 1 : 0);
		},
		writable: true,
		configurable: true,
	});
	try {
		return await import('meow');
	} finally {
		Object.defineProperty(String.prototype, 'localeCompare', {value: localeCompare, writable: true, configurable: true});
	}
}

/**
Parse a command's arguments with meow: `--help` prints the command's help; an unknown flag, a
flag given twice that is not repeatable, or a value-taking flag without a value is a usage error
naming it. Either ends the command (`Exit`), with the message already printed.
*/
export async function parseCommand<Flags extends FlagSpecs>(spec: CommandSpec<Flags>, argv: readonly string[]): Promise<Parsed<Flags> | Exit> {
	const {default: meow} = await importMeow();
	const flags = withHelp(spec.flags);
	// meow's own check of unknown flags prints its message and exits; the flags meow does not know
	// are found here instead, from what it parsed, and answered with what the command accepts.
	const meowFlags = Object.fromEntries(Object.entries(flags).map(([name, {type, shortFlag, isMultiple, default: value}]) =>
		[name, {type, ...(shortFlag === undefined ? {} : {shortFlag}), ...(isMultiple ? {isMultiple} : {}), ...(value === undefined ? {} : {default: value})}]));
	let result: {input: string[]; flags: Record<string, unknown>; unnormalizedFlags: Record<string, unknown>};
	// meow names the process after its package (process.title), which on Linux overwrites
	// /proc/PID/cmdline: ps, pgrep -f and whoever finds procui by its command line would lose its
	// arguments. It is put back after: its words joined by spaces, the same length.
	const startedAs = startCommandLine();
	try {
		result = meow({
			importMeta: import.meta,
			// Given, so meow does not look for package.json; it names the process after the bin.
			pkg: {name: 'procui', bin: {procui: 'dist/cli.js'}},
			argv: [...argv],
			flags: meowFlags as Record<string, {type: 'string' | 'boolean'}>,
			allowUnknownFlags: true,
			autoHelp: false,
			autoVersion: false,
			booleanDefault: undefined,
			description: false,
		});
	} catch (error) {
		// meow throws for a flag given twice that is not repeatable: "The flag --endpoint can only be set once."
		const message = error instanceof Error ? error.message : String(error);
		const twice = /The flag (--\S+) can only be set once/.exec(message);
		return usageError(spec, twice === null ? message : `${twice[1]!} is given more than once; it takes one value`);
	}

	if (startedAs !== undefined) {
		process.title = startedAs;
	}

	const known = new Set(Object.entries(flags).flatMap(([name, flag]) => [name, kebab(name), ...(flag.shortFlag === undefined ? [] : [flag.shortFlag])]));
	const unknown = new Set(Object.keys(result.unnormalizedFlags).filter(key => !known.has(key)));
	if (unknown.size > 0) {
		const words = unknownWords(argv, unknown);
		const named = words.length > 0 ? words : [...unknown].map(key => (key.length === 1 ? `-${key}` : `--${kebab(key)}`));
		return usageError(spec, `unknown flag${named.length === 1 ? '' : 's'} ${named.join(' ')}\n${acceptedLine(spec)}`);
	}

	if (result.flags.help === true) {
		process.stdout.write(formatHelp(spec));
		return {exit: 0};
	}

	for (const [name, flag] of Object.entries(spec.flags)) {
		const value = result.flags[name];
		const values = Array.isArray(value) ? value as unknown[] : [value];
		if (flag.type === 'string' && values.some(one => one !== undefined && (typeof one !== 'string' || one === ''))) {
			return usageError(spec, `--${kebab(name)} needs a value${flag.value === undefined ? '' : ` (${flag.value})`}: \`--${kebab(name)} ${flag.value ?? 'VALUE'}\``);
		}
	}

	const parsed = Object.fromEntries(Object.keys(spec.flags).map(name => [name, result.flags[name]]));
	return {input: result.input, flags: parsed as ParsedFlags<Flags>};
}

function acceptedLine(spec: CommandSpec): string {
	return `${commandLine(spec)} accepts: ${acceptedFlags(spec)} (\`${commandLine(spec)} --help\` explains them)`;
}
