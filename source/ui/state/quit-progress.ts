import type {WatcherRow} from '../../control/rows.js';
import type {QuitState} from './ui-state.js';

/** What quitting is waiting for: "Stopping: waiting for web (3 s left), worker (killing)". */
export function quitProgress(quit: QuitState, watchers: readonly WatcherRow[], now: number): string {
	if (quit.phase === 'detaching') {
		return 'Detaching; the supervisor keeps running';
	}

	const waiting = watchers.filter((watcher) => watcher.processes.some((process) => process.state !== 'exited'));
	if (quit.phase === 'forcing') {
		return waiting.length === 0 ? 'Killed; leaving' : `Killing ${waiting.map((watcher) => watcher.name).join(', ')} (SIGKILL)`;
	}

	if (waiting.length === 0) {
		return 'Stopping: every process has exited; leaving';
	}

	const elapsed = (now - quit.startedAt) / 1000;
	const parts = waiting.map((watcher) => {
		const timeout = quit.timeouts[watcher.name];
		if (timeout === undefined) {
			return watcher.name;
		}

		const left = Math.ceil(timeout - elapsed);
		return left > 0 ? `${watcher.name} (${left} s left)` : `${watcher.name} (killing)`;
	});
	return `Stopping: waiting for ${parts.join(', ')} · Ctrl-C again to force`;
}
