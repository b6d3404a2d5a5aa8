import {bashScript, zshScript} from './completion-bash.js';
import {fishScript} from './completion-fish.js';
import {completionModel, shells} from './completion-model.js';

const completionUsage = `Usage: procui completion bash|zsh|fish

  Prints a completion script: subcommands, their flags, ctl commands, and the watcher names of
  the running daemon (asked with \`procui ctl list\`, 1 s at most). Load it:
    bash   source <(procui completion bash)
    zsh    source <(procui completion zsh)
    fish   procui completion fish | source`;

/** `procui completion SHELL`; returns the exit status. */
export function runCompletion(argv: readonly string[]): number {
	const [shell, ...extra] = argv;
	if (shell === '--help' || shell === '-h') {
		process.stdout.write(`${completionUsage}\n`);
		return 0;
	}

	if (shell === undefined || extra.length > 0 || !(shells as readonly string[]).includes(shell)) {
		process.stderr.write(`procui completion: expected one of ${shells.join(', ')}, got ${JSON.stringify(argv.join(' '))}\n${completionUsage}\n`);
		return 2;
	}

	const model = completionModel();
	process.stdout.write(shell === 'bash' ? bashScript(model) : shell === 'zsh' ? zshScript(model) : fishScript(model));
	return 0;
}
