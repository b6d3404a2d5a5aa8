/**
Interactive programs inside procui, through the built `procui` in a real PTY read by a terminal
emulator: output without a newline, full-screen programs, typing into a process.
*/
import fs from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {afterEach, expect, test} from 'vitest';
import {startDaemon, tempDir, type Daemon} from '../helpers/daemon.js';
import {runInTerminal, type Screen} from './terminal.js';

const screens: Screen[] = [];
const dirs: string[] = [];
const daemons: Daemon[] = [];
afterEach(async () => {
	for (const daemon of daemons.splice(0)) {
		await daemon.stop();
	}

	for (const screen of screens.splice(0)) {
		screen.kill();
	}

	for (const dir of dirs.splice(0)) {
		fs.rmSync(dir, {recursive: true, force: true});
	}
});

function start(ini: string, size: {columns: number; rows: number} = {columns: 120, rows: 32}): Screen {
	const dir = tempDir();
	dirs.push(dir);
	fs.writeFileSync(path.join(dir, 'circus.ini'), ini);
	const screen = runInTerminal(['circus.ini', '--endpoint', `ipc://${path.join(dir, 'procui.sock')}`], {cwd: dir, ...size});
	screens.push(screen);
	return screen;
}

test('a progress bar without a newline shows as it arrives, and its \\r frame is replaced, not repeated', async () => {
	const screen = start(`[watcher:bar]
shell = true
cmd = echo start; printf 'progress 10%%'; sleep 1; printf '\\rprogress 50%%'; sleep 6; printf '\\rprogress 100%%\\n'; echo end; exec sleep 1000
`);
	const text = await screen.waitFor('progress 50%', 'the unfinished progress line', 30_000);
	expect(text).not.toContain('progress 10%');
	expect(text).not.toContain('end');
	const done = await screen.waitFor('end', 'the completed line', 30_000);
	expect(done).toContain('progress 100%');
	expect(done).not.toContain('progress 50%');
	expect(done.split('progress 100%').length).toBe(2);
});

test('top, a full-screen program, shows its screen inside the log pane', async () => {
	const screen = start(`[watcher:top]
cmd = top -d 1

[env:top]
TERM = xterm
`);
	// Inside the log pane (its border and title are there), below the lists; all in one frame (the
	// emulator may show a frame half parsed: the state is waited for whole).
	const inPane = (text: string): boolean => {
		const rows = text.split('\n');
		const header = rows.findIndex((row) => row.includes('load average'));
		return header > 0 && rows.slice(0, header).some((row) => row.includes('Logs · top')) && /^│top - /u.test(rows[header]!) && /─ screen ─╮/u.test(text);
	};

	expect(inPane(await screen.waitFor(inPane, 'top\'s header inside procui\'s log pane', 30_000))).toBe(true);
	await screen.waitFor(/PID USER/u, 'top\'s process table', 30_000);

	// A search while the screen shows is in the lines: said, not silently done out of sight.
	screen.type('/');
	await screen.waitFor(/^\/\s*$/mu, 'the search prompt');
	screen.type('root\r');
	await screen.waitFor(/searched the lines, not the screen: T shows them/u, 'the status line saying where the search looked');
});

