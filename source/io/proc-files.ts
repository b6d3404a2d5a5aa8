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

/** Bytes read from a /proc file, valid until the next read: parse them before reading again. */
export type ProcBytes = {readonly bytes: Buffer; readonly length: number};

/**
Read an open file whole into the shared buffer: from offset 0 with `fromStart` (`pread`; the
kernel makes a /proc file's text afresh for a read from its start), else from where it is. With
`shortReadIsEnd`, a read that does not fill the buffer is taken as the end of the file, saving a
syscall; that holds for seq_file files generated in one go (`stat`, `statm`, `status`,
`meminfo`), not for `cmdline`, which is read a page at a time. The length, or -1 on an error.
*/
function readWhole(fd: number, fromStart: boolean, shortReadIsEnd: boolean): number {
	try {
		let length = 0;
		while (true) {
			if (length === buffer.length) {
				const larger = Buffer.allocUnsafe(buffer.length * 2);
				buffer.copy(larger);
				buffer = larger;
			}

			const space = buffer.length - length;
			const read = fs.readSync(fd, buffer, length, space, fromStart ? length : null);
			length += read;
			if (read === 0 || (shortReadIsEnd && read < space)) {
				return length;
			}
		}
	} catch {
		return -1;
	}
}

/** A whole /proc file's bytes: open, read, close (no fstat, as `readFileSync` does). */
export function readProcBytes(path: string, shortReadIsEnd = false): ProcBytes | undefined {
	let fd: number;
	try {
		fd = fs.openSync(path, 'r');
	} catch {
		return undefined;
	}

	const length = readWhole(fd, false, shortReadIsEnd);
	fs.closeSync(fd);
	return length === -1 ? undefined : {bytes: buffer, length};
}

/** A whole /proc file as text (see readProcBytes and readWhole for `shortReadIsEnd`). */
export function readProcFile(path: string, shortReadIsEnd = false): string | undefined {
	const read = readProcBytes(path, shortReadIsEnd);
	return read === undefined ? undefined : read.bytes.toString('utf8', 0, read.length);
}

/** The soft limit on open files (`Max open files` in /proc/self/limits), if it can be read. */
export function openFilesLimit(procRoot = '/proc'): number | undefined {
	const match = /^Max open files\s+(\d+)/m.exec(readProcFile(`${procRoot}/self/limits`) ?? '');
	return match === null ? undefined : Number(match[1]);
}

/**
One /proc file of each of many processes (`stat`, or `statm`), kept open and read again from its
start, for files read over and over (each process's `stat` every second): a read is one `pread`
instead of open, read and close. An open /proc/PID file stays bound to its process: once that
has exited (and been reaped) a read fails (ESRCH), even if the pid is reused, and the file is
closed and forgotten. Files not read for a while are closed by `sweep`; past `limit` open files,
reads open and close as readProcBytes does.
*/
export class HeldProcFiles {
	readonly #root: string;
	readonly #file: string;
	readonly #limit: number;
	readonly #files = new Map<number, {readonly fd: number; usedAt: number}>();

	/** `/ROOT/PID/FILE` for each pid; at most `limit` open at once. */
	constructor(root: string, file: string, limit: number) {
		this.#root = root;
		this.#file = file;
		this.#limit = limit;
	}

	/** How many files are open now. */
	get size(): number {
		return this.#files.size;
	}

	/** The file's bytes, to parse before the next read; `undefined` when it cannot be read (the
	process is gone). `at`: now, in the caller's clock, for `sweep`. */
	read(pid: number, at: number): ProcBytes | undefined {
		let file = this.#files.get(pid);
		if (file === undefined) {
			const path = `${this.#root}/${pid}/${this.#file}`;
			if (this.#files.size >= this.#limit) {
				return readProcBytes(path, true);
			}

			let fd: number;
			try {
				fd = fs.openSync(path, 'r');
			} catch {
				return undefined;
			}

			file = {fd, usedAt: at};
			this.#files.set(pid, file);
		}

		file.usedAt = at;
		const length = readWhole(file.fd, true, true);
		if (length === -1) {
			this.#forget(pid, file.fd);
			return undefined;
		}

		return {bytes: buffer, length};
	}

