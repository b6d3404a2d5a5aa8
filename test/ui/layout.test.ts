import {describe, expect, test} from 'vitest';
import {computeLayout, type LayoutInput} from '../../source/ui/components/layout.js';

const input = (fields: Partial<LayoutInput>): LayoutInput => ({columns: 80, rows: 24, watcherCount: 3, processCount: 3, nameWidth: 7, list: 'watchers', zoom: false, ...fields});

describe('computeLayout', () => {
	test('80×24: one list beside the charts, the logs below, every row used', () => {
		const layout = computeLayout(input({}));
		expect(layout).toMatchObject({tooSmall: false, watchersWidth: layout.columns - layout.chartsWidth, processesWidth: 0});
		expect(1 + layout.topHeight + layout.logHeight + 2).toBe(24);
		expect(layout.logHeight).toBeGreaterThanOrEqual(10);
	});

	test('the narrow layout shows the process list once it has focus', () => {
		const layout = computeLayout(input({list: 'processes'}));
		expect(layout.watchersWidth).toBe(0);
		expect(layout.processesWidth + layout.chartsWidth).toBe(80);
	});

	test('wide terminals show both lists, sized to the watcher names', () => {
		const layout = computeLayout(input({columns: 160, rows: 50}));
		expect(layout.watchersWidth).toBe(55);
		expect(layout.watchersWidth + layout.processesWidth + layout.chartsWidth).toBe(160);
	});

	test('the top grows with the lists, up to under half the screen', () => {
		expect(computeLayout(input({rows: 50, watcherCount: 100})).topHeight).toBe(Math.floor(47 * 0.45));
		expect(computeLayout(input({rows: 50, watcherCount: 2})).topHeight).toBe(12);
	});

	test('zoom gives the logs everything between header and status', () => {
		expect(computeLayout(input({zoom: true}))).toMatchObject({topHeight: 0, logHeight: 21});
	});

	test('below 60×16 there is no room for the screen', () => {
		expect(computeLayout(input({columns: 59})).tooSmall).toBe(true);
		expect(computeLayout(input({rows: 15})).tooSmall).toBe(true);
	});
});
