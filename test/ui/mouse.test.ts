import {PassThrough} from 'node:stream';
import {describe, expect, test} from 'vitest';
import {MouseFilter, type MouseEvent} from '../../source/ui/input/mouse.js';
import {MouseStdin} from '../../source/ui/input/mouse-stdin.js';
import {waitFor} from '../helpers/daemon.js';

const press = '\u001B[<0;10;5M';
const release = '\u001B[<0;10;5m';
const leftPress: MouseEvent = {kind: 'press', button: 'left', wheel: 0, x: 9, y: 4, shift: false, meta: false, ctrl: false};

/** Every chunk through one filter: the text and the events, together. */
function feed(chunks: readonly string[]): {text: string; events: MouseEvent[]} {
	const filter = new MouseFilter();
	let text = '';
	const events: MouseEvent[] = [];
	for (const chunk of chunks) {
		const result = filter.push(chunk);
		text += result.text;
		events.push(...result.events);
	}

	return {text, events};
}

describe('MouseFilter', () => {
	test('a press and a release, with 0-based cells', () => {
		expect(feed([press + release])).toEqual({text: '', events: [leftPress, {...leftPress, kind: 'release'}]});
	});

	test('the buttons, the wheel, modifiers and a drag', () => {
		const {events} = feed(['\u001B[<2;1;1M', '\u001B[<1;3;2M', '\u001B[<64;7;8M', '\u001B[<65;7;8M', '\u001B[<20;4;4M', '\u001B[<32;5;5M']);
		expect(events.map(({kind, button, wheel, x, y}) => [kind, button, wheel, x, y])).toEqual([
			['press', 'right', 0, 0, 0],
			['press', 'middle', 0, 2, 1],
			['wheel', 'none', -1, 6, 7],
			['wheel', 'none', 1, 6, 7],
			['press', 'left', 0, 3, 3],
			['drag', 'left', 0, 4, 4],
		]);
		expect(events[4]).toMatchObject({shift: true, ctrl: true, meta: false});
	});

	test('a report cut anywhere between reads comes out whole, and nothing of it as text', () => {
		const sequence = `${press}${release}`;
		for (let cut = 1; cut < sequence.length; cut++) {
			expect(feed([sequence.slice(0, cut), sequence.slice(cut)]), `cut at ${cut}`).toEqual({text: '', events: [leftPress, {...leftPress, kind: 'release'}]});
		}

		// One byte a read.
		expect(feed([...press])).toEqual({text: '', events: [leftPress]});
	});

	test('keys around reports stay, in order, as text: arrows and Esc too', () => {
		expect(feed([`j${press}k`, `\u001B[A${release}q\u001B`, '[B'])).toEqual({text: 'jk\u001B[Aq\u001B[B', events: [leftPress, {...leftPress, kind: 'release'}]});
		expect(feed(['a\u001Bb'])).toEqual({text: 'a\u001Bb', events: []});
	});

	test('a lone Esc at the end of a read is held, and let go by flush; the start of a report is dropped', () => {
		const filter = new MouseFilter();
		expect(filter.push('x\u001B')).toEqual({text: 'x', events: []});
		expect(filter.holding).toBe(true);
		expect(filter.flush()).toBe('\u001B');
		expect(filter.holding).toBe(false);
		expect(filter.push('\u001B[<0;1')).toEqual({text: '', events: []});
		expect(filter.flush()).toBe('');
		expect(filter.push('y')).toEqual({text: 'y', events: []});
	});

	test('a lone Esc held, then a read that does not continue a report: the Esc comes back on its own', () => {
		const filter = new MouseFilter();
		filter.push('\u001B');
		expect(filter.push('q')).toEqual({text: 'q', events: [], escape: '\u001B'});
		// An arrow key cut after its Esc is put back together.
		filter.push('\u001B');
		expect(filter.push('[A')).toEqual({text: '\u001B[A', events: []});
	});

	test('the X10 form (a terminal without SGR reports) is taken out too, its bytes not typed', () => {
		const x10 = (code: number, x: number, y: number): string => `\u001B[M${String.fromCodePoint(code + 32, x + 33, y + 33)}`;
		expect(feed([`a${x10(0, 9, 4)}b`, x10(3, 9, 4).slice(0, 4), x10(3, 9, 4).slice(4)])).toEqual({text: 'ab', events: [leftPress, {...leftPress, kind: 'release', button: 'none'}]});
		expect(feed([x10(65, 0, 0)]).events).toMatchObject([{kind: 'wheel', wheel: 1}]);
	});
});

describe('MouseStdin', () => {
	/** A terminal's stdin, as far as MouseStdin uses it. */
	function fakeTerminal() {
		const modes: boolean[] = [];
		const real = Object.assign(new PassThrough(), {
			isTTY: true,
			setRawMode(on: boolean) {
				modes.push(on);
				return real;
			},
			ref: () => real,
			unref: () => real,
		});
		return {real, modes};
	}

	/** Read it as Ink does: `read()` on `readable`. */
	function readAsInk(stream: MouseStdin): string[] {
		const reads: string[] = [];
		stream.setEncoding('utf8');
		stream.on('readable', () => {
			let chunk: string | null;
			while ((chunk = stream.read() as string | null) !== null) {
				reads.push(chunk);
			}
		});
		return reads;
	}

	test('keys go on to the reader, mouse events to the listener, a report split across writes included', async () => {
		const {real, modes} = fakeTerminal();
		const events: MouseEvent[] = [];
		const stdin = new MouseStdin(real as unknown as NodeJS.ReadStream, (event) => events.push(event));
		const reads = readAsInk(stdin);
		stdin.setRawMode(true);
		real.write(`j${press.slice(0, 5)}`);
		real.write(`${press.slice(5)}k`);
		await waitFor(() => reads.join('') === 'jk' && events.length === 1, {what: 'the keys and the click'});
		expect(events).toEqual([leftPress]);
		stdin.setRawMode(false);
		expect(modes).toEqual([true, false]);
	});

	test('Esc alone still arrives, after a short wait for the rest of a report that does not come', async () => {
		const {real} = fakeTerminal();
		const stdin = new MouseStdin(real as unknown as NodeJS.ReadStream, () => undefined);
		const reads = readAsInk(stdin);
		stdin.setRawMode(true);
		real.write('\u001B');
		await waitFor(() => reads.join('') === '\u001B', {what: 'the Esc'});
		stdin.setRawMode(false);
	});

	test('Esc, then a key in the next read: two keys for Ink, not Alt and the key', async () => {
		const {real} = fakeTerminal();
		const stdin = new MouseStdin(real as unknown as NodeJS.ReadStream, () => undefined);
		const reads = readAsInk(stdin);
		stdin.setRawMode(true);
		real.write('\u001B');
		real.write('q');
		await waitFor(() => reads.join('') === '\u001Bq', {what: 'both keys'});
		expect(reads).toEqual(['\u001B', 'q']);
		stdin.setRawMode(false);
	});

	test('nothing is read from the terminal while raw mode is off', async () => {
		const {real} = fakeTerminal();
		const stdin = new MouseStdin(real as unknown as NodeJS.ReadStream, () => undefined);
		const reads = readAsInk(stdin);
		stdin.setRawMode(true);
		stdin.setRawMode(false);
		real.write('q');
		await new Promise((resolve) => {
			setImmediate(resolve);
		});
		expect(reads).toEqual([]);
		// Still there for whoever reads next.
		expect(real.read()?.toString()).toBe('q');
	});
});
