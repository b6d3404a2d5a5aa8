import {describe, expect, it} from 'vitest';
import {diffConfigs} from '../../source/config/diff.js';
import type {WatcherConfig} from '../../source/config/types.js';
import {config, kernel, watcher, type Kernel, SIGTERM} from './fakes.js';

/* reloadconfig: the difference between two configurations (config/diff.ts), applied to a running kernel. */

function reload(k: Kernel, watchers: readonly WatcherConfig[]): Promise<Record<string, unknown>> {
	return k.arbiter.reloadConfig(() => config(watchers));
}

describe('config diff', () => {
	it('sorts watchers into added, removed, changed, numprocesses-only and unchanged', () => {
		const old = config([watcher('same'), watcher('gone'), watcher('cmd'), watcher('count', {numprocesses: '2'})]);
		const next = config([watcher('same'), watcher('cmd', {cmd: 'server --v2'}), watcher('count', {numprocesses: '5'}), watcher('new')]);
		expect(diffConfigs(old, next)).toMatchObject({added: ['new'], removed: ['gone'], changed: ['cmd'], numprocessesOnly: ['count'], unchanged: ['same'], arbiterOptions: []});
	});

	it('counts a changed environment as a change, and where an option was written as none', () => {
		const old = config([watcher('web', {env: 'MODE=a'})]);
		expect(diffConfigs(old, config([watcher('web', {env: 'MODE=b'})])).changed).toEqual(['web']);
		const moved = {...watcher('web', {env: 'MODE=a'}), origin: {file: 'other.ini', line: 42}};
		expect(diffConfigs(old, config([moved])).unchanged).toEqual(['web']);
	});
});

