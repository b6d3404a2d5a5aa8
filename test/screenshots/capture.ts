/**
The README's screenshots, taken from a real run: the built `procui` on examples/circus.ini in a
pseudo-terminal (through the e2e helper: node-pty into @xterm/headless), driven by keys as a person
would, each screen rendered cell by cell (colours, bold, dim, inverse, underline) into an SVG and
converted to PNG with rsvg-convert.

	npm run screenshots            # writes screenshots/main.png, logs-search.png, help.png,
	                               # terminal.png (top in the log pane), input.png (typing into a REPL)

Waiting is on screen content with a deadline; the only plain waits let live data (charts, logs)
accumulate. At the end procui is quit with q and y, and every process it started must be gone.
*/
import childProcess from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import type {IBufferCell, Terminal} from '@xterm/headless';
import {runInTerminal, type Screen} from '../e2e/terminal.js';

const columns = 120;
const rows = 36;
/** Seconds of live data before the first screenshot, so the charts and logs have content. */
const warmUpSeconds = 30;

// ---------------------------------------------------------------------------------------------
// Rendering: the xterm buffer as an SVG.

/** A dark terminal theme (VS Code's integrated terminal): the 16 ANSI colours, then fg and bg. */
const theme = {
	ansi: [
		'#000000', '#cd3131', '#0dbc79', '#e5e510', '#2472c8', '#bc3fbc', '#11a8cd', '#e5e5e5',
		'#666666', '#f14c4c', '#23d18b', '#f5f543', '#3b8eea', '#d670d6', '#29b8db', '#ffffff',
	],
	foreground: '#cccccc',
	background: '#1e1e1e',
	chrome: '#323233',
	title: '#9d9d9d',
};

const font = {family: '\'DejaVu Sans Mono\', monospace', size: 14};
/** DejaVu Sans Mono's advance (1233/2048 em) and line height (ascent + descent, 2384/2048 em). */
const cellWidth = font.size * 1233 / 2048;
const cellHeight = Math.ceil(font.size * 2384 / 2048);
const baseline = font.size * 1901 / 2048;
const padding = 12;
const titleBarHeight = 30;

const hex = (value: number): string => `#${value.toString(16).padStart(6, '0')}`;

/** Colour `index` of the 256-colour palette. */
function paletteColor(index: number): string {
	if (index < 16) {
		return theme.ansi[index]!;
	}

	if (index < 232) {
		const levels = [0, 95, 135, 175, 215, 255];
		const cube = index - 16;
		return hex((levels[Math.floor(cube / 36)]! << 16) | (levels[Math.floor(cube / 6) % 6]! << 8) | levels[cube % 6]!);
	}

	const gray = 8 + ((index - 232) * 10);
	return hex((gray << 16) | (gray << 8) | gray);
}

/** Halfway from `color` to `toward`: how terminals draw dim (faint) text. */
function blend(color: string, toward: string, amount: number): string {
	const channel = (value: string, at: number): number => Number.parseInt(value.slice(at, at + 2), 16);
	let out = 0;
	for (const at of [1, 3, 5]) {
		out = (out << 8) | Math.round((channel(color, at) * (1 - amount)) + (channel(toward, at) * amount));
	}

	return hex(out);
}

type Style = {
	readonly fg: string;
	readonly bg: string;
	readonly bold: boolean;
	readonly italic: boolean;
	readonly underline: boolean;
	readonly strikethrough: boolean;
	readonly invisible: boolean;
};

function cellStyle(cell: IBufferCell): Style {
	const color = (rgb: boolean, palette: boolean, value: number, fallback: string): string => (rgb ? hex(value) : palette ? paletteColor(value) : fallback);
	let fg = color(cell.isFgRGB(), cell.isFgPalette(), cell.getFgColor(), theme.foreground);
	let bg = color(cell.isBgRGB(), cell.isBgPalette(), cell.getBgColor(), theme.background);
	if (cell.isInverse()) {
		[fg, bg] = [bg, fg];
	}

	if (cell.isDim()) {
		fg = blend(fg, bg, 0.5);
	}

	return {fg, bg, bold: cell.isBold() !== 0, italic: cell.isItalic() !== 0, underline: cell.isUnderline() !== 0, strikethrough: cell.isStrikethrough() !== 0, invisible: cell.isInvisible() !== 0};
}

const sameText = (a: Style, b: Style): boolean => a.fg === b.fg && a.bold === b.bold && a.italic === b.italic;

const escapeXml = (text: string): string => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

const px = (value: number): string => String(Math.round(value * 100) / 100);

type Cell = {readonly column: number; readonly chars: string; readonly width: number; readonly style: Style};

