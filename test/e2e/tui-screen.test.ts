/**
What the first screen shows and how it holds up, through the built `procui` in a real PTY: the
watchers in the order the configuration lists them, and the user's own result kept on the status
line while a flapping watcher keeps warning.
*/
import fs from 'node:fs';
import path from 'node:path';
import {expect, test} from 'vitest';
import {tempDir} from '../helpers/daemon.js';
import {cleanedAfterEach, runInTerminal} from './terminal.js';

const {screens, dirs} = cleanedAfterEach();

const rowOf = (screen: string, name: string): number => screen.split('\n').findIndex((line) => new RegExp(`[▸ ][●◐○✖] ${name}\\b`, 'u').test(line));

test('watchers in config order, the first selected; a command\'s result stays while a crashing watcher warns', async () => {
	const dir = tempDir();
	dirs.push(dir);
	fs.writeFileSync(path.join(dir, 'circus.ini'), `[watcher:zeta]
cmd = sleep 1000

[watcher:alpha]
cmd = sleep 1000

[watcher:crashy]
shell = true
cmd = echo boom; exit 1
`);
	const screen = runInTerminal(['circus.ini', '--endpoint', `ipc://${path.join(dir, 'procui.sock')}`], {cwd: dir, columns: 100, rows: 30});
	screens.push(screen);
	// The layout comes before the supervisor has started them: the rows fill in, stopped, then running.
	const text = await screen.waitFor((current) => rowOf(current, 'zeta') > 0 && rowOf(current, 'alpha') > 0 && rowOf(current, 'crashy') > 0 && current.includes('Logs · zeta') && /▸● zeta/u.test(current), 'the three watchers, the first one running and its logs');
	expect(rowOf(text, 'zeta')).toBeLessThan(rowOf(text, 'alpha'));
	expect(rowOf(text, 'alpha')).toBeLessThan(rowOf(text, 'crashy'));
	expect(text).toMatch(/▸● zeta/u);

	// crashy warns again and again (each respawn); the result of `x` stays, the warnings collapse into a count.
	screen.type('x');
	await screen.waitFor('✓ stop zeta', 'the stop result');
	const later = await screen.waitFor(/\(×[3-9]\)|\(×\d\d+\)/u, 'three warnings or more, collapsed', 40_000);
	expect(later).toContain('✓ stop zeta');
});

test('below the minimum size (40×12), q asks and y shows the graceful stop\'s progress, then procui exits', async () => {
	const dir = tempDir();
	dirs.push(dir);
	// It ignores SIGTERM: the stop waits out graceful_timeout, long enough to be seen. (Should the
	// test fail and procui be killed, it ends once the test's folder is removed.)
	fs.writeFileSync(path.join(dir, 'circus.ini'), `[watcher:stubborn]
shell = true
cmd = trap '' TERM; echo up; while [ -e circus.ini ]; do sleep 0.1; done
graceful_timeout = 3
`);
	const screen = runInTerminal(['circus.ini', '--endpoint', `ipc://${path.join(dir, 'procui.sock')}`], {cwd: dir, columns: 40, rows: 12});
	screens.push(screen);
	// Wrapped at 40 columns: read the screen as one text.
	const text = (current: string): string => current.split('\n').map((line) => line.trim()).join(' ');
	await screen.waitFor((current) => text(current).includes('Terminal too small (40×12)'), 'the too-small notice');
	screen.type('q');
	await screen.waitFor((current) => text(current).includes('Quit procui? This stops 1 running process gracefully.'), 'the quit question');
	screen.type('y');
	await screen.waitFor((current) => /Stopping: waiting for stubborn \([123] s left\)/u.test(text(current)), 'the stop\'s progress');
	expect(await screen.exited).toBe(0);
});
