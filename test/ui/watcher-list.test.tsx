import {afterEach, describe, expect, test} from 'vitest';
import type {ProcessRow, WatcherRow} from '../../source/control/rows.js';
import {sameWatcherList, WatcherList} from '../../source/ui/components/WatcherList.js';
import {fitDetail} from '../../source/ui/style/watcher-state.js';
import {processRow, sampleOverview, watcherRow} from './fixtures.js';
import {renderFrame, type Rendered} from './render-frame.js';

const mounted: Rendered[] = [];
const show = (node: Parameters<typeof renderFrame>[0], columns: number): string => {
	const rendered = renderFrame(node, {columns, rows: 24});
	mounted.push(rendered);
	return rendered.lastFrame();
};

afterEach(() => {
	for (const rendered of mounted.splice(0)) {
		rendered.unmount();
	}
});

const rows = [
	...sampleOverview().watchers,
	watcherRow({name: 'shaky', detail: 'flapping: retry in 7 s (try 2)', numprocesses: 2, restarts: 12, processes: []}),
	// decr to 0: the supervisor says active while the processes stop.
	watcherRow({name: 'drain', numprocesses: 0, processes: [processRow({pid: 401, wid: 1, state: 'stopping'})], running: 0}),
];

describe('the watcher list at every width', () => {
	// 34: a 60-column terminal; 43: 120 columns (lists side by side); 49: 80 columns; 61: 100 columns.
	test.each([34, 43, 49, 61])('%i columns: restarts and the back-off/flapping detail are shown, abbreviated if needed', (width) => {
		const frame = show(<WatcherList rows={rows} selected='ticker' focused width={width} height={8}/>, width);
		const flaky = frame.split('\n').find((line) => line.includes('flaky'))!;
		const shaky = frame.split('\n').find((line) => line.includes('shaky'))!;
		expect(flaky).toMatch(/ 4 /u);
		expect(flaky).toMatch(/0\.4 ?s/u);
		expect(shaky).toMatch(/ 12 /u);
		expect(shaky).toMatch(/7 ?s/u);
		expect(frame).toMatchSnapshot();
	});

	// A 120-column terminal puts the lists side by side: a long name used to push out STATE and PROCS.
	test.each([43, 49])('%i columns: a long name is cut before the state and the counts go', (width) => {
		const long = [...rows, watcherRow({name: 'a-very-long-watcher-name-that-goes-on-and-on-forever', processes: []})];
		const frame = show(<WatcherList rows={long} selected='ticker' focused width={width} height={12}/>, width);
		const header = frame.split('\n').find((line) => line.includes('WATCHER'))!;
		expect(header).toMatch(/WATCHER +STATE +PROCS +↻ DETAIL/u);
		expect(frame.split('\n').find((candidate) => candidate.includes('a-very-long'))).toMatch(/a-very-lo\S*… +active +0\/0 /u);
	});

	test('counts are never cut: 120/120 processes, 1234 restarts', () => {
		const many = [...rows, watcherRow({name: 'big', numprocesses: 120, running: 120, restarts: 1234, processes: []})];
		const line = show(<WatcherList rows={many} selected='ticker' focused width={49} height={12}/>, 49).split('\n').find((candidate) => candidate.includes('big'))!;
		expect(line).toMatch(/ 120\/120 /u);
		expect(line).toMatch(/ 1234 /u);
	});

	test('processes still stopping with none running read `stopping`, not `active 0/0`', () => {
		const frame = show(<WatcherList rows={rows} selected='ticker' focused width={61} height={8}/>, 61);
		expect(frame.split('\n').find((line) => line.includes('drain'))).toMatch(/◐ drain\s+stopping\s+0\/0/u);
	});
});

describe('fitDetail', () => {
	test('the whole detail when it fits, then without its lead, then compact, then cut', () => {
		const detail = 'backing off: respawn in 0.4 s';
		expect(fitDetail(detail, 40)).toBe(detail);
		expect(fitDetail(detail, 20)).toBe('respawn in 0.4 s');
		expect(fitDetail(detail, 6)).toBe('0.4s');
		expect(fitDetail(detail, 14, 'backoff')).toBe('backoff 0.4s');
		expect(fitDetail('gave up: working_dir does not exist: /srv/app', 12)).toBe('working_dir…');
	});
});

