import fs from 'node:fs';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {
	HeldProcFiles,
	openFilesLimit,
	parseBootTime,
	parseCmdline,
	parseMemTotal,
	parseStatBytes,
	parseStatmBytes,
	parseUid,
	readProcBytes,
	readProcFile,
	type ProcBytes,
	type ProcStat,
} from './proc-files.js';
import {childrenOf, hasChildrenLists, noChildren} from './proc-children.js';
import {systemConstants} from './system-constants.js';
import {UserNames} from './user-names.js';

/**
Per-process statistics read straight from /proc (Linux only), the fields of Circus's
`stats` (psutil's `get_info`) without psutil.

A sample reads `stat`, `statm`, `status` and `cmdline` of the processes asked for, and the
kernel's list of their children (and their children's): about 5 small reads a sampled process,
whatever else runs on the machine. A sampler that runs again and again (`rescanMs`) reads, in
between, only the `stat` and `statm` of the processes asked for, from files it keeps open: two
`pread`s a process.
*/

/** Files held open by one sampler at most: an eighth of the open-file limit, and never more
than 512 (256 processes); past that, files are opened for each read. */
const heldFilesCap = 512;
/** A held file not read for this long is closed. */
const heldFileIdleMs = 10_000;

/** One process's statistics, as of one sample. */
export type ProcInfo = {
	readonly pid: number;
	readonly ppid: number;
	/** Kernel command name (`comm`, at most 15 bytes). */
	readonly name: string;
	/** `R` running, `S` sleeping, `D` disk wait, `Z` zombie, `T` stopped, ... */
	readonly state: string;
	/** CPU % since this sampler's previous sample of the process (100 = one core; 0 on the first), one decimal, as psutil. */
	readonly cpu: number;
	/** User plus system CPU time so far, in seconds (Circus shows it as `ctime`). */
	readonly cpuTime: number;
	/** Resident set size in bytes (Circus's `mem_info1`). */
	readonly rss: number;
	/** Virtual memory size in bytes (Circus's `mem_info2`). */
	readonly vms: number;
	/** RSS as a % of total memory, three decimals, as Circus. */
	readonly mem: number;
	/** When the process started, seconds since the epoch. */
	readonly createTime: number;
	/** Seconds since it started. */
	readonly age: number;
	readonly nice: number;
	readonly threads: number;
	/** Real uid. */
	readonly uid: number;
	/** User name of `uid`, or the number as text. */
	readonly username: string;
	/** Basename of the program, as Circus's `cmdline` (the kernel name for a zombie). */
	readonly cmdline: string;
	/** The full argument list (empty for a zombie). */
	readonly argv: readonly string[];
	/** All descendants' pids, breadth first (children, then grandchildren, ...). */
	readonly children: readonly number[];
};

/** What `ProcSampler.usage` reads: the cheap part of a process's statistics. */
type ProcUsage = {
	/** User plus system CPU time so far, in seconds. */
	readonly cpuTime: number;
	/** Resident set size in bytes. */
	readonly rss: number;
};

/** Options of a `ProcSampler`; the defaults are the real system. */
type ProcSamplerOptions = {
	/** Where procfs is mounted. Default `/proc`. */
	readonly procRoot?: string;
	/** The user database. Default `/etc/passwd`. */
	readonly passwdFile?: string;
	/** Wall clock for `age`, ms since the epoch. Default `Date.now`. */
	readonly now?: () => number;
	/** How long each process's children, `cmdline` and uid are reused before they are read
	again, in ms. Default 0: read on every sample. A sampler that runs every second (the `stats`
	topic) reads only its processes' `stat` and `statm` in between. */
	readonly rescanMs?: number;
};

/** What a process's `cmdline` and `status` say, which rarely change. */
type Identity = {
	readonly startTicks: number;
	readonly uid: number;
	readonly argv: readonly string[];
	/** The program's basename (`cmdline` of a ProcInfo). */
	readonly program: string;
	/** `performance.now()` when read. */
	readonly at: number;
};

type Previous = {
	readonly startTicks: number;
	readonly cpuTicks: number;
	/** `performance.now()` of the sample. */
	readonly at: number;
};

function parseStatmOf(read: ProcBytes | undefined): {readonly residentPages: number; readonly virtualPages: number} | undefined {
	return read === undefined ? undefined : parseStatmBytes(read);
}

