import childProcess from 'node:child_process';
import os from 'node:os';
import {trackChild} from './adopted.js';
import {execHelperPath, signalGroup} from './spawn.js';

/** How a hook command ended. */
type HookResult = {
	/** Exit 0 within the timeout. */
	readonly ok: boolean;
	/** Why it failed: exit status, signal, timeout or a spawn error, with its last line of output. */
	readonly reason?: string;
};

/** Output kept per hook run, for the reason of a failure. */
const keptOutputBytes = 4096;

/**
Run one hook: `/bin/sh -c COMMAND` in its own session and process group (procui-exec), asynchronously, so a slow hook never
holds the supervisor. Past `timeoutMs` the group is killed and the hook has failed. Never
rejects.
*/
export async function runHook(command: string, options: {readonly env: Readonly<Record<string, string>>; readonly cwd: string; readonly timeoutMs: number}): Promise<HookResult> {
	return new Promise((resolve) => {
		let output = '';
		let timedOut = false;
		let child: childProcess.ChildProcess;
		try {
			// Through procui-exec, which closes every other descriptor: the PTY fds of the watchers'
			// processes are inheritable, and a hook holding one would keep that output open.
			child = childProcess.spawn(execHelperPath(), ['--keep', '3', '--', '/bin/sh', 'sh', '-c', command], {cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe']});
			// Node reaps it: the subreaper must not take its exit status.
			trackChild(child);
		} catch (error) {
			resolve({ok: false, reason: error instanceof Error ? error.message : String(error)});
			return;
		}

		const keep = (chunk: Buffer) => {
			output = (output + chunk.toString('utf8')).slice(-keptOutputBytes);
		};

		child.stdout!.on('data', keep);
		child.stderr!.on('data', keep);
		// Once 'exit' has come the hook is reaped, and its group is signalled only while it is
		// still the hook's (a descendant may hold its output open past it).
		let exited = false;
		child.once('exit', () => {
			exited = true;
		});
		const timer = setTimeout(() => {
			timedOut = true;
			signalGroup(child.pid!, os.constants.signals.SIGKILL, exited);
		}, options.timeoutMs);
		child.once('error', (error) => {
			clearTimeout(timer);
			resolve({ok: false, reason: error.message});
		});
		child.once('close', (code, signal) => {
			clearTimeout(timer);
			const last = output.trimEnd().split('\n').at(-1)?.trim();
			const tail = last ? `: ${last}` : '';
			if (timedOut) {
				resolve({ok: false, reason: `timed out after ${options.timeoutMs / 1000} s${tail}`});
			} else if (code === 0) {
				resolve({ok: true});
			} else {
				resolve({ok: false, reason: `${signal ? `killed by ${signal}` : `exit ${code}`}${tail}`});
			}
		});
	});
}