describe('the list is built again only when what it shows changed', () => {
	/** Other values for a field: each state and detail the list tells apart, else the value nudged. */
	function otherValues(key: string, value: unknown): unknown[] {
		switch (key) {
			case 'status': {
				return ['active', 'stopped', 'starting', 'stopping', 'unknown'].filter((other) => other !== value);
			}

			case 'detail': {
				return ['active', 'stopped', 'gave up: no such file', 'flapping: retry in 3 s (try 1)', 'backing off: respawn in 1 s', 'spawn failed: denied'].filter((other) => other !== value);
			}

			case 'state': {
				return ['running', 'stopping', 'exited'].filter((other) => other !== value);
			}

			case 'last_exit': {
				return value === null ? [{pid: 9, exit_code: 2, time: 1_700_000_001}] : [null];
			}

			case 'stream_notices': {
				return [['the stream file lost 3 lines']];
			}

			default: {
				break;
			}
		}

		if (typeof value === 'number') {
			return [value + 1, value + 0.1, 0];
		}

		if (typeof value === 'string') {
			return [`${value}x`, ''];
		}

		if (typeof value === 'boolean') {
			return [!value];
		}

		if (Array.isArray(value)) {
			return [[], [...value, ...value]];
		}

		throw new Error(`no other value for ${key}: ${JSON.stringify(value)}`);
	}

	/** Every row of the fixture with one field changed, for every field (its processes' too) and value. */
	function changedRows(): Array<{what: string; rows: WatcherRow[]}> {
		const changed: Array<{what: string; rows: WatcherRow[]}> = [];
		for (const [index, row] of rows.entries()) {
			const replace = (what: string, next: WatcherRow): void => {
				changed.push({what: `${row.name}: ${what}`, rows: rows.with(index, next)});
			};

			for (const [key, value] of Object.entries({...row, stream_notices: row.stream_notices ?? []})) {
				if (key === 'processes') {
					for (const other of otherValues(key, value)) {
						replace(`processes → ${(other as unknown[]).length}`, {...row, processes: other as ProcessRow[]});
					}

					for (const [at, process] of row.processes.entries()) {
						for (const [field, fieldValue] of Object.entries(process)) {
							for (const other of otherValues(field, fieldValue)) {
								replace(`process ${at} ${field} → ${JSON.stringify(other)}`, {...row, processes: row.processes.with(at, {...process, [field]: other})});
							}
						}
					}

					continue;
				}

				for (const other of otherValues(key, value)) {
					replace(`${key} → ${JSON.stringify(other)}`, {...row, [key]: other});
				}
			}
		}

		return changed;
	}

	test('whenever it says the same, the picture is the same, at a width with every column and one without', () => {
		const cases = changedRows();
		let same = 0;
		for (const width of [61, 34]) {
			const before = {rows, selected: 'worker', focused: true, width, height: 8};
			const picture = show(<WatcherList {...before}/>, width);
			for (const {what, rows: after} of cases) {
				if (sameWatcherList(before, {...before, rows: after})) {
					same++;
					expect(show(<WatcherList {...before} rows={after}/>, width), `${what} at ${width} columns`).toBe(picture);
				}
			}
		}

		// What a stats event changes each second for an idle watcher, its processes' age and CPU time, is among them.
		expect(cases.some(({what}) => what.includes('process 0 age'))).toBe(true);
		expect(same).toBeGreaterThan(20);
	});

	test('it says different when a shown field or another prop changes', () => {
		const before = {rows, selected: 'worker', focused: true, width: 61, height: 8};
		const worker = rows[1]!;
		expect(sameWatcherList(before, {...before, rows: rows.with(1, {...worker, processes: worker.processes.map((process) => ({...process, age: process.age + 1}))})})).toBe(true);
		expect(sameWatcherList(before, {...before, rows: rows.with(1, {...worker, restarts: worker.restarts + 1})})).toBe(false);
		expect(sameWatcherList(before, {...before, rows: rows.with(1, {...worker, cpu: worker.cpu + 0.1})})).toBe(false);
		expect(sameWatcherList(before, {...before, selected: 'ticker'})).toBe(false);
		expect(sameWatcherList(before, {...before, focused: false})).toBe(false);
		expect(sameWatcherList(before, {...before, rows: rows.slice(1)})).toBe(false);
	});
});
