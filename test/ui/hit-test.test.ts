import {describe, expect, test} from 'vitest';
import {hitTest} from '../../source/ui/components/hit-test.js';
import {computeLayout, type LayoutInput} from '../../source/ui/components/layout.js';

const input = (fields: Partial<LayoutInput>): LayoutInput => ({columns: 100, rows: 30, watcherCount: 2, processCount: 1, nameWidth: 7, list: 'watchers', zoom: false, ...fields});
const lists = (watchers: number, processes = 1, selectedWatcher = 0) => ({watchers: {count: watchers, selected: selectedWatcher}, processes: {count: processes, selected: 0}});

describe('hitTest', () => {
	test('narrow: the watcher list\'s items below its title and column titles; its border and the header are no item', () => {
		const layout = computeLayout(input({}));
		expect(layout.watchersWidth).toBeGreaterThan(0);
		expect(layout.processesWidth).toBe(0);
		// Row 0 the header, 1 the list's top border (its title), 2 its column titles.
		expect(hitTest(layout, lists(2), 5, 0)).toBeUndefined();
		expect(hitTest(layout, lists(2), 5, 1)).toEqual({pane: 'watchers', index: undefined});
		expect(hitTest(layout, lists(2), 5, 2)).toEqual({pane: 'watchers', index: undefined});
		expect(hitTest(layout, lists(2), 5, 3)).toEqual({pane: 'watchers', index: 0});
		expect(hitTest(layout, lists(2), 5, 4)).toEqual({pane: 'watchers', index: 1});
		// Below the last watcher, and on the side borders.
		expect(hitTest(layout, lists(2), 5, 5)).toEqual({pane: 'watchers', index: undefined});
		expect(hitTest(layout, lists(2), 0, 3)).toEqual({pane: 'watchers', index: undefined});
		expect(hitTest(layout, lists(2), layout.watchersWidth - 1, 3)).toEqual({pane: 'watchers', index: undefined});
		expect(hitTest(layout, lists(2), layout.watchersWidth, 3)).toEqual({pane: 'charts'});
	});

	test('wide: watchers, then processes, then charts, side by side', () => {
		const layout = computeLayout(input({columns: 160, rows: 40, processCount: 3}));
		const both = lists(2, 3);
		expect(hitTest(layout, both, layout.watchersWidth - 2, 4)).toEqual({pane: 'watchers', index: 1});
		expect(hitTest(layout, both, layout.watchersWidth + 1, 5)).toEqual({pane: 'processes', index: 2});
		expect(hitTest(layout, both, layout.watchersWidth + 1, 6)).toEqual({pane: 'processes', index: undefined});
		expect(hitTest(layout, both, layout.watchersWidth + layout.processesWidth, 5)).toEqual({pane: 'charts'});
	});

	test('a list longer than its box: the item under the pointer is counted from the window shown around the selection', () => {
		const layout = computeLayout(input({watcherCount: 50}));
		const visible = layout.topHeight - 3;
		// The 41st of 50 selected: the window is centred on it.
		const start = 40 - Math.floor(visible / 2);
		expect(hitTest(layout, lists(50, 1, 40), 5, 3)).toEqual({pane: 'watchers', index: start});
		expect(hitTest(layout, lists(50, 1, 40), 5, 3 + visible - 1)).toEqual({pane: 'watchers', index: start + visible - 1});
		// The first selected: the window starts at the top.
		expect(hitTest(layout, lists(50, 1, 0), 5, 3)).toEqual({pane: 'watchers', index: 0});
	});

	test('the log pane: its text rows from 0, none on its borders; the status line and footer are nothing', () => {
		const layout = computeLayout(input({}));
		const title = 1 + layout.topHeight;
		expect(hitTest(layout, lists(2), 10, title)).toEqual({pane: 'logs', row: undefined});
		expect(hitTest(layout, lists(2), 10, title + 1)).toEqual({pane: 'logs', row: 0});
		expect(hitTest(layout, lists(2), 10, title + layout.logHeight - 2)).toEqual({pane: 'logs', row: layout.logHeight - 3});
		expect(hitTest(layout, lists(2), 10, title + layout.logHeight - 1)).toEqual({pane: 'logs', row: undefined});
		expect(hitTest(layout, lists(2), 0, title + 1)).toEqual({pane: 'logs', row: undefined});
		expect(hitTest(layout, lists(2), 10, 28)).toBeUndefined();
		expect(hitTest(layout, lists(2), 10, 29)).toBeUndefined();
	});

	test('zoomed, the log pane starts under the header; too small, nothing is anywhere', () => {
		expect(hitTest(computeLayout(input({zoom: true})), lists(2), 10, 2)).toEqual({pane: 'logs', row: 0});
		expect(hitTest(computeLayout(input({columns: 40})), lists(2), 5, 3)).toBeUndefined();
	});
});