function isPid(name: string): boolean {
	const first = name.charCodeAt(0);
	return first >= 0x30 && first <= 0x39;
}

function round(value: number, decimals: number): number {
	const scale = 10 ** decimals;
	return Math.round(value * scale) / scale;
}

/** The program's basename, as Circus takes it: first word of argv[0]. */
function programName(argv: readonly string[], fallback: string): string {
	const first = argv[0]?.trim().split(/\s+/)[0];
	return first === undefined || first.length === 0 ? fallback : path.basename(first);
}

/** Samples /proc for a set of pids; keeps each pid's previous CPU time to give CPU %. */
export class ProcSampler {
	readonly #procRoot: string;
	readonly #now: () => number;
	readonly #users: UserNames;
	readonly #clockTicks: number;
	readonly #pageSize: number;
	readonly #memTotal: number;
	readonly #bootTime: number;
	readonly #previous = new Map<number, Previous>();
	readonly #rescanMs: number;
	/** Whether the kernel lists each thread's children (/proc/PID/task/TID/children). */
	readonly #childrenFiles: boolean;
	/** Each process's children, when read (`performance.now()`). */
	readonly #kids = new Map<number, {readonly kids: readonly number[]; readonly at: number}>();
	/** Without children files: the parent map of the last scan of every process, and when it was made. */
	#scanned = new Map<number, number[]>();
	#scannedAt = Number.NEGATIVE_INFINITY;
	/** When held files and the samples of processes gone were last swept. */
	#sweptAt = Number.NEGATIVE_INFINITY;
	readonly #identities = new Map<number, Identity>();
	readonly #heldStat: HeldProcFiles;
	readonly #heldStatm: HeldProcFiles;
	/** Whether `stat` and `statm` are read from files held open (see holdFiles). */
	#hold = false;