/**
A braille cell (U+2800..U+28FF, the charts' dots) drawn as dots, as terminals do: fonts disagree on
its metrics (DejaVu Sans Mono has none; the fallback's are proportional).
*/
function brailleDots(code: number, x: number, y: number, fill: string): string {
	// Bit n of the pattern is dot n+1; dots 1-3 and 7 run down the left column, 4-6 and 8 the right.
	const positions: Array<[number, number]> = [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2], [0, 3], [1, 3]];
	const radius = cellWidth * 0.18;
	let out = '';
	for (const [bit, [dotColumn, dotRow]] of positions.entries()) {
		if ((code - 0x28_00) & (1 << bit)) {
			const cx = x + (cellWidth * (dotColumn === 0 ? 0.3 : 0.7));
			const cy = y + (cellHeight * (0.14 + (dotRow * 0.24)));
			out += `<circle cx="${px(cx)}" cy="${px(cy)}" r="${px(radius)}" fill="${fill}"/>`;
		}
	}

	return out;
}

/** The screen as an SVG: a window with a title bar, the cells on a dark background. */
function renderSvg(terminal: Terminal, title: string): string {
	const buffer = terminal.buffer.active;
	const width = (terminal.cols * cellWidth) + (2 * padding);
	const height = titleBarHeight + (terminal.rows * cellHeight) + (2 * padding);
	const parts: string[] = [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${px(width)}" height="${px(height)}" viewBox="0 0 ${px(width)} ${px(height)}">`,
		`<rect width="100%" height="100%" rx="8" fill="${theme.background}"/>`,
		`<path d="M0 8a8 8 0 0 1 8-8h${px(width - 16)}a8 8 0 0 1 8 8v${titleBarHeight - 8}h-${px(width)}z" fill="${theme.chrome}"/>`,
		...['#ff5f57', '#febc2e', '#28c840'].map((fill, index) => `<circle cx="${20 + (index * 20)}" cy="${titleBarHeight / 2}" r="6" fill="${fill}"/>`),
		`<text x="${px(width / 2)}" y="${(titleBarHeight / 2) + 5}" text-anchor="middle" font-family="'DejaVu Sans', sans-serif" font-size="13" fill="${theme.title}">${escapeXml(title)}</text>`,
		`<g font-family="${font.family}" font-size="${font.size}">`,
	];
	const nullCell = buffer.getNullCell();
	for (let row = 0; row < terminal.rows; row++) {
		const line = buffer.getLine(buffer.viewportY + row);
		if (line === undefined) {
			continue;
		}

		const cells: Cell[] = [];
		for (let column = 0; column < terminal.cols; column++) {
			const cell = line.getCell(column, nullCell);
			if (cell === undefined || cell.getWidth() === 0) {
				continue; // The right half of a wide character.
			}

			cells.push({column, chars: cell.getChars() || ' ', width: cell.getWidth(), style: cellStyle(cell)});
		}

		const top = titleBarHeight + padding + (row * cellHeight);
		const left = (column: number): number => padding + (column * cellWidth);
		// Backgrounds, one rectangle per run of the same colour.
		for (let start = 0; start < cells.length;) {
			let end = start + 1;
			while (end < cells.length && cells[end]!.style.bg === cells[start]!.style.bg) {
				end++;
			}

			const first = cells[start]!;
			const last = cells[end - 1]!;
			if (first.style.bg !== theme.background) {
				// A hair wider than the cells, so neighbouring runs leave no seam when scaled.
				parts.push(`<rect x="${px(left(first.column))}" y="${top}" width="${px(((last.column + last.width - first.column) * cellWidth) + 0.3)}" height="${cellHeight}" fill="${first.style.bg}"/>`);
			}

			start = end;
		}

		// Text, one <text> per run of the same style, every character placed on its cell.
		for (let start = 0; start < cells.length;) {
			const first = cells[start]!;
			const code = first.chars.codePointAt(0) ?? 32;
			if (code >= 0x28_00 && code <= 0x28_ff) {
				if (!first.style.invisible) {
					parts.push(brailleDots(code, left(first.column), top, first.style.fg));
				}

				start++;
				continue;
			}

			let end = start + 1;
			while (end < cells.length && sameText(cells[end]!.style, first.style) && !/^[\u2800-\u28FF]/u.test(cells[end]!.chars)) {
				end++;
			}

			const run = cells.slice(start, end);
			if (!first.style.invisible && run.some((cell) => cell.chars.trim() !== '')) {
				const xs = run.map((cell) => px(left(cell.column))).join(' ');
				const attributes = [
					`x="${xs}"`,
					`y="${px(top + baseline)}"`,
					`fill="${first.style.fg}"`,
					first.style.bold ? 'font-weight="bold"' : '',
					first.style.italic ? 'font-style="italic"' : '',
				].filter(Boolean).join(' ');
				parts.push(`<text xml:space="preserve" ${attributes}>${escapeXml(run.map((cell) => cell.chars).join(''))}</text>`);
			}

			start = end;
		}

		// Underline and strikethrough, drawn as lines under each cell's own colour.
		for (const cell of cells) {
			for (const [on, offset] of [[cell.style.underline, cellHeight - 2], [cell.style.strikethrough, cellHeight * 0.55]] as const) {
				if (on) {
					parts.push(`<rect x="${px(left(cell.column))}" y="${px(top + offset)}" width="${px((cell.width * cellWidth) + 0.3)}" height="1" fill="${cell.style.fg}"/>`);
				}
			}
		}
	}

	parts.push('</g>', '</svg>');
	return parts.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// The run.

/** The repository: the nearest folder above this file with procui's package.json (works from
dist/ too, whose folders hold package.json files that only say their module type). */
function findRepoRoot(): string {
	let dir = path.dirname(fileURLToPath(import.meta.url));
	const isProcui = (file: string): boolean => fs.existsSync(file) && (JSON.parse(fs.readFileSync(file, 'utf8')) as {name?: string}).name === 'procui';
	while (!isProcui(path.join(dir, 'package.json'))) {
		const parent = path.dirname(dir);
		if (parent === dir) {
			throw new Error('cannot find the repository (no package.json above this script)');
		}

		dir = parent;
	}

	return dir;
}

function requireRsvgConvert(): void {
	const probe = childProcess.spawnSync('rsvg-convert', ['--version'], {encoding: 'utf8'});
	if (probe.error !== undefined || probe.status !== 0) {
		process.stderr.write([
			'screenshots: rsvg-convert (librsvg) is needed to turn the SVGs into PNGs, and it is not installed.',
			'  Debian/Ubuntu: sudo apt-get install librsvg2-bin',
			'  Fedora:        sudo dnf install librsvg2-tools',
			'  macOS:         brew install librsvg',
			'',
		].join('\n'));
		process.exit(1);
	}

	const fonts = childProcess.spawnSync('fc-list', ['DejaVu Sans Mono'], {encoding: 'utf8'});
	if (fonts.error === undefined && fonts.stdout.trim() === '') {
		process.stderr.write('screenshots: warning: the font "DejaVu Sans Mono" is not installed (Debian/Ubuntu: fonts-dejavu-core); another monospace font will stand in, and the columns may not line up.\n');
	}
}

function toPng(svg: string, file: string, scratch: string): void {
	const svgFile = path.join(scratch, `${path.basename(file, '.png')}.svg`);
	fs.writeFileSync(svgFile, svg);
	// Twice the size: sharp on high-density screens, and GitHub scales it down elsewhere.
	const result = childProcess.spawnSync('rsvg-convert', ['--zoom', '2', '--format', 'png', '--output', file, svgFile], {encoding: 'utf8'});
	if (result.status !== 0) {
		throw new Error(`rsvg-convert failed on ${svgFile}: ${result.error?.message ?? result.stderr}`);
	}
}

/** Fields of /proc/PID/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid: number): string[] | undefined {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	} catch {
		return undefined;
	}
}

const allPids = (): number[] => fs.readdirSync('/proc').filter((name) => /^\d+$/u.test(name)).map(Number);

/**
The processes of this run, alive (not zombies): `root` (while it runs) and everything below it, and anything whose
environment holds `marker` (the watchers copy procui's environment, so a process that lost its
parent is still found), each with its start time to tell it from a later process with its pid.
*/
function processesOfRun(root: number | undefined, marker: string): Map<number, string> {
	const children = new Map<number, number[]>();
	const found = new Map<number, string>();
	for (const pid of allPids()) {
		const fields = statFields(pid);
		if (fields === undefined || fields[0] === 'Z') {
			continue;
		}

		const parent = Number(fields[1]);
		children.set(parent, [...(children.get(parent) ?? []), pid]);
		try {
			if (fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(marker)) {
				found.set(pid, fields[19]!);
			}
		} catch {
			// Gone, or not ours to read.
		}
	}

	const queue = root === undefined ? [] : [root];
	while (queue.length > 0) {
		const pid = queue.shift()!;
		const fields = statFields(pid);
		if (fields !== undefined && fields[0] !== 'Z') {
			found.set(pid, fields[19]!);
		}

		queue.push(...(children.get(pid) ?? []));
	}

	return found;
}

/** Is `pid` still the process that started at `started`, and not a zombie? */
function stillRunning(pid: number, started: string): boolean {
	const fields = statFields(pid);
	return fields !== undefined && fields[0] !== 'Z' && fields[19] === started;
}

function killAll(processes: ReadonlyMap<number, string>): void {
	for (const [pid, started] of processes) {
		if (stillRunning(pid, started)) {
			try {
				process.kill(pid, 'SIGKILL');
			} catch {
				// Gone meanwhile.
			}
		}
	}
}

const sleep = async (ms: number): Promise<void> => new Promise((resolve) => {
	setTimeout(resolve, ms);
});

/** The watcher list's row for `name`. */
const watcherRow = (screen: string, name: string): string => screen.split('\n').find((line) => new RegExp(`[▸ ][●◐○✖] ${name}\\b`, 'u').test(line)) ?? '';

/** The watcher the list's cursor is on. */
const selectedWatcher = (screen: string): string | undefined => /▸[●◐○✖] (\S+)/u.exec(screen)?.[1];

async function capture(screen: Screen, file: string, title: string, scratch: string): Promise<void> {
	// Let any frame in flight land before reading the cells.
	await screen.waitFor(() => true, 'the screen to settle');
	toPng(renderSvg(screen.terminal, title), file, scratch);
	process.stdout.write(`screenshots: wrote ${path.relative(process.cwd(), file)}\n`);
}

async function main(): Promise<void> {
	requireRsvgConvert();
	const repo = findRepoRoot();
	const cli = path.join(repo, 'dist', 'cli.js');
	if (!fs.existsSync(cli)) {
		throw new Error(`${cli} is missing: run npm run build first (npm run screenshots does)`);
	}

	const outDir = path.join(repo, 'screenshots');
	fs.mkdirSync(outDir, {recursive: true});
	const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'procui-screenshots-'));
	const title = 'procui examples/circus.ini';
	// In procui's environment, and so in every watcher's (copy_env): how leftovers are found.
	const marker = `PROCUI_SCREENSHOTS_RUN=${process.pid}-${Date.now()}`;
	const [markerName, markerValue] = marker.split('=') as [string, string];
	const screen = runInTerminal(['examples/circus.ini', '--endpoint', `ipc://${path.join(scratch, 's.sock')}`], {cli, cwd: repo, columns, rows, env: {COLORTERM: 'truecolor', [markerName]: markerValue}});
	let seen = new Map<number, string>();
	// Once procui is gone its pid may be another's: from then on, only its start time or the marker count.
	let root: number | undefined = screen.pid;
	void screen.exited.then(() => {
		root = undefined;
	});
	try {
		await screen.waitFor((current) => watcherRow(current, 'ticker').includes('1/1') && watcherRow(current, 'worker').includes('3/3'), 'the watchers running', 30_000);

		// (1) The main view on the worker watcher: three processes, their coloured output, charts.
		for (let step = 0; step < 3 && selectedWatcher(screen.text()) !== 'worker'; step++) {
			const before = selectedWatcher(screen.text());
			screen.type('j');
			await screen.waitFor((current) => selectedWatcher(current) !== before, 'the selection to move');
		}

		await screen.waitFor('Logs · worker', 'worker selected');
		await sleep(warmUpSeconds * 1000);
		await screen.waitFor((current) => /worker \d: job \d+ done/u.test(current), 'worker output in the logs');
		await capture(screen, path.join(outDir, 'main.png'), title, scratch);

		// (2) Focus the logs and search them: the matches highlighted, the second one current.
		// Shift-Tab: from the watcher list straight to the logs, which stay the whole watcher's.
		screen.type('\u001B[Z');
		await screen.waitFor(() => focusedPane(screen) === 'Logs', 'the log pane focused');
		screen.type('/');
		await screen.waitFor(/^\/\s*$/mu, 'the search prompt');
		screen.type('worker 2');
		await screen.waitFor('/worker 2', 'the query typed');
		screen.type('\r');
		await screen.waitFor(/worker 2: match 1 of \d+/u, 'the first match');
		screen.type('n');
		await screen.waitFor(/worker 2: match 2 of \d+/u, 'the next match');
		await capture(screen, path.join(outDir, 'logs-search.png'), title, scratch);

		// (3) The help overlay.
		screen.type('\u001B');
		await screen.waitFor((current) => !/match \d+ of/u.test(current), 'the search cleared');
		screen.type('?');
		await screen.waitFor((current) => current.includes('Previous watcher or process') && current.includes('Esc close'), 'the help overlay');
		await capture(screen, path.join(outDir, 'help.png'), title, scratch);
		screen.type('\u001B');
		await screen.waitFor((current) => current.includes('Watchers (3)'), 'the help closed');

		seen = processesOfRun(root, marker);
		await quitAndCheck(screen, () => root, marker, seen);
		await interactive(cli, outDir, scratch);
	} finally {
		// Whatever happened, nothing of this run outlives it.
		killAll(new Map([...seen, ...processesOfRun(root, marker)]));
		screen.kill();
		fs.rmSync(scratch, {recursive: true, force: true});
	}
}

