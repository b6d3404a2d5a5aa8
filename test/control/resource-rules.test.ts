import {describe, expect, it} from 'vitest';
import type {PluginConfig} from '../../source/config/types.js';
import {brokenRules} from '../../source/control/plugins/resource-watcher.js';

type Config = Extract<PluginConfig, {kind: 'resource_watcher'}>;
const base: Config = {
	kind: 'resource_watcher', name: 'rw', watcher: 'web', loopRate: 60, maxCpu: 90, maxMem: {percent: 90}, healthThreshold: 75, maxCount: 3,
	statsd: {host: 'localhost', port: 8125, sampleRate: 1, applicationName: 'app'},
};
const quiet = {maxCpu: 10, minCpu: 5, maxMem: 10, minMem: 5, maxRss: 1000, minRss: 500};

/** circus/plugins/resource_watcher.py `_process_index`: `>` for the maxima and health, `<=` for min_cpu, `<` for min_mem. */
describe('resource_watcher rules', () => {
	it('a quiet watcher breaks nothing', () => {
		expect([...brokenRules(base, quiet)]).toEqual([]);
	});

	it('max_cpu and max_mem are broken only above the bound', () => {
		const noHealth = {...base, healthThreshold: 0};
		expect([...brokenRules(noHealth, {...quiet, maxCpu: 90, maxMem: 90})]).toEqual([]);
		expect([...brokenRules(noHealth, {...quiet, maxCpu: 90.1, maxMem: 90.1})]).toEqual(['over_cpu', 'over_memory']);
	});

	it('max_mem as bytes compares the largest RSS', () => {
		expect([...brokenRules({...base, maxMem: {bytes: 1000}}, quiet)]).toEqual([]);
		expect([...brokenRules({...base, maxMem: {bytes: 999}}, quiet)]).toEqual(['over_memory']);
	});

	it('min_cpu is broken at the bound (<=), min_mem only below it (<)', () => {
		expect([...brokenRules({...base, minCpu: 5, minMem: {percent: 5}}, quiet)]).toEqual(['under_cpu']);
		expect([...brokenRules({...base, minCpu: 4, minMem: {percent: 5.1}}, quiet)]).toEqual(['under_memory']);
	});

	it('health is the mean of the largest CPU and memory percentages; 0 turns it off', () => {
		expect([...brokenRules({...base, maxCpu: 0, maxMem: {percent: 100}}, {...quiet, maxCpu: 80, maxMem: 71})]).toEqual(['over_health']);
		expect([...brokenRules({...base, maxCpu: 0, maxMem: {percent: 100}, healthThreshold: 0}, {...quiet, maxCpu: 80, maxMem: 71})]).toEqual([]);
	});
});