describe('kernel: reloadconfig', () => {
	it('leaves an unchanged watcher\'s processes alone', async () => {
		const k = kernel([watcher('web', {numprocesses: '2'})]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		const result = await k.outcome(reload(k, [watcher('web', {numprocesses: '2'})]));
		expect(result).toEqual({state: 'resolved', value: {added: [], removed: [], changed: [], rescaled: []}});
		expect(k.children.signals).toEqual([]);
		expect(k.children.all).toHaveLength(2);
	});

	it('rescales a watcher whose numprocesses alone changed, keeping its processes', async () => {
		const k = kernel([watcher('web', {numprocesses: '2'})]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		const result = await k.outcome(reload(k, [watcher('web', {numprocesses: '3'})]));
		expect(result).toMatchObject({value: {rescaled: ['web'], changed: []}});
		expect(k.children.signals).toEqual([]);
		expect(k.alive('web')).toHaveLength(3);
		expect(k.arbiter.get('web').config.numprocesses).toBe(3);
		expect(k.arbiter.config.watchers[0]!.numprocesses).toBe(3);
	});

	it('restarts a changed watcher with its new options, once the old processes are gone', async () => {
		const k = kernel([watcher('web', {graceful_timeout: '4'})]);
		k.children.ignoreOnSpawn(SIGTERM);

		await k.outcome(k.arbiter.startWatchers(['web']));
		const old = k.children.all[0]!;
		const result = reload(k, [watcher('web', {graceful_timeout: '4', cmd: 'server --v2'})]);
		await k.clock.advance(3999);
		expect(k.children.all).toHaveLength(1);
		await k.clock.advance(1);
		expect(await k.outcome(result)).toMatchObject({state: 'resolved', value: {changed: ['web']}});
		expect(old.exited).toBe(true);
		expect(k.alive('web').map((child) => child.options.args)).toEqual([['--v2']]);
	});

	it('does not start a changed watcher that was stopped and is not autostart', async () => {
		const k = kernel([watcher('web', {autostart: 'false'})]);
		const result = await k.outcome(reload(k, [watcher('web', {autostart: 'false', cmd: 'server --v2'})]));
		expect(result).toMatchObject({value: {changed: ['web']}});
		expect(k.children.all).toHaveLength(0);
		expect(k.arbiter.get('web').config.cmd).toBe('server --v2');
	});

	it('stops and removes a watcher that is gone from the configuration', async () => {
		const k = kernel([watcher('web'), watcher('old', {numprocesses: '2'})]);
		await k.outcome(k.arbiter.startWatchers(['web', 'old']));
		const oldPids = k.alive('old').map((child) => child.pid);
		const result = await k.outcome(reload(k, [watcher('web')]));
		expect(result).toMatchObject({value: {removed: ['old']}});
		expect(oldPids.map((pid) => k.children.byPid(pid)!.exited)).toEqual([true, true]);
		expect([...k.arbiter.watchers.keys()]).toEqual(['web']);
		expect(k.topics('old.')).toEqual(['old.start', 'old.spawn', 'old.spawn', 'old.kill', 'old.kill', 'old.reap', 'old.reap', 'old.stop', 'old.remove']);
		expect(k.alive('web')).toHaveLength(1);
	});

	it('adds new watchers: started when autostart, left stopped when not or when on_demand', async () => {
		const k = kernel([watcher('web')]);
		const result = await k.outcome(reload(k, [watcher('web'), watcher('auto'), watcher('manual', {autostart: 'false'})]));
		expect(result).toMatchObject({value: {added: ['auto', 'manual']}});
		expect(k.arbiter.get('auto').status).toBe('active');
		expect(k.alive('auto')).toHaveLength(1);
		expect(k.arbiter.get('manual').status).toBe('stopped');
		expect(k.topics('add')).toEqual(['auto.add', 'manual.add']);
	});

	it('a stop that comes while reloadconfig stops a changed watcher wins: the watcher is not started again', async () => {
		const k = kernel([watcher('web', {graceful_timeout: '4'})]);
		k.children.ignoreOnSpawn(SIGTERM);

		await k.outcome(k.arbiter.startWatchers(['web']));
		const result = reload(k, [watcher('web', {graceful_timeout: '4', cmd: 'server --v2'})]);
		await k.settle();
		const stop = k.arbiter.stopWatchers(['web']);
		await k.clock.advance(4000);
		expect(await k.outcome(result)).toMatchObject({state: 'resolved', value: {changed: ['web']}});
		expect((await k.outcome(stop)).state).toBe('resolved');
		expect(k.children.all).toHaveLength(1);
		expect(k.arbiter.get('web').status).toBe('stopped');
		// The new options apply all the same, for the next start.
		expect(k.arbiter.get('web').config.cmd).toBe('server --v2');
	});

	it('a reloadconfig while a watcher is stopping takes the new options without undoing the stop', async () => {
		const k = kernel([watcher('web', {graceful_timeout: '4', numprocesses: '2'})]);
		k.children.ignoreOnSpawn(SIGTERM);

		await k.outcome(k.arbiter.startWatchers(['web']));
		const stop = k.arbiter.stopWatchers(['web']);
		await k.settle();
		const result = reload(k, [watcher('web', {graceful_timeout: '4', numprocesses: '3'})]);
		await k.clock.advance(4000);
		expect(await k.outcome(result)).toMatchObject({state: 'resolved', value: {rescaled: ['web']}});
		expect((await k.outcome(stop)).state).toBe('resolved');
		expect(k.children.all).toHaveLength(2);
		expect(k.arbiter.get('web').status).toBe('stopped');
		expect(k.arbiter.get('web').numprocesses).toBe(3);
	});

	it('refuses a configuration that cannot be loaded and keeps the running one', async () => {
		const k = kernel([watcher('web')]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		const before = k.arbiter.config;
		const result = await k.outcome(k.arbiter.reloadConfig(() => {
			throw new Error('circus.ini:3: bad value');
		}));
		expect(result.state === 'rejected' && result.error.message).toBe('the configuration was not reloaded: circus.ini:3: bad value');
		expect(k.arbiter.config).toBe(before);
		expect(k.children.signals).toEqual([]);
	});
});
