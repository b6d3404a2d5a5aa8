/** Test data and a scripted client for UI tests: no supervisor, no sockets. */
import {topicMatches, type EventMessage, type Properties, type Reply} from '../../source/control/protocol.js';
import type {Overview, ProcessRow, WatcherRow} from '../../source/control/rows.js';
import type {Subscription, SupervisorClient} from '../../source/control/supervisor-client.js';

export function processRow(fields: Partial<ProcessRow> & {pid: number; wid: number}): ProcessRow {
	return {
		state: 'running',
		cpu: 0.5,
		mem: 0.1,
		rss: 10 * 1024 * 1024,
		vms: 100 * 1024 * 1024,
		mem_info1: '10M',
		mem_info2: '100M',
		ctime: '0:00.1',
		username: 'me',
		nice: 0,
		cmdline: 'python3 worker.py',
		create_time: 1_700_000_000,
		started: 1_700_000_000,
		age: 65,
		children: [],
		lines: 10,
		...fields,
	};
}

export function watcherRow(fields: Partial<WatcherRow> & {name: string}): WatcherRow {
	const processes = fields.processes ?? [];
	return {
		status: 'active',
		detail: 'active',
		numprocesses: processes.length,
		running: processes.filter((row) => row.state === 'running').length,
		restarts: 0,
		priority: 0,
		pty: true,
		cmd: 'run',
		cpu: processes.reduce((sum, row) => sum + row.cpu, 0),
		rss: processes.reduce((sum, row) => sum + row.rss, 0),
		last_exit: null,
		...fields,
		processes,
	};
}

/** Three watchers as examples/circus.ini has them. */
export function sampleOverview(): Overview {
	return {
		watchers: [
			watcherRow({name: 'ticker', processes: [processRow({pid: 101, wid: 1, cmdline: 'sh -c while true'})]}),
			watcherRow({name: 'worker', processes: [processRow({pid: 201, wid: 1}), processRow({pid: 202, wid: 2}), processRow({pid: 203, wid: 3})]}),
			watcherRow({name: 'flaky', status: 'active', detail: 'backing off: respawn in 0.4 s', numprocesses: 1, restarts: 4, processes: [], last_exit: {pid: 301, exit_code: 1, time: 1_700_000_000}}),
		],
		supervisor: {pid: 1, cpu: 0.1, rss: 40 * 1024 * 1024, age: 100},
		config: '/srv/app/circus.ini',
		endpoint: 'ipc:///run/procui.sock',
	};
}

export type LogLineFixture = {watcher: string; pid: number; seq: number; time: number; text: string};

/** A client whose replies are scripted and whose events the test sends. */
export class FakeClient implements SupervisorClient {
	readonly endpoint = 'ipc:///run/procui.sock';
	readonly calls: Array<{command: string; properties: Properties}> = [];
	overview: Overview = sampleOverview();
	logLines: LogLineFixture[] = [];
	/** How long a `logs` reply takes. */
	logsDelayMs = 0;
	/** Replies for other commands, by command; default ok. */
	readonly replies = new Map<string, (properties: Properties) => Reply | Promise<Reply>>();
	readonly #subscriptions = new Set<{topics: readonly string[]; onEvent: (event: EventMessage) => void}>();

	async call(command: string, properties: Properties = {}): Promise<Reply> {
		this.calls.push({command, properties});
		if (command === 'overview') {
			return {id: null, status: 'ok', time: 0, ...this.overview};
		}

		if (command === 'logs') {
			await new Promise((resolve) => setTimeout(resolve, this.logsDelayMs));
			const lines = this.logLines.filter((line) => (properties.name === undefined || line.watcher === properties.name) && (properties.pid === undefined || line.pid === properties.pid));
			return {id: null, status: 'ok', time: 0, lines: lines.slice(Math.max(0, lines.length - Number(properties.lines ?? 100)))};
		}

		const reply = this.replies.get(command);
		return reply === undefined ? {id: null, status: 'ok', time: 0} : reply(properties);
	}

	async subscribe(topics: readonly string[], onEvent: (event: EventMessage) => void): Promise<Subscription> {
		const entry = {topics, onEvent};
		this.#subscriptions.add(entry);
		return {
			topics,
			unsubscribe: async () => {
				this.#subscriptions.delete(entry);
			},
		};
	}

	async close(): Promise<void> {
		this.#subscriptions.clear();
	}

	/** Deliver an event as the server would: to matching subscriptions, `dropped` to all. */
	emit(event: string, data: Record<string, unknown>): void {
		for (const entry of [...this.#subscriptions]) {
			if (event === 'dropped' || entry.topics.some((pattern) => topicMatches(pattern, event))) {
				entry.onEvent({event, data, time: 0});
			}
		}
	}

	/** The topic patterns currently subscribed. */
	topics(): string[] {
		return [...this.#subscriptions].flatMap((entry) => entry.topics);
	}
}

/** Wait until `probe` is true (or throw after `timeoutMs`). */
export async function until(probe: () => boolean, timeoutMs = 2000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!probe()) {
		if (Date.now() > deadline) {
			throw new Error('timed out');
		}

		await new Promise((resolve) => setTimeout(resolve, 5));
	}
}
