import {afterEach, describe, expect, test} from 'vitest';
import {stripAnsi} from '../../source/ui/text/ansi-text.js';
import {adaptFrame, stripColor, toAscii} from '../../source/ui/screen/frame-filter.js';
import {detectCaps, fullCaps, isDumbTerminal, setTerminalCaps} from '../../source/ui/screen/terminal-caps.js';
import {mountApp, normalize, type Mounted} from './mount-app.js';

const mounted: Mounted[] = [];
afterEach(async () => {
	setTerminalCaps(fullCaps);
	for (const app of mounted.splice(0)) {
		await app.unmount();
	}
});

/** Every SGR parameter that sets a colour, anywhere in `text`. */
// eslint-disable-next-line no-control-regex -- matching SGR sequences is the point
const colorCodes = (text: string): string[] => [...text.matchAll(/\u001B\[([\d;:]*)m/gu)].flatMap((match) => match[1]!.split(';')).filter((code) => /^(?:3\d|4\d|9[0-7]|10[0-7]|58|59)$/u.test(code));

describe('what the terminal can show', () => {
	test('NO_COLOR (not empty) and FORCE_COLOR=0 turn colours off', () => {
		expect(detectCaps({}).color).toBe(true);
		expect(detectCaps({NO_COLOR: '1'}).color).toBe(false);
		expect(detectCaps({NO_COLOR: ''}).color).toBe(true);
		expect(detectCaps({FORCE_COLOR: '0'}).color).toBe(false);
		expect(detectCaps({FORCE_COLOR: '1'}).color).toBe(true);
	});

	test('a locale that is not UTF-8 means ASCII; LC_ALL before LC_CTYPE before LANG; none set means UTF-8', () => {
		expect(detectCaps({LANG: 'C'}).unicode).toBe(false);
		expect(detectCaps({LANG: 'en_US.UTF-8', LC_ALL: 'C'}).unicode).toBe(false);
		expect(detectCaps({LANG: 'C', LC_CTYPE: 'C.utf8'}).unicode).toBe(true);
		expect(detectCaps({LANG: 'de_DE.ISO-8859-1'}).unicode).toBe(false);
		expect(detectCaps({LANG: 'en_US.UTF-8'}).unicode).toBe(true);
		expect(detectCaps({}).unicode).toBe(true);
	});

	test('TERM=dumb is a terminal that cannot draw a screen', () => {
		expect(isDumbTerminal({TERM: 'dumb'})).toBe(true);
		expect(isDumbTerminal({TERM: 'xterm-256color'})).toBe(false);
	});
});

describe('the frame filter', () => {
	test('colours go, bold, underline and reverse stay, in every SGR form', () => {
		expect(stripColor('\u001B[1;31mred\u001B[39;22m \u001B[38;5;196mx\u001B[0m \u001B[48;2;1;2;3;7my\u001B[m \u001B[32m')).toBe('\u001B[1mred\u001B[22m x\u001B[0m \u001B[7my\u001B[m ');
	});

	test('ASCII keeps every width: borders, symbols, braille strokes, wide characters', () => {
		expect(toAscii('╭─ Logs ─╮│▸● a ◐ b ○ c ✖ d│ ✓ ⚠ … ·')).toBe('+- Logs -+|>* a ~ b o c x d| v ! ~ .');
		expect(toAscii('⠀⠁⠒⣀⡇')).toBe(' \'-.|');
		expect(toAscii('日本')).toBe('????');
	});
});

describe('the screen without colours, and in ASCII', () => {
	test('NO_COLOR: no colour code anywhere, the current search match in reverse video, the others underlined', async () => {
		setTerminalCaps({color: false, unicode: true});
		const app = await mountApp({logLines: [
			{watcher: 'ticker', pid: 101, seq: 1, time: 1, text: '\u001B[31mtick 1\u001B[0m'},
			{watcher: 'ticker', pid: 101, seq: 2, time: 2, text: 'tick 2'},
		]});
		mounted.push(app);
		await app.ui.press('/tick\r');
		await app.ui.waitForFrame((frame) => frame.includes('/tick: match 1 of 2'));
		const raw = adaptFrame(app.ui.lastRawFrame(), {color: false, unicode: true});
		expect(colorCodes(raw)).toEqual([]);
		expect(raw).toContain('\u001B[7mtick');
		expect(raw).toContain('\u001B[4mtick');
	});

	test('a non-UTF-8 locale: the 80×24 screen in ASCII, charts included', async () => {
		setTerminalCaps({color: true, unicode: false});
		const app = await mountApp();
		mounted.push(app);
		const frame = normalize(stripAnsi(adaptFrame(app.ui.lastRawFrame(), {color: true, unicode: false}))).split('\n').map((line) => line.trimEnd()).join('\n');
		expect(frame).toMatchInlineSnapshot(`
			" procui  circus.ini . 3 watchers . 4 procs . CPU 2.0% . MEM 40.0M      EMBEDDED
			+- Watchers (3) ----------------------------------++- History . ticker - 42 s -+
			|   WATCHER STATE    PROCS   CPU    MEM   R DETAIL||CPU 0.5%          peak 0.5%|
			|>* ticker  active     1/1  0.5%  10.0M   0       ||   1%|                    .|
			| * worker  active     3/3  1.5%  30.0M   0       ||    0|                     |
			| ~ flaky   backoff    0/1    0%     0B   4 0.4s  ||MEM 10.0M        peak 10.0M|
			|                                                 ||  20M|                    .|
			|                                                 ||    0|                     |
			+-------------------------------------------------++---------------------------+
			+- Logs . ticker -------------------------------------------------- following -+
			|tick 1                                                                        |
			|tick 2                                                                        |
			|                                                                              |
			|                                                                              |
			|                                                                              |
			|                                                                              |
			|                                                                              |
			|                                                                              |
			|                                                                              |
			|                                                                              |
			|                                                                              |
			+------------------------------------------------------------------------------+
			Ready. ? lists every key.
			Up/Dn select  Tab focus  Enter open  s start  x stop  r restart  ? help  q quit"
		`);
		expect([...frame].every((char) => char.codePointAt(0)! < 0x80)).toBe(true);
	});
});
