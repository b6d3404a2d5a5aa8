import {afterEach, describe, expect, test, vi} from 'vitest';
import {stripAnsi} from '../../source/ui/text/ansi-text.js';
import {LiveStore} from '../../source/ui/live/live-store.js';
import {FakeClient, sampleOverview, until} from './fixtures.js';

const stores: LiveStore[] = [];
function makeStore(client: FakeClient, options: ConstructorParameters<typeof LiveStore>[1] = {}): LiveStore {
	const store = new LiveStore(client, {frameMs: 5, fetchDelayMs: 0, ...options});
	stores.push(store);
	return store;
}

afterEach(async () => {
	await Promise.all(stores.splice(0).map(async (store) => store.stop()));
});

const lines = (watcher: string, pid: number, from: number, to: number) =>
	Array.from({length: to - from + 1}, (_, index) => ({watcher, pid, seq: from + index, time: 1000 + from + index, text: `${watcher} ${from + index}`}));
const texts = (store: LiveStore): string[] => {
	const out: string[] = [];
	for (let index = store.logs.start; index < store.logs.end; index++) {
		const entry = store.logs.at(index)!;
		out.push(entry.kind === 'line' ? entry.text : `[gap ${entry.count} ${entry.unit}]`);
	}

	return out;
};

describe('LiveStore', () => {
	test('starts from an overview, then follows stats events, filing history', async () => {
		const client = new FakeClient();
		const store = makeStore(client);
		await store.start();
		await until(() => store.getSnapshot().overview !== undefined);
		expect(client.topics()).toEqual(['stats', 'watcher']);
		const next = sampleOverview();
		client.emit('stats', {...next, watchers: next.watchers.map((watcher) => ({...watcher, cpu: 42}))});
		await until(() => store.getSnapshot().overview?.watchers[0]!.cpu === 42);
		expect(store.history.get('watcher:ticker')!.cpu).toHaveLength(2);
		expect(store.history.get('process:201')!.rss).toHaveLength(2);
	});

	test('tells views at most once a frame, however many events arrive', async () => {
		// The store's clock, so that exactly 120 ms pass, whatever the machine's load.
		vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout', 'Date']});
		try {
			const client = new FakeClient();
			const store = makeStore(client, {frameMs: 50});
			await store.start();
			let notified = 0;
			store.subscribe(() => {
				notified++;
			});
			// The frame the start asked for.
			await vi.advanceTimersByTimeAsync(50);
			notified = 0;
			for (let index = 0; index < 200; index++) {
				client.emit('stats', sampleOverview());
			}

			await vi.advanceTimersByTimeAsync(120);
			expect(notified).toBe(1);
			expect(store.history.version).toBeGreaterThanOrEqual(200);
		} finally {
			vi.useRealTimers();
		}
	});

	test('fetches a source\'s scrollback, then appends its live lines without duplicates', async () => {
		const client = new FakeClient();
		client.logLines = lines('web', 7, 1, 5);
		const store = makeStore(client);
		await store.start();
		store.setLogSource({kind: 'watcher', name: 'web'});
		await until(() => !store.getSnapshot().log.loading && store.logs.size === 5);
		expect(client.topics()).toContain('logs.web');
		client.emit('logs.web', {watcher: 'web', pid: 7, lines: lines('web', 7, 4, 7)});
		client.emit('logs.other', {watcher: 'other', pid: 9, lines: lines('other', 9, 1, 1)});
		await until(() => store.logs.size === 7);
		expect(texts(store)).toEqual(['web 1', 'web 2', 'web 3', 'web 4', 'web 5', 'web 6', 'web 7']);
	});

	test('a process source keeps only that process\'s lines', async () => {
		const client = new FakeClient();
		client.logLines = [...lines('web', 7, 1, 2), ...lines('web', 8, 1, 2)];
		const store = makeStore(client);
		await store.start();
		store.setLogSource({kind: 'process', name: 'web', pid: 8});
		await until(() => !store.getSnapshot().log.loading);
		client.emit('logs.web', {watcher: 'web', pid: 7, lines: lines('web', 7, 3, 3)});
		client.emit('logs.web', {watcher: 'web', pid: 8, lines: lines('web', 8, 3, 3)});
		await until(() => store.logs.size === 3);
		expect(store.logs.at(store.logs.end - 1)).toMatchObject({pid: 8, seq: 3});
	});

	test('switching source starts over and unsubscribes the old topic; a late reply is ignored', async () => {
		const client = new FakeClient();
		client.logLines = [...lines('web', 7, 1, 3), ...lines('db', 9, 1, 2)];
		const store = makeStore(client);
		await store.start();
		store.setLogSource({kind: 'watcher', name: 'web'});
		store.setLogSource({kind: 'watcher', name: 'db'});
		await until(() => !store.getSnapshot().log.loading && store.logs.size === 2);
		await until(() => !client.topics().includes('logs.web'));
		expect(texts(store)).toEqual(['db 1', 'db 2']);
		expect(client.topics()).toContain('logs.db');
	});

	test('dropped events and sequence holes show as markers', async () => {
		const client = new FakeClient();
		client.logLines = lines('web', 7, 1, 2);
		const store = makeStore(client);
		await store.start();
		store.setLogSource({kind: 'all'});
		await until(() => !store.getSnapshot().log.loading && store.logs.size === 2);
		expect(client.topics()).toContain('logs');
		client.emit('dropped', {count: 12});
		client.emit('logs.web', {watcher: 'web', pid: 7, lines: lines('web', 7, 9, 9)});
		await until(() => store.logs.size === 5);
		expect(texts(store)).toEqual(['web 1', 'web 2', '[gap 12 events]', '[gap 6 lines]', 'web 9']);
	});

	test('older lines are fetched when asked, above what is held', async () => {
		const client = new FakeClient();
		client.logLines = lines('web', 7, 1, 30);
		const store = makeStore(client, {initialLines: 10});
		await store.start();
		store.setLogSource({kind: 'watcher', name: 'web'});
		await until(() => !store.getSnapshot().log.loading && store.logs.size === 10);
		const newest = store.logs.end - 1;
		expect(store.loadOlder()).toBe(true);
		await until(() => !store.getSnapshot().log.loading && store.logs.size === 30);
		expect(store.logs.at(newest)).toMatchObject({seq: 30});
		expect(store.getSnapshot().log.complete).toBe(true);
		expect(store.loadOlder()).toBe(false);
	});

	test('watcher events: restarts and last exit per slot; flapping and spawn failures as notices', async () => {
		const client = new FakeClient();
		const store = makeStore(client);
		await store.start();
		await until(() => store.getSnapshot().overview !== undefined);
		client.emit('watcher.worker.reap', {process_pid: 201, exit_code: -9, wid: 1});
		client.emit('watcher.worker.spawn', {process_pid: 204, wid: 1});
		expect(store.slots.get('worker', 1)).toEqual({restarts: 1, pid: 204, lastExit: -9});
		expect(store.slots.get('worker', 2).restarts).toBe(0);
		client.emit('watcher.flaky.flapping', {tries: 2, retry_in: 7});
		await until(() => store.getSnapshot().notice?.text === 'flaky is flapping: retry in 7 s');
		client.emit('watcher.web.spawn_failed', {reason: 'no such file: ./web'});
		await until(() => store.getSnapshot().notice?.level === 'error');
	});

	test('procui\'s own log is a source of its own, and its warnings are notices', async () => {
		const client = new FakeClient();
		const listeners = new Set<(line: {level: 'warning' | 'info' | 'debug' | 'error'; message: string; time: number}) => void>();
		const store = makeStore(client, {
			supervisorLog: {
				recent: () => [{level: 'info', message: 'supervising 3 watchers', time: 1}],
				subscribe(listener) {
					listeners.add(listener);
					return () => listeners.delete(listener);
				},
			},
		});
		await store.start();
		store.setLogSource({kind: 'supervisor'});
		for (const listener of listeners) {
			listener({level: 'warning', message: 'web: process 7 exited on its own', time: 2});
		}

		await until(() => store.getSnapshot().notice?.text === 'web: process 7 exited on its own');
		expect(texts(store).map((text) => stripAnsi(text))).toEqual(['info    supervising 3 watchers', 'warning web: process 7 exited on its own']);
	});
});
