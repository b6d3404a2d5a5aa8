import fs from 'node:fs';
import path from 'node:path';
import {startTime} from '../io/state-file.js';
import {systemConstants} from '../io/system-constants.js';

/** Slack for comparing a process's start with the file's time: the start is counted in clock
ticks since boot, the file's time on the wall clock. */
const slackSeconds = 1;

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** Seconds since boot, from /proc/uptime; undefined without it. */
function uptimeSeconds(): number | undefined {
	try {
		const seconds = Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
		return Number.isFinite(seconds) ? seconds : undefined;
	} catch {
		return undefined;
	}
}

/**
Whether `pid` started after `file` was last written, so cannot be the process that wrote it: the
daemon that did is gone (killed, or the machine restarted) and the system gave its pid to another
program. Undefined when that cannot be told (no /proc).
*/
function startedAfter(pid: number, file: string): boolean | undefined {
	const start = startTime(pid);
	const uptime = uptimeSeconds();
	if (start === undefined || uptime === undefined) {
		return undefined;
	}

	const written = fs.statSync(file).mtimeMs;
	// Both as seconds since boot; a file written before this boot is negative.
	const writtenSinceBoot = (written - (Date.now() - uptime * 1000)) / 1000;
	return start / systemConstants().clockTicks > writtenSinceBoot + slackSeconds;
}

/**
Write our pid; refuse when the file names a process that is still alive and may have written it.
Returns what to log when the file named a live process that started after it was written (so
another program's now), or undefined.
*/
export function writePidfile(file: string): string | undefined {
	let note: string | undefined;
	try {
		const existing = Number(fs.readFileSync(file, 'utf8').trim());
		if (Number.isInteger(existing) && existing > 0 && existing !== process.pid && alive(existing)) {
			if (startedAfter(existing, file) !== true) {
				throw new Error(`pidfile ${file} names process ${existing}, which is running: is procui already running? Stop it, or remove the file`);
			}

			note = `pidfile ${file} named process ${existing}, which started after the file was written: not the daemon that wrote it (that one is gone and the system has given its pid to another program); the file is ours now`;
		}
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === undefined) {
			throw error;
		}

		if (code !== 'ENOENT') {
			throw new Error(`pidfile ${file}: cannot read it: ${reason(error)}`);
		}
	}

	// Written beside it as a new file (O_EXCL, which never follows a symbolic link), then renamed
	// over it: a link another user planted at the path (in /tmp, say) is replaced, never written
	// through, whoever runs the daemon. A name someone made first is tried again under another.
	for (let attempt = 1; ; attempt++) {
		const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}`);
		try {
			fs.writeFileSync(temporary, `${process.pid}\n`, {flag: 'wx', mode: 0o644});
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'EEXIST' && attempt < 5) {
				continue;
			}

			throw new Error(`pidfile ${file}: cannot write it: ${reason(error)}`);
		}

		try {
			fs.renameSync(temporary, file);
			break;
		} catch (error) {
			fs.rmSync(temporary, {force: true});
			throw new Error(`pidfile ${file}: cannot write it: ${reason(error)}`);
		}
	}

	return note;
}

const reasons: Readonly<Record<string, string>> = {
	ENOENT: 'its directory does not exist',
	EISDIR: 'it is a directory',
	EACCES: 'permission denied',
	EPERM: 'permission denied',
	ENOTDIR: 'a part of its path is not a directory',
	EROFS: 'the file system is read-only',
	ENOSPC: 'no space left on the device',
};

function reason(error: unknown): string {
	const code = (error as NodeJS.ErrnoException).code;
	return (code === undefined ? undefined : reasons[code]) ?? (error instanceof Error ? error.message : String(error));
}

/** Remove the pidfile if it is still ours. */
export function removePidfile(file: string): void {
	try {
		if (Number(fs.readFileSync(file, 'utf8').trim()) === process.pid) {
			fs.unlinkSync(file);
		}
	} catch {
		// Gone already.
	}
}
