import type {CompletionModel} from './completion-model.js';

/** A fish single-quoted string. */
function quote(text: string): string {
	return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/**
The fish completion script. Watcher names come from the running daemon through
`procui ctl list`, with a 1 s timeout and stderr discarded.
*/
export function fishScript(model: CompletionModel): string {
	const ctlNames = model.ctl.map(command => command.name).join(' ');
	const watcherCommands = model.ctl.filter(command => command.takesWatcher).map(command => command.name).join(' ');
	const lines = [
		'# fish completion for procui. Load it with:  procui completion fish | source',
		'# or save it:  procui completion fish > ~/.config/fish/completions/procui.fish',
		'',
		'function __procui_watchers',
		'    set -l words (commandline -opc)',
		'    set -l endpoint',
		'    set -l at (contains -i -- --endpoint $words)',
		'    and set endpoint --endpoint $words[(math $at + 1)]',
		'    $words[1] ctl $endpoint --timeout 1 list 2>/dev/null | string split ,',
		'end',
		'',
		'# The ctl command on the line, if any (skipping ctl\'s own flags).',
		'function __procui_ctl_command',
		'    set -l words (commandline -opc)',
		'    set -e words[1..2]',
		'    while set -q words[1]',
		'        switch $words[1]',
		'            case --endpoint --timeout',
		'                set -e words[1..2]',
		'            case \'-*\'',
		'                set -e words[1]',
		'            case \'*\'',
		'                echo $words[1]',
		'                return 0',
		'        end',
		'    end',
		'    return 1',
		'end',
		'',
		'# True when the ctl command takes a watcher and none is given yet.',
		'function __procui_ctl_wants_watcher',
		'    set -l command (__procui_ctl_command); or return 1',
		`    contains -- $command ${watcherCommands}; or return 1`,
		'    set -l words (commandline -opc)',
		'    set -l at (contains -i -- $command $words)',
		'    for word in $words[(math $at + 1)..-1]',
		'        string match -q -- \'-*\' $word; or return 1',
		'    end',
		'    return 0',
		'end',
		'',
		'function __procui_ctl_is',
		'    set -l command (__procui_ctl_command); and test "$command" = $argv[1]',
		'end',
		'',
		'complete -c procui -f',
		'complete -c procui -n __fish_use_subcommand -F',
		'complete -c procui -n __fish_use_subcommand -l help -l version',
		...model.subcommands.map(([name, description]) => `complete -c procui -n __fish_use_subcommand -a ${name} -d ${quote(description)}`),
		'',
		...([['daemon', model.daemonFlags], ['check', model.checkFlags], ['attach', model.attachFlags]] as const).flatMap(([subcommand, flags]) => flags.filter(flag => flag.startsWith('--')).map(flag => {
			const takesFile = flag === '--pidfile' || flag === '--log-output';
			const takesLevel = flag === '--log-level';
			const value = takesFile ? ' -rF' : takesLevel ? ` -xa ${quote(model.logLevels.join(' '))}` : ['--endpoint', '--command', '--metrics'].includes(flag) ? ' -x' : '';
			return `complete -c procui -n '__fish_seen_subcommand_from ${subcommand}' -l ${flag.slice(2)}${value}`;
		})),
		'complete -c procui -n \'__fish_seen_subcommand_from daemon check\' -F',
		'',
		'complete -c procui -n \'__fish_seen_subcommand_from logs\' -a \'(__procui_watchers)\'',
		...model.logsFlags.filter(flag => flag.startsWith('--')).map(flag =>
			`complete -c procui -n '__fish_seen_subcommand_from logs' -l ${flag.slice(2)}${['--endpoint', '--lines'].includes(flag) ? ' -x' : ''}`),
		'',
		`complete -c procui -n '__fish_seen_subcommand_from export; and not __fish_seen_subcommand_from ${model.exportFormats.join(' ')}' -a ${quote(model.exportFormats.join(' '))}`,
		'complete -c procui -n \'__fish_seen_subcommand_from export\' -l out -xa \'(__fish_complete_directories)\'',
		'complete -c procui -n \'__fish_seen_subcommand_from export\' -l user',
		`complete -c procui -n '__fish_seen_subcommand_from ${model.exportFormats.join(' ')}' -F`,
		`complete -c procui -n '__fish_seen_subcommand_from completion' -a ${quote(model.shells.join(' '))}`,
		'',
		...model.ctlGlobalFlags.filter(flag => flag.startsWith('--')).map(flag =>
			`complete -c procui -n '__fish_seen_subcommand_from ctl; and not __procui_ctl_command' -l ${flag.slice(2)}${['--endpoint', '--timeout'].includes(flag) ? ' -x' : ''}`),
		...model.ctl.map(command => `complete -c procui -n '__fish_seen_subcommand_from ctl; and not __procui_ctl_command' -a ${command.name} -d ${quote(command.description)}`),
		`complete -c procui -n '__procui_ctl_is help' -a ${quote(ctlNames)}`,
		'complete -c procui -n __procui_ctl_wants_watcher -a \'(__procui_watchers)\'',
		...model.ctl.flatMap(command => command.options.map(option => {
			const name = option.slice(2);
			const value = name === 'match' ? " -xa 'simple glob regex'" : command.valueOptions.includes(option) ? ' -x' : '';
			return `complete -c procui -n '__procui_ctl_is ${command.name}' -l ${name}${value}`;
		})),
	];
	return `${lines.join('\n')}\n`;
}
