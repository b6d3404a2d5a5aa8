/** A baseline's processes: started detached (own process group), registered for cleanup, killed by group. */
import childProcess from 'node:child_process';
import {killGroup, track, untrack, within} from './cleanup.js';

export type BaselineProcess = {
	readonly pid: number;
	/** Resolves when it exits, with what it wrote to stdout (when `captureStdout`). */
	readonly exited: Promise<{code: number | null; stdout: string}>;
	/** Whether it has exited. */
	readonly done: () => boolean;
	/** SIGKILL its process group and wait for its exit (bounded). */
	kill(): Promise<void>;
};

export function startBaseline(file: string, args: readonly string[], options: {captureStdout?: boolean} = {}): BaselineProcess {
	const child = childProcess.spawn(file, args, {
		detached: true,
		stdio: ['ignore', options.captureStdout ? 'pipe' : 'ignore', 'ignore'],
	});
	const pid = child.pid;
	if (pid === undefined) {
		throw new Error(`cannot start ${file}`);
	}

	track(pid);
	let stdout = '';
	child.stdout?.setEncoding('utf8');
	child.stdout?.on('data', (chunk: string) => {
		stdout += chunk;
	});
	let isDone = false;
	const exited = new Promise<{code: number | null; stdout: string}>(resolve => {
		child.once('close', code => {
			isDone = true;
			resolve({code, stdout});
		});
	});
	return {
		pid,
		exited,
		done: () => isDone,
		async kill() {
			// The group: a shell's background jobs share it.
			killGroup(pid);
			await within(exited, 5000);
			untrack(pid);
		},
	};
}
