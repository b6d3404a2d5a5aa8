/**
What shell completion knows about procui, taken from where the CLI defines it: the ctl commands
from the control layer's vocabulary, every subcommand's flags from its spec (the flags meow
reads). The scripts are generated from this, so a new command or flag completes without
touching them.
*/
import {ctlCommands} from '../control/ctl-args.js';
import type {FlagSpecs} from './args.js';
import {kebab} from './args.js';
import {attachSpec, checkSpec, ctlSpec, daemonSpec, exportFormats, exportSpec, logsSpec, shells} from './command-specs.js';

/** One ctl command as completion needs it. */
type CtlCompletion = {
	readonly name: string;
	readonly description: string;
	/** Its long options, `--waiting`/`--no-waiting` included. */
	readonly options: readonly string[];
	/** The options among them that take a value. */
	readonly valueOptions: readonly string[];
	/** Its first argument is an existing watcher's name. */
	readonly takesWatcher: boolean;
};

export type CompletionModel = {
	readonly subcommands: ReadonlyArray<readonly [name: string, description: string]>;
	readonly daemonFlags: readonly string[];
	readonly checkFlags: readonly string[];
	readonly attachFlags: readonly string[];
	readonly exportFormats: readonly string[];
	readonly exportFlags: readonly string[];
	readonly ctl: readonly CtlCompletion[];
	/** `procui ctl`'s own flags, before the command. */
	readonly ctlGlobalFlags: readonly string[];
	/** `procui logs` flags. */
	readonly logsFlags: readonly string[];
	readonly logLevels: readonly string[];
	readonly shells: readonly string[];
};

export {shells} from './command-specs.js';

/** `logLevel` → `--log-level`; a short flag and a negation too when there are; `--help` last. */
function meowFlags(flags: FlagSpecs): string[] {
	return [...Object.entries(flags).flatMap(([name, flag]) => [
		`--${kebab(name)}`,
		...(flag.negatable ? [`--no-${kebab(name)}`] : []),
		...(flag.shortFlag === undefined ? [] : [`-${flag.shortFlag}`]),
	]), '--help'];
}

export function completionModel(): CompletionModel {
	return {
		subcommands: [
			['attach', 'the full-screen UI on a running daemon'],
			['daemon', 'run the supervisor headless'],
			['check', 'validate a configuration, start nothing'],
			['ctl', 'control a running supervisor'],
			['logs', 'output of a running supervisor'],
			['export', 'the configuration as systemd units or a Procfile'],
			['completion', 'print a shell completion script'],
			['proxy', 'bridge stdin/stdout to the control socket (the remote half of ssh://)'],
			['help', 'usage'],
		],
		daemonFlags: meowFlags(daemonSpec.flags),
		checkFlags: meowFlags(checkSpec.flags),
		attachFlags: meowFlags(attachSpec.flags),
		exportFormats,
		exportFlags: meowFlags(exportSpec.flags),
		ctl: Object.entries(ctlCommands).map(([name, command]) => {
			const options = Object.entries(command.options ?? {});
			const positionals = command.usage.split(' ').slice(1).filter(word => !word.startsWith('[--') && !word.startsWith('--'));
			return {
				name,
				description: command.description,
				options: [...options.map(([option]) => `--${option}`), '--waiting', '--no-waiting'],
				valueOptions: options.filter(([, kind]) => kind === 'value').map(([option]) => `--${option}`),
				takesWatcher: name !== 'add' && /^[[<]?name[\]>]?$/.test(positionals[0] ?? ''),
			};
		}),
		ctlGlobalFlags: meowFlags(ctlSpec.flags),
		logsFlags: meowFlags(logsSpec.flags),
		logLevels: ['debug', 'info', 'warning', 'error'],
		shells,
	};
}
