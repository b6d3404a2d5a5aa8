import type {Arbiter} from '../core/arbiter.js';
import type {Watcher} from '../core/watcher.js';
import {ProcSampler} from '../io/proc-stats.js';
import {requestNames} from '../core/vocabulary.js';
import {LatencyHistogram} from './latency-histogram.js';
import {PromText, type Labels} from './prom-text.js';

const watcherStates = ['stopped', 'starting', 'active', 'stopping'] as const;

type MetricsSourceOptions = {
	readonly arbiter: () => Arbiter;
	/** The supervisor's own log: lines dropped since start. */
	readonly logDropped?: () => number;
	/** A watcher's stream files, where the stream writer counts them: bytes dropped (the file did not
	keep up), lost (writing failed: disk full) and queued now. Without it those families are left out. */
	readonly streamStats?: (watcher: Watcher) => readonly StreamCounts[];
};

/** One stream file's counts, by its option name (`stdout_stream`, `stderr_stream`). */
type StreamCounts = {
	readonly stream: string;
	readonly droppedBytes: number;
	readonly lostBytes: number;
	readonly queuedBytes: number;
};

/**
What `/metrics` shows, read from the arbiter's state as it is when the scrape arrives. A scrape
reads; it never queues a command on the scheduler, so a busy scheduler cannot delay it and a scrape
cannot delay supervision. /proc is read only here, and only the supervised pids' `stat` and
`statm`: a scrape costs the same on a busy machine as on an idle one.
*/
export class MetricsSource {
	readonly latency = new LatencyHistogram((command) => requestNames.includes(command));
	readonly #options: MetricsSourceOptions;
	readonly #sampler = new ProcSampler();

	constructor(options: MetricsSourceOptions) {
		this.#options = options;
	}

	/** The exposition text, as of now. */
	render(): string {
		const arbiter = this.#options.arbiter();
		const watchers = arbiter.orderedWatchers();
		const text = new PromText();

		const processes: Array<readonly [Labels, number]> = [];
		const states: Array<readonly [Labels, number]> = [];
		for (const watcher of watchers) {
			const desired = watcher.desired === 'active' ? watcher.numprocesses : 0;
			processes.push([{watcher: watcher.name, kind: 'desired'}, desired], [{watcher: watcher.name, kind: 'running'}, watcher.running.length]);
			for (const state of watcherStates) {
				states.push([{watcher: watcher.name, state}, watcher.status === state ? 1 : 0]);
			}
		}

		text.family('procui_watcher_processes', 'gauge', 'Processes of a watcher: kind="desired" is what it should run now, kind="running" what runs.', processes);
		text.family('procui_watcher_state', 'gauge', 'The watcher\'s state: 1 for the state it is in, 0 for the others.', states);
		text.family('procui_watcher_flapping', 'gauge', '1 while the watcher is paused because its processes exit too often, else 0.',
			watchers.map((watcher) => [{watcher: watcher.name}, watcher.flappingUntil === undefined ? 0 : 1]));
		text.family('procui_watcher_gave_up', 'gauge', '1 once the watcher has given up (flapping or spawn retries exhausted) until it is started again, else 0.',
			watchers.map((watcher) => [{watcher: watcher.name}, watcher.gaveUp === undefined ? 0 : 1]));
		text.family('procui_watcher_restarts_total', 'counter', 'Processes that exited without being asked to and were replaced.',
			watchers.map((watcher) => [{watcher: watcher.name}, watcher.restarts]));
		text.family('procui_watcher_spawn_failures_total', 'counter', 'Spawns that failed (command not found, bad uid, ...).',
			watchers.map((watcher) => [{watcher: watcher.name}, watcher.spawnFailuresTotal]));

		this.#writeProcesses(text, arbiter);
		this.#writeOutput(text, arbiter);

		this.latency.write(text, 'procui_command_duration_seconds', 'Control commands from request to reply, queueing and waiting for the effect included.');
		text.family('procui_scheduler_queue_length', 'gauge', 'Commands waiting on the scheduler.', [[{}, arbiter.scheduler.pending]]);
		text.family('procui_scheduler_commands_total', 'counter', 'Commands the scheduler has run.', [[{}, arbiter.scheduler.ran]]);
		text.family('procui_log_dropped_lines_total', 'counter', 'Lines of procui\'s own log dropped because its output was too slow.', [[{}, this.#options.logDropped?.() ?? 0]]);
		text.family('procui_start_time_seconds', 'gauge', 'When the supervisor started, seconds since the epoch.', [[{}, arbiter.startedAt / 1000]]);
		return text.toString();
	}

	#writeProcesses(text: PromText, arbiter: Arbiter): void {
		const records = [...arbiter.watchers.values()].flatMap((watcher) => [...watcher.processes.values()].map((record) => ({watcher: watcher.name, record})));
		const sample = this.#sampler.usage(records.map(({record}) => record.pid));
		const cpu: Array<readonly [Labels, number]> = [];
		const rss: Array<readonly [Labels, number]> = [];
		const uptime: Array<readonly [Labels, number]> = [];
		const now = Date.now();
		for (const {watcher, record} of records) {
			const info = sample.get(record.pid);
			if (info === undefined) {
				continue; // Gone between the exit and its command: nothing true to report.
			}

			const labels = {watcher, wid: record.wid, pid: record.pid};
			cpu.push([labels, info.cpuTime]);
			rss.push([labels, info.rss]);
			uptime.push([labels, Math.max(0, (now - record.startedAt) / 1000)]);
		}

		text.family('procui_process_cpu_seconds_total', 'counter', 'User plus system CPU time of a process (from /proc).', cpu);
		text.family('procui_process_resident_memory_bytes', 'gauge', 'Resident memory of a process (from /proc).', rss);
		text.family('procui_process_uptime_seconds', 'gauge', 'Seconds since the process was spawned.', uptime);
	}

	#writeOutput(text: PromText, arbiter: Arbiter): void {
		const watchers = arbiter.orderedWatchers();
		text.family('procui_output_read_bytes_total', 'counter', 'Output bytes read from a watcher\'s processes (in PTY mode all of it is stream="stdout").',
			watchers.flatMap((watcher) => (['stdout', 'stderr'] as const).map((stream) => [{watcher: watcher.name, stream}, watcher.bytesRead[stream]] as const)));
		const streamStats = this.#options.streamStats;
		if (streamStats === undefined) {
			return;
		}

		const files = watchers.flatMap((watcher) => streamStats(watcher).map((counts) => ({labels: {watcher: watcher.name, stream: counts.stream}, counts})));
		text.family('procui_stream_dropped_bytes_total', 'counter', 'Bytes a stream file dropped because it did not take them fast enough.', files.map(({labels, counts}) => [labels, counts.droppedBytes]));
		text.family('procui_stream_lost_bytes_total', 'counter', 'Bytes a stream file could not write (disk full, directory gone).', files.map(({labels, counts}) => [labels, counts.lostBytes]));
		text.family('procui_stream_queued_bytes', 'gauge', 'Bytes on their way to a stream file now.', files.map(({labels, counts}) => [labels, counts.queuedBytes]));
	}
}
