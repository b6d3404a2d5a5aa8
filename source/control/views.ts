import type {ProcessRecord} from '../core/process.js';
import {exitCode} from '../core/process.js';
import type {Arbiter} from '../core/arbiter.js';
import type {Watcher} from '../core/watcher.js';
import type {ProcInfo} from '../io/proc-stats.js';
import {formatBytes, formatCpuTime} from '../io/proc-format.js';
import type {ProcessRow, StreamRow, WatcherRow} from './rows.js';

/** Process statistics, sampled outside the scheduler and cached. */
export type StatsProvider = {
	/** The latest sample of every supervised pid (fresh enough for a reply). */
	sample(): ReadonlyMap<number, ProcInfo>;
	/** The supervisor itself, for `dstats`. */
	self(): Record<string, unknown>;
	/** Children (or all descendants) of a pid. */
	children(pid: number, recursive: boolean): number[];
};

/**
The watchers in the order the configuration lists them (file, then line), as a person wrote
them; the config loader sorts them by name (as Circus does), which the UI should not show.
Watchers without a line (ad-hoc commands, `add`) keep their order, after those with one.
*/
export function watchersInConfigOrder(arbiter: Arbiter): readonly Watcher[] {
	const known = configOrder.get(arbiter);
	if (known !== undefined && known.config === arbiter.config && known.watchers.length === arbiter.watchers.size && known.watchers.every((watcher) => arbiter.watchers.get(watcher.name) === watcher)) {
		return known.watchers; // The same watchers under the same configuration: the same order (asked each second).
	}

	const watchers = sortInConfigOrder(arbiter);
	configOrder.set(arbiter, {config: arbiter.config, watchers});
	return watchers;
}

/** The last order found for each arbiter, with the configuration it was found under. */
const configOrder = new WeakMap<Arbiter, {readonly config: Arbiter['config']; readonly watchers: readonly Watcher[]}>();

function sortInConfigOrder(arbiter: Arbiter): Watcher[] {
	const files = arbiter.config.files ?? [];
	const rank = (watcher: Watcher): number => {
		const {file} = watcher.config.origin;
		const index = files.findIndex((candidate) => candidate === file || candidate.endsWith(`/${file}`));
		return index === -1 ? files.length : index;
	};

	return [...arbiter.watchers.values()]
		.map((watcher, order) => ({watcher, order, file: rank(watcher), line: watcher.config.origin.line || Number.MAX_SAFE_INTEGER}))
		.sort((a, b) => a.file - b.file || a.line - b.line || a.order - b.order)
		.map((entry) => entry.watcher);
}

export function processRow(record: ProcessRecord, sample: ReadonlyMap<number, ProcInfo>): ProcessRow {
	const info = sample.get(record.pid);
	const now = Date.now();
	return {
		pid: record.pid,
		wid: record.wid,
		state: record.exit === undefined ? (record.stopReason === undefined ? 'running' : 'stopping') : 'exited',
		cpu: info?.cpu ?? 0,
		mem: info?.mem ?? 0,
		rss: info?.rss ?? 0,
		vms: info?.vms ?? 0,
		mem_info1: formatBytes(info?.rss ?? 0),
		mem_info2: formatBytes(info?.vms ?? 0),
		ctime: formatCpuTime(info?.cpuTime ?? 0),
		username: info?.username ?? '',
		nice: info?.nice ?? 0,
		cmdline: info?.cmdline ?? '',
		create_time: info?.createTime ?? record.startedAt / 1000,
		started: record.startedAt / 1000,
		age: (now - record.startedAt) / 1000,
		children: info?.children ?? [],
		lines: record.ring.size,
		...(info === undefined ? {} : {paused: info.state === 'T' || info.state === 't'}),
	};
}

export function watcherRow(watcher: Watcher, sample: ReadonlyMap<number, ProcInfo>): WatcherRow {
	const records = [...watcher.processes.values()];
	if (records.length > 1) {
		records.sort((a, b) => a.wid - b.wid);
	}

	const processes = records.map((record) => processRow(record, sample));
	const last = watcher.lastExit;
	return {
		name: watcher.name,
		status: watcher.status,
		detail: watcher.detail,
		numprocesses: watcher.numprocesses,
		running: watcher.running.length,
		restarts: watcher.restarts,
		priority: watcher.config.priority,
		pty: watcher.config.pty,
		cmd: watcher.config.args ? `${watcher.config.cmd} ${watcher.config.args}` : watcher.config.cmd,
		cpu: Math.round(processes.reduce((sum, row) => sum + row.cpu, 0) * 10) / 10,
		rss: processes.reduce((sum, row) => sum + row.rss, 0),
		last_exit: last ? {pid: last.pid, exit_code: exitCode(last.status), time: last.time / 1000} : null,
		// Most watchers have no stream file: no rows to build each second.
		stream_notices: watcher.streamStats().length === 0 ? [] : streamNotices(streamRows([watcher])),
		processes,
	};
}

/** The stream files of watchers, with what they dropped and lost (`dstats`, `logs`). */
export function streamRows(watchers: readonly Watcher[]): StreamRow[] {
	return watchers.flatMap((watcher) => watcher.streamStats().map((stats) => ({
		watcher: watcher.name,
		stream: stats.stream,
		path: stats.path,
		queued_bytes: stats.queuedBytes,
		dropped_bytes: stats.droppedBytes,
		dropped_lines: stats.droppedLines,
		lost_bytes: stats.lostBytes,
		lost_lines: stats.lostLines,
		error: stats.error ?? null,
	})));
}

/** One line per stream that dropped or lost output, or fails now: what `logs` and the UI show. */
export function streamNotices(rows: readonly StreamRow[]): string[] {
	return rows.filter((row) => row.dropped_lines + row.lost_lines > 0 || row.error !== null).map((row) => {
		const parts: string[] = [];
		if (row.dropped_lines > 0) {
			parts.push(`${row.dropped_lines} lines (${formatBytes(row.dropped_bytes)}) dropped: the file did not keep up`);
		}

		if (row.lost_lines > 0) {
			parts.push(`${row.lost_lines} lines (${formatBytes(row.lost_bytes)}) lost: writing failed`);
		}

		if (row.error !== null) {
			parts.push(`failing now: ${row.error}`);
		}

		return `${row.watcher} ${row.stream} ${row.path}: ${parts.join('; ')}`;
	});
}
