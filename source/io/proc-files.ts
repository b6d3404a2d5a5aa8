import {Buffer} from 'node:buffer';
import fs from 'node:fs';

/**
Readers and parsers for the few /proc files that process statistics need. Every reader
returns `undefined` when the file cannot be read: a process can vanish between listing
/proc and reading its files, and that is not an error.
*/

/** The fields of /proc/PID/stat that statistics use. */
export type ProcStat = {
	readonly pid: number;
	/** The command name (`comm`, at most 15 bytes). */
	readonly name: string;
	/** `R` running, `S` sleeping, `D` disk wait, `Z` zombie, `T` stopped, ... */
	readonly state: string;
	readonly ppid: number;
	/** User plus system CPU time, in clock ticks. */
	readonly cpuTicks: number;
	readonly nice: number;
	readonly threads: number;
	/** Start time after boot, in clock ticks. */
	readonly startTicks: number;
};

let buffer = Buffer.allocUnsafe(16 * 1024);

/**
A whole /proc file as text: open, read, close (no fstat, as `readFileSync` does).
With `shortReadIsEnd`, a read that does not fill the buffer is taken as the end of the
file, saving a syscall; that holds for seq_file files generated in one go (`stat`,
`statm`, `status`, `meminfo`), not for `cmdline`, which is read a page at a time.
*/
export function readProcFile(path: string, shortReadIsEnd = false): string | undefined {
	let fd: number;
	try {
		fd = fs.openSync(path, 'r');
	} catch {
		return undefined;
	}

	try {
		let length = 0;
		while (true) {
			if (length === buffer.length) {
				const larger = Buffer.allocUnsafe(buffer.length * 2);
				buffer.copy(larger);
				buffer = larger;
			}

			const space = buffer.length - length;
			const read = fs.readSync(fd, buffer, length, space, null);
			length += read;
			if (read === 0 || (shortReadIsEnd && read < space)) {
				break;
			}
		}

		return buffer.toString('utf8', 0, length);
	} catch {
		return undefined;
	} finally {
		fs.closeSync(fd);
	}
}

/** Parse /proc/PID/stat. The name sits in parentheses and may itself hold spaces and `)`. */
export function parseStat(text: string): ProcStat | undefined {
	const open = text.indexOf('(');
	const close = text.lastIndexOf(')');
	if (open === -1 || close < open) {
		return undefined;
	}

	// Fields from the third (state) on; field N of proc(5) is fields[N - 3].
	const fields = text.slice(close + 2).split(' ');
	if (fields.length < 20) {
		return undefined;
	}

	return {
		pid: Number(text.slice(0, open - 1)),
		name: text.slice(open + 1, close),
		state: fields[0]!,
		ppid: Number(fields[1]),
		cpuTicks: Number(fields[11]) + Number(fields[12]),
		nice: Number(fields[16]),
		threads: Number(fields[17]),
		startTicks: Number(fields[19]),
	};
}

/** Resident and virtual size in pages, from /proc/PID/statm. */
export function parseStatm(text: string): {readonly residentPages: number; readonly virtualPages: number} {
	const [size = '0', resident = '0'] = text.split(' ', 2);
	return {residentPages: Number(resident), virtualPages: Number(size)};
}

/** The real uid, from the `Uid:` line of /proc/PID/status. */
export function parseUid(text: string): number | undefined {
	const match = /^Uid:\s+(\d+)/m.exec(text);
	return match === null ? undefined : Number(match[1]);
}

/** The arguments, from /proc/PID/cmdline (NUL-separated; empty for a zombie or kernel thread). */
export function parseCmdline(text: string): string[] {
	const argv = text.split('\0');
	if (argv.at(-1) === '') {
		argv.pop();
	}

	return argv;
}

/** Total memory in bytes, from /proc/meminfo. */
export function parseMemTotal(text: string): number | undefined {
	const match = /^MemTotal:\s+(\d+)\s*kB/m.exec(text);
	return match === null ? undefined : Number(match[1]) * 1024;
}

/** Boot time in seconds since the epoch, from the `btime` line of /proc/stat. */
export function parseBootTime(text: string): number | undefined {
	const match = /^btime\s+(\d+)/m.exec(text);
	return match === null ? undefined : Number(match[1]);
}