test('T switches a process between its screen and its lines, both ways, until the process exits', async () => {
	const screen = start(`[watcher:draw]
shell = true
cmd = echo plain-one; echo plain-two; printf '\\033[?1049h\\033[HSCREEN-VIEW'; exec sleep 1000

[watcher:bar]
shell = true
cmd = printf 'step 1'; sleep 1; printf '\\rstep 2'; exec sleep 1000
`);
	// The alternate screen: the screen view, without the lines printed before it.
	const drawn = await screen.waitFor((text) => /^│SCREEN-VIEW/mu.test(text) && /─ screen ─╮/u.test(text), 'draw\'s screen', 30_000);
	expect(drawn).not.toContain('plain-one');
	expect(drawn).not.toContain('plain-two');
	screen.type('\t\t');
	await screen.waitFor('T screen/lines', 'the footer hint of the log pane');
	screen.type('T');
	const lines = await screen.waitFor((text) => text.includes('plain-one') && text.includes('plain-two') && /─ lines · following/u.test(text), 'draw\'s lines', 30_000);
	expect(lines).not.toMatch(/─ screen ─╮/u);
	screen.type('T');
	const again = await screen.waitFor((text) => /^│SCREEN-VIEW/mu.test(text) && /─ screen ─╮/u.test(text), 'draw\'s screen again', 30_000);
	expect(again).not.toContain('plain-one');

	// The choice stays with the process while another is shown.
	screen.type('T');
	await screen.waitFor((text) => text.includes('plain-one') && /─ lines · following/u.test(text), 'draw\'s lines once more', 30_000);
	screen.type('\t');
	await screen.waitFor(/s start/u, 'the watcher list focused');
	screen.type('j');
	// bar only draws with \r: lines by default; T forces its screen.
	await screen.waitFor((text) => text.includes('Logs · bar') && text.includes('step 2') && /─ lines · following/u.test(text), 'bar\'s lines', 30_000);
	screen.type('T');
	await screen.waitFor((text) => text.includes('Logs · bar') && /^│step 2/mu.test(text) && /─ screen ─╮/u.test(text), 'bar\'s screen', 30_000);
	screen.type('k');
	await screen.waitFor((text) => text.includes('Logs · draw') && text.includes('plain-one') && /─ lines · following/u.test(text), 'draw\'s lines, kept', 30_000);

	// A new process (restart) gets the view its program asks for again.
	screen.type('r');
	await screen.waitFor((text) => text.includes('Logs · draw') && /^│SCREEN-VIEW/mu.test(text) && /─ screen ─╮/u.test(text), 'the new process\'s screen', 30_000);
});

test('the process\'s window size follows the log pane (it gets SIGWINCH)', async () => {
	const screen = start(`[watcher:winch]
shell = true
cmd = trap 'echo "size $(stty size)"' WINCH; while true; do sleep 0.2; done
`);
	// 120 columns: the pane's inside is 118.
	await screen.waitFor(/size \d+ 118/u, 'the pane\'s size', 30_000);
	await screen.resize(100, 30);
	await screen.waitFor(/size \d+ 98/u, 'the new pane\'s size', 30_000);
});

test('input mode: i types into a python REPL, Ctrl-C interrupts it, Ctrl-] comes back to procui', async () => {
	const screen = start(`[watcher:repl]
cmd = python3 -i -q
`);
	await screen.waitFor('>>>', 'the REPL prompt', 30_000);
	screen.type('\t\t');
	await screen.waitFor(/Logs · repl.*(?:type in)?/su, 'the log pane focused');
	await screen.waitFor('i type in', 'the footer hint for input mode');
	screen.type('i');
	await screen.waitFor('Ctrl-] leave input mode', 'input mode in the footer');
	screen.type('print(6*7)\r');
	await screen.waitFor(/^│42\s/mu, 'the answer', 30_000);
	// Ctrl-C goes to the REPL (KeyboardInterrupt), not to procui (no quit question).
	screen.type('\u0003');
	const interrupted = await screen.waitFor('KeyboardInterrupt', 'the interrupt in the REPL', 30_000);
	expect(interrupted).not.toContain('Quit procui?');
	// procui's keys are inert meanwhile: q is typed into the REPL.
	screen.type('q');
	await screen.waitFor(/>>> q\s*│?$/mu, 'q typed into the REPL');
	screen.type('\u007F');
	await screen.waitFor((text) => !text.includes('>>> q'), 'the q erased with Backspace');
	screen.type('\u001D');
	await screen.waitFor((text) => !text.includes('leave input mode'), 'input mode left');
	// i and what follows it in one read (a fast typist, a paste): the rest goes to the process.
	screen.type('iprint(6*8)\r');
	await screen.waitFor(/^│48\s/mu, 'the second answer', 30_000);
	screen.type('\u001D');
	await screen.waitFor((text) => !text.includes('leave input mode'), 'input mode left again');
	screen.type('q');
	await screen.waitFor('Quit procui?', 'procui\'s keys again');
	screen.type('y');
	expect(await screen.exited).toBe(0);
});

