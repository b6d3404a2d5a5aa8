import {formatIssue, formatOrigin} from '../config/index.js';
import type {Config} from '../config/types.js';
import {logPathProblem} from '../io/log-path.js';
import {resolveUid} from '../io/users.js';
import {load, reportLoadError, resolveSource, type ConfigSource} from './load.js';

/** Stream files the daemon would refuse (a link or another user's file where others can write): one line each. */
function streamPathWarnings(config: Config, cwd: string): string[] {
	const warnings: string[] = [];
	for (const watcher of config.watchers) {
		let uid: number;
		try {
			uid = watcher.uid === undefined ? process.getuid?.() ?? 0 : resolveUid(watcher.uid);
		} catch {
			continue;
		}

		for (const [option, stream] of [['stdout_stream', watcher.stdoutStream], ['stderr_stream', watcher.stderrStream]] as const) {
			const problem = stream?.filename === undefined ? undefined : logPathProblem(stream.filename, uid);
			if (problem !== undefined) {
				warnings.push(`${formatOrigin(watcher.origin, cwd)}: warning: [watcher:${watcher.name}] ${option}.filename: ${problem}; the daemon will refuse to write it`);
			}
		}
	}

	return warnings;
}

/** `procui check CONFIG`: load and validate, start nothing; exit 0 when the daemon would start. */
export function runCheck(source: ConfigSource): number {
	const cwd = process.cwd();
	try {
		const config = load(resolveSource(source, cwd), cwd, {command: 'check'});
		const lines = [...config.warnings.map((warning) => formatIssue(warning, cwd)), ...streamPathWarnings(config, cwd)];
		for (const line of lines) {
			process.stderr.write(`${line}\n`);
		}

		const processes = config.watchers.reduce((sum, watcher) => sum + watcher.numprocesses, 0);
		const warnings = lines.length;
		process.stdout.write(`${config.file ?? 'command line'}: OK: ${config.watchers.length} watcher${config.watchers.length === 1 ? '' : 's'} (${processes} process${processes === 1 ? '' : 'es'}), ${config.sockets.length} socket${config.sockets.length === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}\n`);
		return 0;
	} catch (error) {
		reportLoadError(error, cwd);
		return 1;
	}
}