	constructor(options: ProcSamplerOptions = {}) {
		this.#rescanMs = options.rescanMs ?? 0;
		this.#procRoot = options.procRoot ?? '/proc';
		this.#now = options.now ?? Date.now;
		this.#users = new UserNames(options.passwdFile);
		({clockTicks: this.#clockTicks, pageSize: this.#pageSize} = systemConstants());
		this.#memTotal = parseMemTotal(readProcFile(`${this.#procRoot}/meminfo`) ?? '') ?? 0;
		this.#bootTime = parseBootTime(readProcFile(`${this.#procRoot}/stat`) ?? '') ?? 0;
		const held = Math.min(heldFilesCap, Math.floor((openFilesLimit(this.#procRoot) ?? 0) / 8));
		this.#heldStat = new HeldProcFiles(this.#procRoot, 'stat', Math.ceil(held / 2));
		this.#heldStatm = new HeldProcFiles(this.#procRoot, 'statm', Math.floor(held / 2));
		this.#childrenFiles = hasChildrenLists(this.#procRoot);
	}

	/**
	Read each process's `stat` and `statm` from files held open (`true`: for sampling that runs
	every second), or open them for each read (`false`, the default: for samples taken now and
	then, which should leave no descriptor behind). Turning it off closes the held files.
	*/
	holdFiles(hold: boolean): void {
		this.#hold = hold;
		if (!hold) {
			this.close();
		}
	}

	/** Close the files held for `pid` (it has exited), and forget its samples. */
	forget(pid: number): void {
		this.#heldStat.forget(pid);
		this.#heldStatm.forget(pid);
		this.#previous.delete(pid);
		this.#identities.delete(pid);
		this.#kids.delete(pid);
	}

	/** Close the files held open. The sampler may be used again: it opens them again. */
	close(): void {
		this.#heldStat.close();
		this.#heldStatm.close();
	}

	#readStat(pid: number, at: number): ProcStat | undefined {
		const read = this.#hold ? this.#heldStat.read(pid, at) : readProcBytes(`${this.#procRoot}/${pid}/stat`, true);
		return read === undefined ? undefined : parseStatBytes(read);
	}

	#readStatm(pid: number, at: number): {readonly residentPages: number; readonly virtualPages: number} | undefined {
		const read = this.#hold ? this.#heldStatm.read(pid, at) : readProcBytes(`${this.#procRoot}/${pid}/statm`, true);
		return read === undefined ? undefined : parseStatmBytes(read);
	}

	/** Close the held files not read for a while, and forget what is out of date or gone. */
	#sweep(at: number): void {
		this.#heldStat.sweep(at - heldFileIdleMs);
		this.#heldStatm.sweep(at - heldFileIdleMs);
		for (const [pid, entry] of this.#kids) {
			if (at - entry.at > this.#rescanMs) {
				this.#kids.delete(pid);
			}
		}

		// Processes not sampled lately (a supervisor forgets its own as they exit): those gone.
		for (const [pid, previous] of this.#previous) {
			if (at - previous.at > heldFileIdleMs && !fs.existsSync(`${this.#procRoot}/${pid}`)) {
				this.#previous.delete(pid);
				this.#identities.delete(pid);
			}
		}
	}

	/** Statistics of `pids`; a pid that does not exist (or vanishes while being read) is absent.
	`rescan`: read the children of these processes now, however recently they were read. */
	sample(pids: Iterable<number>, options: {rescan?: boolean} = {}): Map<number, ProcInfo> {
		const wanted = [...pids];
		const infos = new Map<number, ProcInfo>();
		if (wanted.length === 0) {
			return infos;
		}

		const at = performance.now();
		if (at - this.#sweptAt >= this.#rescanMs) {
			this.#sweptAt = at;
			this.#sweep(at);
		}

		const table = this.#stats(wanted, at);
		const rescan = options.rescan === true;
		for (const pid of wanted) {
			const stat = table.get(pid);
			if (stat === undefined) {
				// Gone: forget it.
				this.#previous.delete(pid);
				this.#identities.delete(pid);
				this.#kids.delete(pid);
				continue;
			}

			const info = this.#info(stat, at, this.#descendants(stat, at, rescan));
			if (info !== undefined) {
				infos.set(pid, info);
			}
		}

		return infos;
	}

	/** CPU time and RSS of `pids` alone: two small reads each and no scan of every process (no
	`children`, no CPU %, and the previous samples that CPU % needs are left alone). For metrics. */
	usage(pids: Iterable<number>): Map<number, ProcUsage> {
		const usage = new Map<number, ProcUsage>();
		const at = performance.now();
		this.#sweep(at);
		for (const pid of pids) {
			const stat = this.#readStat(pid, at);
			const statm = stat === undefined ? undefined : this.#readStatm(pid, at);
			if (stat !== undefined && statm !== undefined) {
				usage.set(pid, {
					cpuTime: stat.cpuTicks / this.#clockTicks,
					rss: statm.residentPages * this.#pageSize,
				});
			}
		}

		return usage;
	}

	/** Statistics of this process (Circus's `dstats`); `children` is left empty, as there. */
	selfInfo(): ProcInfo | undefined {
		const at = performance.now();
		// Read as a file of its own each time: a held one would outlive every process sampled.
		const read = readProcBytes(`${this.#procRoot}/${process.pid}/stat`, true);
		const stat = read === undefined ? undefined : parseStatBytes(read);
		return stat === undefined ? undefined : this.#info(stat, at, [], false);
	}

	/** The stat of `pids`, by pid. */
	#stats(pids: readonly number[], at: number): Map<number, ProcStat> {
		const table = new Map<number, ProcStat>();
		for (const pid of pids) {
			const stat = this.#readStat(pid, at);
			if (stat !== undefined) {
				table.set(stat.pid, stat);
			}
		}

		return table;
	}

	/** All descendants of `root`, breadth first (children, then grandchildren, ...). */
	#descendants(root: ProcStat, at: number, rescan: boolean): readonly number[] {
		const first = this.#childrenOf(root.pid, root.threads, at, rescan);
		if (first.length === 0) {
			return noChildren; // Most processes.
		}

		const found: number[] = [];
		// Guards against a cycle from reads taken at slightly different moments.
		const seen = new Set<number>([root.pid]);
		let level: readonly number[] = [root.pid];
		while (level.length > 0) {
			const next: number[] = [];
			for (const parent of level) {
				for (const child of parent === root.pid ? first : this.#childrenOf(parent, 0, at, rescan)) {
					if (!seen.has(child)) {
						seen.add(child);
						found.push(child);
						next.push(child);
					}
				}
			}

			level = next;
		}

		return found;
	}

	/**
	The children of `pid` (`threads`: its thread count if known, else 0), as read at most
	`rescanMs` ago, or in this sample when `rescan`: from the kernel's lists (proc-children.ts), or
	on a kernel without them the parent map of a scan of every process's `stat`.
	*/
	#childrenOf(pid: number, threads: number, at: number, rescan: boolean): readonly number[] {
		if (!this.#childrenFiles) {
			if (this.#scannedAt !== at && (rescan || at - this.#scannedAt >= this.#rescanMs)) {
				this.#scanned = this.#scanParents();
				this.#scannedAt = at;
			}

			return this.#scanned.get(pid) ?? noChildren;
		}

		const known = this.#kids.get(pid);
		if (known !== undefined && (known.at === at || (!rescan && at - known.at < this.#rescanMs))) {
			return known.kids;
		}

		const kids = childrenOf(pid, threads, this.#procRoot);
		this.#kids.set(pid, {kids, at});
		return kids;
	}

	/** Every process's children, from a scan of every process's `stat`. */
	#scanParents(): Map<number, number[]> {
		const parents = new Map<number, number[]>();
		let names: string[];
		try {
			names = fs.readdirSync(this.#procRoot);
		} catch {
			return parents;
		}

		for (const name of names) {
			if (!isPid(name)) {
				continue;
			}

			const read = readProcBytes(`${this.#procRoot}/${name}/stat`, true);
			const stat = read === undefined ? undefined : parseStatBytes(read);
			if (stat !== undefined) {
				const siblings = parents.get(stat.ppid);
				if (siblings === undefined) {
					parents.set(stat.ppid, [stat.pid]);
				} else {
					siblings.push(stat.pid);
				}
			}
		}

		return parents;
	}

	/** The process's uid and arguments: read again after rescanMs, or when the pid is a new process. */
	#identity(stat: ProcStat, at: number): Identity | undefined {
		const known = this.#identities.get(stat.pid);
		if (known !== undefined && known.startTicks === stat.startTicks && at - known.at < this.#rescanMs) {
			return known;
		}

		const directory = `${this.#procRoot}/${stat.pid}`;
		const status = readProcFile(`${directory}/status`, true);
		const cmdline = readProcFile(`${directory}/cmdline`);
		if (status === undefined || cmdline === undefined) {
			return undefined;
		}

		const argv = parseCmdline(cmdline);
		const identity = {startTicks: stat.startTicks, uid: parseUid(status) ?? -1, argv, program: programName(argv, stat.name), at};
		this.#identities.set(stat.pid, identity);
		return identity;
	}

	#info(stat: ProcStat, at: number, children: readonly number[], held = true): ProcInfo | undefined {
		const statm = held ? this.#readStatm(stat.pid, at) : parseStatmOf(readProcBytes(`${this.#procRoot}/${stat.pid}/statm`, true));
		const identity = statm === undefined ? undefined : this.#identity(stat, at);
		if (statm === undefined || identity === undefined) {
			return undefined; // Gone while being read.
		}

		const previous = this.#previous.get(stat.pid);
		let cpu = 0;
		// A different start time is a new process that reused the pid: no previous sample.
		if (previous !== undefined && previous.startTicks === stat.startTicks && at > previous.at) {
			const seconds = (stat.cpuTicks - previous.cpuTicks) / this.#clockTicks;
			cpu = round((seconds / ((at - previous.at) / 1000)) * 100, 1);
		}

		this.#previous.set(stat.pid, {startTicks: stat.startTicks, cpuTicks: stat.cpuTicks, at});
		const {residentPages, virtualPages} = statm;
		const rss = residentPages * this.#pageSize;
		const createTime = this.#bootTime + stat.startTicks / this.#clockTicks;
		const {uid, argv} = identity;
		return {
			pid: stat.pid,
			ppid: stat.ppid,
			name: stat.name,
			state: stat.state,
			cpu: Math.max(0, cpu),
			cpuTime: stat.cpuTicks / this.#clockTicks,
			rss,
			vms: virtualPages * this.#pageSize,
			mem: this.#memTotal > 0 ? round((rss / this.#memTotal) * 100, 3) : 0,
			createTime,
			age: Math.max(0, this.#now() / 1000 - createTime),
			nice: stat.nice,
			threads: stat.threads,
			uid,
			username: uid === -1 ? '' : this.#users.name(uid),
			cmdline: identity.program,
			argv,
			children,
		};
	}
}