	/** Close the files last read before `before`. */
	sweep(before: number): void {
		for (const [pid, file] of this.#files) {
			if (file.usedAt < before) {
				this.#forget(pid, file.fd);
			}
		}
	}

	/** Close the file of `pid`, if held. */
	forget(pid: number): void {
		const file = this.#files.get(pid);
		if (file !== undefined) {
			this.#forget(pid, file.fd);
		}
	}

	/** Close every file. */
	close(): void {
		this.sweep(Number.POSITIVE_INFINITY);
	}

	#forget(pid: number, fd: number): void {
		this.#files.delete(pid);
		try {
			fs.closeSync(fd);
		} catch {
			// Closed already.
		}
	}
}

/** Field N of /proc/PID/stat (proc(5)'s numbering), from the third (state) to the last read. */
const statFields = new Float64Array(23);
const space = 0x20;
const newline = 0x0A;

/**
Parse /proc/PID/stat from its bytes, reading the numbers in place (no text, no split: a sampler
parses it for every process every second). The name sits in parentheses and may itself hold
spaces and `)`.
*/
export function parseStatBytes({bytes, length}: ProcBytes): ProcStat | undefined {
	const open = bytes.indexOf(0x28);
	const close = length === 0 ? -1 : bytes.lastIndexOf(0x29, length - 1);
	if (open < 1 || close < open || close + 2 >= length) {
		return undefined;
	}

	let field = 3;
	let value = 0;
	let sign = 1;
	for (let index = close + 2; index < length && field < statFields.length; index++) {
		const byte = bytes[index]!;
		if (byte === space || byte === newline) {
			statFields[field++] = sign * value;
			value = 0;
			sign = 1;
		} else if (byte === 0x2D) {
			sign = -1;
		} else {
			value = (value * 10) + byte - 0x30; // The state letter (field 3) is read below.
		}
	}

	if (field < statFields.length) {
		return undefined; // Cut short.
	}

	let pid = 0;
	for (let index = 0; index < open - 1; index++) {
		pid = (pid * 10) + bytes[index]! - 0x30;
	}

	return {
		pid,
		name: bytes.toString('utf8', open + 1, close),
		state: String.fromCharCode(bytes[close + 2]!),
		ppid: statFields[4]!,
		cpuTicks: statFields[14]! + statFields[15]!,
		nice: statFields[19]!,
		threads: statFields[20]!,
		startTicks: statFields[22]!,
	};
}

/** Parse /proc/PID/stat from its text (see parseStatBytes). */
export function parseStat(text: string): ProcStat | undefined {
	const bytes = Buffer.from(text);
	return parseStatBytes({bytes, length: bytes.length});
}

/** Resident and virtual size in pages, from /proc/PID/statm's bytes (its first two numbers). */
export function parseStatmBytes({bytes, length}: ProcBytes): {readonly residentPages: number; readonly virtualPages: number} {
	let size = 0;
	let index = 0;
	for (; index < length && bytes[index] !== space; index++) {
		size = (size * 10) + bytes[index]! - 0x30;
	}

	let resident = 0;
	for (index++; index < length && bytes[index] !== space && bytes[index] !== newline; index++) {
		resident = (resident * 10) + bytes[index]! - 0x30;
	}

	return {residentPages: resident, virtualPages: size};
}

/** Resident and virtual size in pages, from /proc/PID/statm. */
export function parseStatm(text: string): {readonly residentPages: number; readonly virtualPages: number} {
	const bytes = Buffer.from(text);
	return parseStatmBytes({bytes, length: bytes.length});
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

/** The pids in /proc/PID/task/TID/children (each followed by a space), appended to `into`. */
export function parseChildrenBytes({bytes, length}: ProcBytes, into: number[]): void {
	let pid = 0;
	let digits = false;
	for (let index = 0; index < length; index++) {
		const byte = bytes[index]!;
		if (byte >= 0x30 && byte <= 0x39) {
			pid = (pid * 10) + byte - 0x30;
			digits = true;
		} else if (digits) {
			into.push(pid);
			pid = 0;
			digits = false;
		}
	}

	if (digits) {
		into.push(pid);
	}
}
