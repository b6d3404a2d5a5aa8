/**
What the benchmarks read from /proc: a process's CPU time and resident memory, its children, and
the processes that appear while a workload runs. Linux only, as procui's own stats are.
*/
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';

/** Kernel clock ticks per second, the unit of utime and stime in /proc/PID/stat. */
const clockTicks = ((): number => {
	try {
		const ticks = Number(execFileSync('getconf', ['CLK_TCK'], {encoding: 'utf8'}).trim());
		return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
	} catch {
		return 100;
	}
})();

/** The fields of /proc/PID/stat the benchmarks use. */
export type ProcStat = {
	readonly pid: number;
	/** The command name (`comm`), at most 15 characters; it changes on exec. */
	readonly comm: string;
	/** R, S, D, Z, ... */
	readonly state: string;
	readonly ppid: number;
	readonly pgrp: number;
	/** User plus system CPU of the process itself (not of its reaped children), in seconds. */
	readonly cpuSeconds: number;
};

/** /proc/PID/stat, or undefined when the process is gone. */
export function readStat(pid: number): ProcStat | undefined {
	let text: string;
	try {
		text = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
	} catch {
		return undefined;
	}

	// comm may hold spaces and parentheses: it runs from the first '(' to the last ')'.
	const close = text.lastIndexOf(')');
	const comm = text.slice(text.indexOf('(') + 1, close);
	const fields = text.slice(close + 2).split(' ');
	// fields[0] is field 3 (state); utime and stime are fields 14 and 15.
	return {
		pid,
		comm,
		state: fields[0]!,
		ppid: Number(fields[1]),
		pgrp: Number(fields[2]),
		cpuSeconds: (Number(fields[11]) + Number(fields[12])) / clockTicks,
	};
}

/**
CPU seconds a process has used. Summed over its threads' /proc/PID/task/TID/schedstat (nanoseconds
on the CPU) when the kernel has it, because utime+stime count 10 ms ticks: too coarse for an idle
supervisor's 0.05 %. Falls back to utime+stime. Undefined when the process is gone.
*/
export function cpuSeconds(pid: number): number | undefined {
	let tasks: string[];
	try {
		tasks = fs.readdirSync(`/proc/${pid}/task`);
	} catch {
		return undefined;
	}

	let nanoseconds = 0;
	for (const task of tasks) {
		try {
			nanoseconds += Number(fs.readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'latin1').split(' ')[0]);
		} catch {
			// A thread that ended between the listing and the read; or no schedstat at all.
			return readStat(pid)?.cpuSeconds;
		}
	}

	return nanoseconds / 1e9;
}

/** Resident memory (VmRSS) in bytes, or undefined when the process is gone. */
export function rssBytes(pid: number): number | undefined {
	try {
		const match = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'latin1'));
		return match ? Number(match[1]) * 1024 : undefined;
	} catch {
		return undefined;
	}
}

/** The argument vector of a process, or undefined when it is gone (or a zombie, whose is empty). */
export function readCmdline(pid: number): string[] | undefined {
	try {
		const text = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
		return text === '' ? undefined : text.replace(/\0$/, '').split('\0');
	} catch {
		return undefined;
	}
}

/** Every pid in /proc now. */
export function listPids(): number[] {
	const pids: number[] = [];
	for (const name of fs.readdirSync('/proc')) {
		const pid = Number(name);
		if (Number.isInteger(pid) && pid > 0) {
			pids.push(pid);
		}
	}

	return pids;
}

/** Is the process there and not a zombie? */
export function isAlive(pid: number): boolean {
	const stat = readStat(pid);
	return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

/** The living children of `parent` (one full /proc scan: a few ms, so not for tight loops). */
export function childrenOf(parent: number): ProcStat[] {
	return listPids().map(pid => readStat(pid)).filter((stat): stat is ProcStat => stat !== undefined && stat.ppid === parent && stat.state !== 'Z');
}

/** What a `NewProcesses` classifier says of a process: counted, not yet known (re-read next poll), or not one of ours. */
export type Verdict = 'match' | 'wait' | 'no';

/** How long a process the classifier says 'no' to is re-read: it may not have exec'd yet. */
const undecidedMs = 250;

/**
Counts the processes that appear after it was created and that `classify` matches, by polling
/proc. Reading every process's files on each poll costs ~6 ms on a quiet machine, which would
steal a core from the supervisor; so only pids not seen before are read, and each is read until
it is decided. A freshly forked child still shows its parent's name until it execs: 'wait' (or a
'no' younger than 250 ms) keeps it under watch.
*/
export class NewProcesses {
	readonly #classify: (pid: number) => Verdict;
	/** Pids present at the start or decided 'no'. */
	readonly #ignored = new Set<number>();
	/** Pids not decided yet, with when they were first seen. */
	readonly #pending = new Map<number, number>();
	/** Matched pids, with when they were first matched (performance.now()). */
	readonly #matched = new Map<number, number>();

	constructor(classify: (pid: number) => Verdict) {
		this.#classify = classify;
		for (const pid of listPids()) {
			this.#ignored.add(pid);
		}
	}

	/** Look once; returns the pids matched by this poll. */
	poll(): number[] {
		const now = performance.now();
		const found: number[] = [];
		const present = listPids();
		const live = new Set(present);
		for (const pid of this.#pending.keys()) {
			if (!live.has(pid)) {
				this.#pending.delete(pid);
			}
		}

		for (const pid of present) {
			if (this.#ignored.has(pid) || this.#matched.has(pid)) {
				continue;
			}

			const firstSeen = this.#pending.get(pid) ?? now;
			const verdict = this.#classify(pid);
			if (verdict === 'match') {
				this.#pending.delete(pid);
				this.#matched.set(pid, now);
				found.push(pid);
			} else if (verdict === 'wait' || now - firstSeen < undecidedMs) {
				this.#pending.set(pid, firstSeen);
			} else {
				this.#pending.delete(pid);
				this.#ignored.add(pid);
			}
		}

		return found;
	}

	/** Every pid matched so far, with when it was first matched. */
	get matched(): ReadonlyMap<number, number> {
		return this.#matched;
	}
}
