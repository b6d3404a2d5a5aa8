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
	expect(await screen.restored()).toBe(true);
	expect(screen.text()).toContain('Refusing to put the control socket in');
	expect(childrenOf(screen.pid)).toEqual([]);
}, 60_000);

/** A preload whose resolve hook holds the import of `ink` until `goFile` exists. */
function holdInk(dir: string, goFile: string): string {
	const hooks = path.join(dir, 'hold-ink-hooks.mjs');
	fs.writeFileSync(hooks, `import fs from 'node:fs';
export async function resolve(specifier, context, next) {
	if (specifier === 'ink') {
		while (!fs.existsSync(${JSON.stringify(goFile)})) {
			await new Promise((done) => setTimeout(done, 20));
		}
	}

	return next(specifier, context);
}
`);
	const preload = path.join(dir, 'hold-ink.mjs');
	fs.writeFileSync(preload, `import {register} from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
	return preload;
}

test('the layout is drawn before Ink has loaded, as the UI then draws it; keys typed meanwhile wait for the UI, unechoed', async () => {
	const dir = tempDir();
	dirs.push(dir);
	const inkGo = path.join(dir, 'ink-go');
	const listenGo = path.join(dir, 'listen-go');
	const holdListenFile = path.join(dir, 'hold-listen.mjs');
	fs.writeFileSync(holdListenFile, holdListen(listenGo));
	fs.writeFileSync(path.join(dir, 'circus.ini'), '[watcher:alpha]\ncmd = sleep 1000\n');
	const screen = runInTerminal(['circus.ini', '--endpoint', `ipc://${path.join(dir, 'procui.sock')}`], {
		cwd: dir,
		columns: 100,
		rows: 30,
		env: {NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${pathToFileURL(holdInk(dir, inkGo)).href} --import ${pathToFileURL(holdListenFile).href}`.trim()},
	});
	screens.push(screen);

	// Ink is held: what is on the screen is procui's first frame.
	const early = await screen.waitFor((text) => text.includes('─ Watchers (0)') && text.includes('─ Logs · all watchers') && text.includes('? help'), 'the layout before Ink', 30_000);
	expect(early).toContain('connecting…');
	expect(screen.bufferType()).toBe('alternate');
	// A key no binding takes, then one that opens the help: neither is echoed by the terminal.
	screen.type('§?');

	// Ink loads (the supervisor still held): the help the key asked for opens, and closing it shows
	// the UI's own first frame: its boxes where the ones drawn before were (the UI adds what only it
	// knows: column titles, charts' axes).
	fs.writeFileSync(inkGo, '');
	await screen.waitFor((text) => text.includes('Previous watcher or process') && text.includes('Esc close'), 'the help, asked for before Ink loaded', 30_000);
	screen.type('\u001B');
	const ui = await screen.waitFor((text) => !text.includes('Esc close') && text.includes('─ Watchers (0)'), 'the help closed', 30_000);
	expect(screen.output()).not.toContain('§');
	const outline = (text: string): string => text.split('\n').map((row) => row.replaceAll(/[^╭╮╰╯│]/gu, ' ')).join('\n');
	expect(outline(ui)).toBe(outline(early));
	for (const row of [0, -2, -1]) {
		expect(ui.split('\n').at(row)).toBe(early.split('\n').at(row));
	}

	fs.writeFileSync(listenGo, '');
	await screen.waitFor((text) => /[▸ ]● alpha\b/u.test(text), 'alpha running', 30_000);
	screen.type('q');
	await screen.waitFor('Quit procui?', 'the quit question');
	screen.type('y');
	expect(await screen.exited).toBe(0);
	expect(await screen.restored()).toBe(true);
}, 90_000);
