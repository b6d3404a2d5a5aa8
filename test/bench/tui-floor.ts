/**
W5's baseline: the least a full-screen program can do for a key. In raw mode it answers `?` with
a screen holding the help's first line and Esc with one holding "─ Watchers (", as procui's help overlay
opens and closes; timed through the same PTY and terminal emulator, it is the harness's floor.
*/
const home = '\u001B[2J\u001B[H';
const main = `${home}─ Watchers (floor) ─\r\nReady.`;

process.stdin.setRawMode(true);
process.stdin.resume();
process.stdout.write(main);
process.stdin.on('data', (data: Buffer) => {
	const key = data.toString('latin1');
	if (key === '?') {
		process.stdout.write(`${home}Previous watcher or process\r\n`);
	} else if (key === '\u001B') {
		process.stdout.write(main);
	} else if (key === 'q' || key === '\u0003') {
		process.exit(0);
	}
});
