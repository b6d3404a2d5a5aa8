import {parseCommand, usageError} from './args.js';
import {bashScript, zshScript} from './completion-bash.js';
import {fishScript} from './completion-fish.js';
import {completionModel} from './completion-model.js';
import {completionSpec, shells} from './command-specs.js';

/** `procui completion SHELL`; returns the exit status. */
export async function runCompletion(argv: readonly string[]): Promise<number> {
	const parsed = await parseCommand(completionSpec, argv);
	if ('exit' in parsed) {
		return parsed.exit;
	}

	const [shell, ...extra] = parsed.input;
	if (shell === undefined || extra.length > 0 || !(shells as readonly string[]).includes(shell)) {
		return usageError(completionSpec, `expected one of ${shells.join(', ')}, got ${JSON.stringify(parsed.input.join(' '))}\nusage: procui ${completionSpec.usage[0]}`).exit;
	}

	const model = completionModel();
	process.stdout.write(shell === 'bash' ? bashScript(model) : shell === 'zsh' ? zshScript(model) : fishScript(model));
	return 0;
}
