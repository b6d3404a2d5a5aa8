/**
What shell completion knows about procui, taken from where the CLI defines it: the ctl commands
from the control layer's vocabulary, the daemon's and export's flags from their meow
definitions. The scripts are generated from this, so a new command or flag completes without
touching them.
*/
import {ctlCommands} from '../control/ctl-args.js';
import {daemonFlags} from './daemon-flags.js';
import {exportFlags, exportFormats} from './export.js';

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
	readonly exportFormats: readonly string[];
	readonly exportFlags: readonly string[];
	readonly ctl: readonly CtlCompletion[];
	/** `procui ctl`'s own flags, before the command (read by source/cli/ctl.ts). */
	readonly ctlGlobalFlags: readonly string[];
	/** `procui logs` flags (read by source/cli/logs.ts). */
	readonly logsFlags: readonly string[];
	readonly logLevels: readonly string[];
	readonly shells: readonly string[];
};

export const shells = ['bash', 'zsh', 'fish'] as const;

/** `logLevel` → `--log-level`; a short flag too when there is one. */
function meowFlags(flags: Readonly<Record<string, {readonly type: string; readonly shortFlag?: string}>>): string[] {
	return Object.entries(flags).flatMap(([name, flag]) => [
		`--${name.replaceAll(/[A-Z]/g, letter => `-${letter.toLowerCase()}`)}`,
		...(flag.shortFlag === undefined ? [] : [`-${flag.shortFlag}`]),
	]);
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
		daemonFlags: meowFlags(daemonFlags),
		exportFormats,
		exportFlags: meowFlags(exportFlags),
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
		ctlGlobalFlags: ['--endpoint', '--json', '--timeout'],
		logsFlags: ['--endpoint', '-n', '--lines', '-f', '--follow', '--json', '--no-color', '--color'],
		logLevels: ['debug', 'info', 'warning', 'error'],
		shells,
	};
}