test('attached to a daemon: top\'s screen shows, and input mode types into a REPL', async () => {
	const daemon = await startDaemon(`[watcher:top]
cmd = top -d 1

[env:top]
TERM = xterm

[watcher:repl]
cmd = python3 -i -q
`);
	daemons.push(daemon);
	const screen = runInTerminal(['attach', '--endpoint', daemon.endpoint], {cwd: daemon.dir, columns: 120, rows: 32});
	screens.push(screen);
	await screen.waitFor((text) => text.includes('load average') && /─ screen ─╮/u.test(text), 'top\'s screen, attached', 30_000);
	// T: top's lines instead (its output as lines, the lines view's flags), and back.
	screen.type('T');
	await screen.waitFor((text) => /─ lines · following/u.test(text) && !/^│top - /mu.test(text), 'top\'s lines, attached', 30_000);
	screen.type('T');
	await screen.waitFor((text) => /^│top - /mu.test(text) && /─ screen ─╮/u.test(text), 'top\'s screen again, attached', 30_000);
	screen.type('j');
	await screen.waitFor('Logs · repl', 'the REPL selected');
	screen.type('\t\t');
	await screen.waitFor('i type in', 'the footer hint for input mode');
	screen.type('i');
	await screen.waitFor('Ctrl-] leave input mode', 'input mode in the footer');
	screen.type('print(6*7)\r');
	await screen.waitFor(/^│42\s/mu, 'the answer', 30_000);
	screen.type('\u001D');
	await screen.waitFor((text) => !text.includes('leave input mode'), 'input mode left');
});

test('attached: a DEL byte in a process\'s output writes nothing over the screen, and stray console output becomes a notice', async () => {
	const daemon = await startDaemon(`[watcher:del]
shell = true
cmd = printf 'a\\177b\\n\\033[?1049h\\033[2;3HDRAWN'; exec sleep 1000
`);
	daemons.push(daemon);
	// A preload that writes to the console on SIGUSR2, as a library's stray warning would.
	const preload = path.join(daemon.dir, 'stray-console.mjs');
	fs.writeFileSync(preload, 'process.on(\'SIGUSR2\', () => {\n\tconsole.error(\'stray console output\');\n});\n');
	const screen = runInTerminal(['attach', '--endpoint', daemon.endpoint], {
		cwd: daemon.dir,
		columns: 100,
		rows: 24,
		env: {NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${pathToFileURL(preload).href}`.trim()},
	});
	screens.push(screen);
	// The program's screen: the emulator has parsed the DEL before it.
	await screen.waitFor(/^│ {2}DRAWN/mu, 'the program\'s screen, past the DEL', 30_000);
	expect(screen.output()).not.toContain('Parsing error');
	process.kill(screen.pid, 'SIGUSR2');
	await screen.waitFor('✖ stray console output', 'the console output as a notice on the status line');
	expect(screen.text()).not.toMatch(/^stray console output/mu);
});

test('i pressed before the process\'s terminal is ready opens input mode once it is', async () => {
	const dir = tempDir();
	dirs.push(dir);
	// A module hook holds the terminal emulator's import until the test says go.
	const go = path.join(dir, 'go');
	const hooks = path.join(dir, 'hold-xterm-hooks.mjs');
	fs.writeFileSync(hooks, `import fs from 'node:fs';
export async function resolve(specifier, context, next) {
	if (specifier === '@xterm/headless') {
		while (!fs.existsSync(${JSON.stringify(go)})) {
			await new Promise((done) => setTimeout(done, 20));
		}
	}

	return next(specifier, context);
}
`);
	const preload = path.join(dir, 'hold-xterm.mjs');
	fs.writeFileSync(preload, `import {register} from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
	fs.writeFileSync(path.join(dir, 'circus.ini'), '[watcher:repl]\ncmd = python3 -i -q\n');
	const screen = runInTerminal(['circus.ini', '--endpoint', `ipc://${path.join(dir, 'procui.sock')}`], {
		cwd: dir,
		columns: 120,
		rows: 32,
		env: {NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${pathToFileURL(preload).href}`.trim()},
	});
	screens.push(screen);
	await screen.waitFor('>>>', 'the REPL prompt', 30_000);
	screen.type('\t\t');
	await screen.waitFor('i type in', 'the footer hint for input mode');
	screen.type('i');
	await screen.waitFor('opening its terminal…', 'the wait said');
	expect(screen.text()).not.toContain('leave input mode');
	fs.writeFileSync(go, '');
	await screen.waitFor('Ctrl-] leave input mode', 'input mode, once the terminal is ready');
	screen.type('print(6*7)\r');
	await screen.waitFor(/^│42\s/mu, 'the answer', 30_000);
	screen.type('\u001D');
	await screen.waitFor((text) => !text.includes('leave input mode'), 'input mode left');
	screen.type('q');
	await screen.waitFor('Quit procui?', 'the quit question');
	screen.type('y');
	expect(await screen.exited).toBe(0);
}, 90_000);
