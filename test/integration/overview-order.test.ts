/**
The overview lists watchers in the order the configuration file gives them (not by name), found
once and kept while the watchers and the configuration are the same (the overview is built every
second for a TUI): a watcher added or removed is shown at once, even one that leaves the count
the same.
*/
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, expect, it} from 'vitest';
import {loadConfig} from '../../source/config/index.js';
import {Supervisor} from '../../source/control/supervisor.js';
import {tempDir} from '../helpers/daemon.js';

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) {
		await cleanup();
	}
});

const names = (supervisor: Supervisor): string[] => supervisor.overview().watchers.map((watcher) => watcher.name);

it('keeps the file\'s order across overviews, and follows an add, a removal, and both at once', async () => {
	const dir = tempDir();
	const file = path.join(dir, 'circus.ini');
	const write = (order: readonly string[]): void => {
		fs.writeFileSync(file, order.map((name) => `[watcher:${name}]\ncmd = sleep 1000\nautostart = false\n`).join('\n'));
	};

	write(['zeta', 'alpha', 'mid']);
	const load = () => loadConfig(file, {cwd: dir, environ: process.env});
	const supervisor = new Supervisor({config: load(), endpoint: `ipc://${path.join(dir, 'procui.sock')}`, log: () => undefined, loadConfig: load});
	await supervisor.start();
	cleanups.push(async () => {
		await supervisor.arbiter.quit();
		await supervisor.close();
		fs.rmSync(dir, {recursive: true, force: true});
	});

	expect(names(supervisor)).toEqual(['zeta', 'alpha', 'mid']);
	expect(names(supervisor)).toEqual(['zeta', 'alpha', 'mid']);

	const client = supervisor.client();
	expect((await client.call('add', {name: 'added', cmd: 'sleep 1000'})).status).toBe('ok');
	expect(names(supervisor)).toEqual(['zeta', 'alpha', 'mid', 'added']);
	expect((await client.call('rm', {name: 'zeta'})).status).toBe('ok');
	expect(names(supervisor)).toEqual(['alpha', 'mid', 'added']);
	// One out and one in: as many watchers as before, not the same ones.
	expect((await client.call('rm', {name: 'alpha'})).status).toBe('ok');
	expect((await client.call('add', {name: 'other', cmd: 'sleep 1000'})).status).toBe('ok');
	expect(names(supervisor)).toEqual(['mid', 'added', 'other']);
});
