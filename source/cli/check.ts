import {formatIssue} from '../config/index.js';
import {load, reportLoadError, resolveSource, type ConfigSource} from './load.js';

/** `procui check CONFIG`: load and validate, start nothing; exit 0 when the daemon would start. */
export function runCheck(source: ConfigSource): number {
	const cwd = process.cwd();
	try {
		const config = load(resolveSource(source, cwd), cwd);
		for (const warning of config.warnings) {
			process.stderr.write(`${formatIssue(warning, cwd)}\n`);
		}

		const processes = config.watchers.reduce((sum, watcher) => sum + watcher.numprocesses, 0);
		const warnings = config.warnings.length;
		process.stdout.write(`${config.file ?? 'command line'}: OK: ${config.watchers.length} watcher${config.watchers.length === 1 ? '' : 's'} (${processes} process${processes === 1 ? '' : 'es'}), ${config.sockets.length} socket${config.sockets.length === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}\n`);
		return 0;
	} catch (error) {
		reportLoadError(error, cwd);
		return 1;
	}
}
