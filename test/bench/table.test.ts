/** The table's verdicts: a figure meets its target only when every bound of it holds. */
import {describe, expect, test} from 'vitest';
import {evaluate, type Measurement} from './table.js';

const spawnTime: Measurement = {
	id: 'w1.spawn',
	figure: 'W1 all 100 running',
	unit: 's',
	baselineName: 'sh loop',
	target: {on: 'value', atMost: true, limit: 0.3, also: {on: 'ratio', atMost: true, limit: 2}, text: '≤ 0.3 s and ≤ 2× sh loop'},
};

describe('evaluate', () => {
	test('a figure within both bounds passes', () => {
		expect(evaluate({...spawnTime, procui: 0.1, baseline: 0.06}).outcome).toBe('pass');
	});

	test('a figure within the value bound but over the ratio bound misses', () => {
		const row = evaluate({...spawnTime, procui: 0.169, baseline: 0.0656});
		expect(row.ratio).toBeCloseTo(2.58, 2);
		expect(row.outcome).toBe('miss');
	});

	test('a figure over the value bound misses even with a good ratio', () => {
		expect(evaluate({...spawnTime, procui: 0.4, baseline: 0.3}).outcome).toBe('miss');
	});

	test('a second bound on the ratio without a baseline is an error, not a pass', () => {
		expect(evaluate({...spawnTime, procui: 0.1}).outcome).toBe('error');
	});

	test('a single bound on the ratio is judged on the ratio alone', () => {
		const measurement: Measurement = {id: 'x', figure: 'x', unit: '%', baselineName: 'b', procui: 90, baseline: 100, target: {on: 'ratio', atMost: false, limit: 0.85, text: '≥ 85 % of b'}};
		expect(evaluate(measurement).outcome).toBe('pass');
		expect(evaluate({...measurement, procui: 80}).outcome).toBe('miss');
	});
});
