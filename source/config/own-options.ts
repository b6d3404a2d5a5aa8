import type {IssueList} from './issues.js';
import type {SectionReader} from './section-reader.js';
import {substituteCircus} from './substitute.js';
import type {WatcherConfig} from './types.js';

/**
`$(circus.<option>)` in `cmd` and `args`: another option of the same watcher, as Circus's
`Process.format_args` offers it (watcher attributes, then free-form options). Typed options give
their value as Circus would print it (`True`, `5`); free-form ones their text. `wid` and
`sockets.*` are left for the spawn; anything unknown is left as written, with a warning.
*/
export function substituteOwnOptions(
	text: string,
	key: 'cmd' | 'args',
	watcher: WatcherConfig,
	raw: Readonly<Record<string, string>>,
	reader: SectionReader,
	issues: IssueList,
): string {
	const values = ownValues(watcher, raw);
	return substituteCircus(text, (reference, written) => {
		if (reference === 'wid' || reference.startsWith('sockets.') || reference.startsWith('env.')) {
			return undefined;
		}

		const value = values.get(reference);
		if (value === undefined) {
			issues.warn(reader.originOf(key), `${key}: $(circus.${written}) names no option of this watcher; left as written`);
		}

		return value;
	});
}

function ownValues(watcher: WatcherConfig, raw: Readonly<Record<string, string>>): Map<string, string> {
	const python = (value: boolean): string => (value ? 'True' : 'False');
	const typed: Record<string, string | undefined> = {
		name: watcher.name,
		cmd: watcher.cmd,
		args: watcher.args,
		executable: watcher.executable,
		shell: python(watcher.shell),
		shell_args: watcher.shellArgs,
		working_dir: watcher.workingDir,
		uid: watcher.uid,
		gid: watcher.gid,
		copy_env: python(watcher.copyEnv),
		copy_path: python(watcher.copyPath),
		numprocesses: String(watcher.numprocesses),
		warmup_delay: String(watcher.warmupDelay),
		autostart: python(watcher.autostart),
		respawn: python(watcher.respawn),
		singleton: python(watcher.singleton),
		priority: String(watcher.priority),
		stop_signal: String(watcher.stopSignal),
		stop_children: python(watcher.stopChildren),
		graceful_timeout: String(watcher.gracefulTimeout),
		max_retry: String(watcher.maxRetry),
		max_age: String(watcher.maxAge),
		max_age_variance: String(watcher.maxAgeVariance),
		send_hup: python(watcher.sendHup),
		use_sockets: python(watcher.useSockets),
		on_demand: python(watcher.onDemand),
		close_child_stdin: python(watcher.closeChildStdin),
		close_child_stdout: python(watcher.closeChildStdout),
		close_child_stderr: python(watcher.closeChildStderr),
	};
	const values = new Map<string, string>(Object.entries(raw));
	for (const [key, value] of Object.entries(typed)) {
		if (value !== undefined) {
			values.set(key, value);
		}
	}

	return values;
}
