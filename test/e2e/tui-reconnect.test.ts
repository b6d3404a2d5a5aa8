/**
An attached UI whose daemon dies: the built `procui attach` in a real PTY, the daemon killed with
SIGKILL (no goodbye on the socket), then a new daemon on the same endpoint.
*/
import childProcess from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, expect, test} from 'vitest';
import {cliPath, pidsMatching, tempDir, waitFor} from '../helpers/daemon.js';
import {runInTerminal, type Screen} from './terminal.js';

const screens: Screen[] = [];
const cleanups: Array<() => void> = [];
afterEach(() => {
	for (const screen of screens.splice(0)) {
		screen.kill();
	}

	for (const cleanup of cleanups.splice(0).reverse()) {
		cleanup();
	}
});

/** `procui daemon` on `config` at `endpoint`, killed (with whatever it left running) after the test. */
function daemon(config: string, endpoint: string, dir: string, marker: string): childProcess.ChildProcess {
	const child = childProcess.spawn(process.execPath, [cliPath, 'daemon', config, '--endpoint', endpoint], {cwd: dir, stdio: 'ignore'});
	cleanups.push(() => {
		child.kill('SIGKILL');
		for (const pid of pidsMatching(marker)) {
			process.kill(pid, 'SIGKILL');
		}
	});
	return child;
}

const watcherRow = (screen: string, name: string): string => screen.split('\n').find((line) => new RegExp(`[▸ ][●◐○✖?] ${name}\\b`, 'u').test(line)) ?? '';

test('the daemon dies: rows, header totals and chart values unknown, "disconnected, retrying"; a daemon on the same endpoint again: rows live again', async () => {
	const dir = tempDir();
	cleanups.push(() => {
		fs.rmSync(dir, {recursive: true, force: true});
	});
	const marker = `procui-e2e-reconnect-${process.pid}x${Math.floor(Math.random() * 1e9)}`;
	const config = path.join(dir, 'circus.ini');
	fs.writeFileSync(config, `[watcher:web]
shell = true
cmd = while true; do echo "web alive $$"; sleep 0.3; done # ${marker}
`);
	const socket = path.join(dir, 'run', 'procui.sock');
	const endpoint = `ipc://${socket}`;
	const first = daemon(config, endpoint, dir, marker);
	await waitFor(() => fs.existsSync(socket), {what: 'the daemon to listen'});

	const screen = runInTerminal(['attach', '--endpoint', endpoint], {cwd: dir, columns: 80, rows: 24});
	screens.push(screen);
	await screen.waitFor((current) => watcherRow(current, 'web').includes('active') && watcherRow(current, 'web').includes('1/1') && current.includes('web alive'), 'web running, attached');

	// The daemon dies without a word; its child is left behind (the new daemon starts its own).
	first.kill('SIGKILL');
	let text = await screen.waitFor('disconnected, retrying', 'the UI to notice');
	text = await screen.waitFor((current) => watcherRow(current, 'web').includes('unknown'), 'the row unknown');
	expect(watcherRow(text, 'web')).not.toContain('active');
	expect(watcherRow(text, 'web')).toContain('?/1');
	// The header's counts and totals and the charts' current values are unknown too, not the last ones seen.
	expect(text.split('\n')[0]).toMatch(/ · \? watchers · \? (?:processes|procs)\b/u);
	expect(text).toMatch(/│CPU \? /u);
	for (const pid of pidsMatching(marker)) {
		process.kill(pid, 'SIGKILL');
	}

	// A daemon on the same endpoint: the UI finds it by itself, rows and logs live again.
	daemon(config, endpoint, dir, marker);
	text = await screen.waitFor((current) => !current.includes('disconnected') && watcherRow(current, 'web').includes('active') && watcherRow(current, 'web').includes('1/1'), 'web live again', 40_000);
	// The log pane follows the new daemon's process (its shell's pid is in each line).
	const [newWeb] = await waitFor(() => (pidsMatching(marker).length === 1 ? pidsMatching(marker) : undefined), {what: 'the new daemon\'s web'});
	await screen.waitFor(`web alive ${newWeb}`, 'the new process\'s lines in the log pane');

	screen.type('q');
	expect(await screen.exited).toBe(0);
});
