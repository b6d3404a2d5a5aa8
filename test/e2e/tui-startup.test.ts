/**
The first frame does not wait for the supervisor: `procui CONFIG` draws its layout at once and
fills it in when the supervisor answers, watcher by watcher as they start. The supervisor is held back for real: a preload (Node's
--import) keeps the control socket's listen() from binding until the test says go, so nothing is
started, spawned or answered meanwhile.
*/
import fs from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {afterEach, expect, test} from 'vitest';
import {tempDir} from '../helpers/daemon.js';
import {runInTerminal, type Screen} from './terminal.js';

const screens: Screen[] = [];
const dirs: string[] = [];
afterEach(() => {
	for (const screen of screens.splice(0)) {
		screen.kill();
	}

	for (const dir of dirs.splice(0)) {
		fs.rmSync(dir, {recursive: true, force: true});
	}
});

/** Processes whose parent is `pid`. */
function childrenOf(pid: number): number[] {
	return fs.readdirSync('/proc').filter((name) => /^\d+$/u.test(name)).filter((name) => {
		try {
			const stat = fs.readFileSync(`/proc/${name}/stat`, 'latin1');
			return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
		} catch {
			return false;
		}
	}).map(Number);
}

/** A preload that holds every net.Server#listen until `goFile` exists. */
function holdListen(goFile: string): string {
	return `import fs from 'node:fs';
import net from 'node:net';
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
	const timer = setInterval(() => {
		if (fs.existsSync(${JSON.stringify(goFile)})) {
			clearInterval(timer);
			listen.apply(this, args);
		}
	}, 20);
	return this;
};
`;
}

test('the layout is on the screen before the supervisor has started; the watchers fill in once it has', async () => {
	const dir = tempDir();
	dirs.push(dir);
	const go = path.join(dir, 'go');
	const preload = path.join(dir, 'hold-listen.mjs');
	fs.writeFileSync(preload, holdListen(go));
	fs.writeFileSync(path.join(dir, 'circus.ini'), '[watcher:alpha]\ncmd = sleep 1000\n\n[watcher:beta]\ncmd = sleep 1000\n');
	const screen = runInTerminal(['circus.ini', '--endpoint', `ipc://${path.join(dir, 'procui.sock')}`], {
		cwd: dir,
		columns: 100,
		rows: 30,
		env: {NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${pathToFileURL(preload).href}`.trim()},
	});
	screens.push(screen);

	const first = await screen.waitFor((text) => text.includes('─ Watchers (') && text.includes('─ Logs'), 'the layout, with the supervisor held', 30_000);
	expect(first).toContain('connecting…');
	// The supervisor has not started: no watcher's process exists yet.
	expect(childrenOf(screen.pid)).toEqual([]);
	expect(fs.existsSync(path.join(dir, 'procui.sock'))).toBe(false);

	fs.writeFileSync(go, '');
	const filled = await screen.waitFor((text) => /[▸ ]● alpha\b/u.test(text) && /[▸ ]● beta\b/u.test(text), 'both watchers running', 30_000);
	expect(filled).not.toContain('connecting…');
	expect(childrenOf(screen.pid).length).toBeGreaterThanOrEqual(2);
	// Within the first second (before the first stats event), the UI knows what runs: q asks first.
	screen.type('q');
	await screen.waitFor('Quit procui?', 'the quit question');
	screen.type('y');
	expect(await screen.exited).toBe(0);
}, 90_000);

test('a supervisor that cannot start after the layout is drawn: the terminal is restored, the reason printed, exit 1', async () => {
	const dir = tempDir();
	dirs.push(dir);
	// The control socket's directory is writable by others: the supervisor refuses it.
	const open = path.join(dir, 'open');
	fs.mkdirSync(open);
	fs.chmodSync(open, 0o777);
	fs.writeFileSync(path.join(dir, 'circus.ini'), '[watcher:alpha]\ncmd = sleep 1000\n');
	const screen = runInTerminal(['circus.ini', '--endpoint', `ipc://${path.join(open, 'procui.sock')}`], {cwd: dir, columns: 100, rows: 30});
	screens.push(screen);
	expect(await screen.exited).toBe(1);
	expect(screen.restored()).toBe(true);
	expect(screen.text()).toContain('Refusing to put the control socket in');
	expect(childrenOf(screen.pid)).toEqual([]);
}, 60_000);
