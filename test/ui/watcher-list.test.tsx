import {afterEach, describe, expect, test} from 'vitest';
import {WatcherList} from '../../source/ui/components/WatcherList.js';
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