/** Quit with q and y, and check that nothing procui started is left running. */
async function quitAndCheck(screen: Screen, root: () => number | undefined, marker: string, seen: ReadonlyMap<number, string>): Promise<void> {
	screen.type('q');
	await screen.waitFor('Quit procui?', 'the quit question');
	screen.type('y');
	const code = await Promise.race([screen.exited, sleep(30_000).then(() => 'timeout' as const)]);
	if (code === 'timeout') {
		throw new Error(`procui did not quit within 30 s; the screen:\n${screen.text()}`);
	}

	if (code !== 0) {
		throw new Error(`procui exited with ${code}`);
	}

	const deadline = Date.now() + 5000;
	const left = (): number[] => [...new Map([...seen, ...processesOfRun(root(), marker)])].filter(([pid, started]) => stillRunning(pid, started)).map(([pid]) => pid);
	while (left().length > 0 && Date.now() < deadline) {
		await sleep(50);
	}

	if (left().length > 0) {
		throw new Error(`processes left running after quitting: ${left().join(', ')}`);
	}
}

/** (4) and (5): a full-screen program (top) shown in the log pane, and typing into a python REPL. */
async function interactive(cli: string, outDir: string, scratch: string): Promise<void> {
	const folder = fs.mkdtempSync(path.join(scratch, 'interactive-'));
	fs.writeFileSync(path.join(folder, 'procui.ini'), '[watcher:top]\ncmd = top -d 1\n\n[watcher:repl]\ncmd = python3 -i -q\n');
	const title = 'procui procui.ini';
	const marker = `PROCUI_SCREENSHOTS_RUN=${process.pid}-${Date.now()}-interactive`;
	const [markerName, markerValue] = marker.split('=') as [string, string];
	const screen = runInTerminal(['procui.ini', '--endpoint', `ipc://${path.join(folder, 's.sock')}`], {cli, cwd: folder, columns, rows, env: {COLORTERM: 'truecolor', [markerName]: markerValue}});
	let root: number | undefined = screen.pid;
	void screen.exited.then(() => {
		root = undefined;
	});
	let seen = new Map<number, string>();
	try {
		await screen.waitFor((current) => current.includes('Logs · top') && /load average/u.test(current), 'top\'s screen in the log pane', 30_000);
		await sleep(3000);
		await capture(screen, path.join(outDir, 'terminal.png'), title, scratch);

		screen.type('j');
		await screen.waitFor('Logs · repl', 'repl selected');
		screen.type('\u001B[Z');
		await screen.waitFor(() => focusedPane(screen) === 'Logs', 'the log pane focused');
		screen.type('i');
		await screen.waitFor(/INPUT/u, 'input mode');
		screen.type('print(6*7)\r');
		await screen.waitFor(/^\s*│?42\b/mu, 'the answer');
		await capture(screen, path.join(outDir, 'input.png'), title, scratch);
		screen.type('\u001D');
		await screen.waitFor((current) => !/INPUT/u.test(current), 'input mode left');
		seen = processesOfRun(root, marker);
		await quitAndCheck(screen, () => root, marker, seen);
	} finally {
		killAll(new Map([...seen, ...processesOfRun(root, marker)]));
		screen.kill();
	}
}

/** The title of the pane with the focus colour (a cyan border, see components/Pane.tsx), read from the cells. */
function focusedPane(screen: Screen): string | undefined {
	const buffer = screen.terminal.buffer.active;
	for (let row = 0; row < screen.terminal.rows; row++) {
		const line = buffer.getLine(buffer.viewportY + row);
		for (const match of (line?.translateToString(true) ?? '').matchAll(/╭─ (\w+)/gu)) {
			const corner = line!.getCell(match.index);
			if (corner?.isFgPalette() && corner.getFgColor() === 6) {
				return match[1];
			}
		}
	}

	return undefined;
}

await main().catch((error: unknown) => {
	process.stderr.write(`screenshots: ${error instanceof Error ? error.message : String(error)}\n`);
	process.exitCode = 1;
});
