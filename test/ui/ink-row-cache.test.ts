import {stripVTControlCharacters} from 'node:util';
import stringWidth from 'string-width';
import {describe, expect, it} from 'vitest';
import {styledCharsFromTokens, styledCharsToString, tokenize} from '@alcalzone/ansi-tokenize';
import {cacheRows, isInkOutput, loadInkOutput, plainSegment, type InkOutput, type InkOutputClass} from '../../source/ui/screen/ink-row-cache.js';

// Ink's own `Output` and its `get` as shipped; the class is patched once, below, and each frame is
// built both ways from the same operations.
const loaded = await loadInkOutput();
if (loaded === undefined || !isInkOutput(loaded.Output)) {
	throw new Error('Ink\'s Output class was not found where ink 6.8 has it (node_modules/ink/build/output.js)');
}

const Output: InkOutputClass = loaded.Output;
const inkGet = Output.prototype.get;
cacheRows(Output, loaded.sliceAnsi);

/** A small seeded generator (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6D_2B_79_F5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

type Write = {x: number; y: number; text: string; transform?: (line: string, index: number) => string};
type Step = {kind: 'write'; write: Write} | {kind: 'clip'; clip: {x1?: number; x2?: number; y1?: number; y2?: number}} | {kind: 'unclip'};

const styles = ['\u001B[31m', '\u001B[1m', '\u001B[2m', '\u001B[7m', '\u001B[4m', '\u001B[39m', '\u001B[22m', '\u001B[27m', '\u001B[0m', '\u001B[38;5;208m', '\u001B[48;2;10;20;30m', '\u001B[49m', '\u001B[90m'];
const words = ['a', 'procui', '  ', '│', '─', '╭', '漢字', '🙂', 'e\u0301', '⣿⣀', '12.5%', ' ', 'x', '● w000', '↻', '⚠ no update', 'é·ß', '\u001B[m', '\u001B[1;31m', '\u001B[?25h'];

function line(next: () => number): string {
	const parts = Math.floor(next() * 6);
	let text = '';
	for (let index = 0; index < parts; index++) {
		if (next() < 0.4) {
			text += styles[Math.floor(next() * styles.length)];
		}

		text += words[Math.floor(next() * words.length)];
	}

	// Most of procui's rows close their colours; some do not.
	return next() < 0.7 && text.length > 0 ? `${text}\u001B[0m` : text;
}

function write(next: () => number, width: number, height: number): Write {
	const lines = Array.from({length: 1 + Math.floor(next() * 3)}, () => line(next));
	const result: Write = {
		x: Math.floor(next() * (width + 4)) - 2,
		y: Math.floor(next() * (height + 2)) - 1,
		text: lines.join('\n'),
	};
	if (next() < 0.3) {
		// As procui's Rows: a blank block whose lines are swapped for the real ones.
		const real = Array.from({length: lines.length}, () => line(next));
		const newline = next() < 0.05;
		result.transform = (_line, index) => (newline && index === 0 ? `${real[index]}\nmore` : real[index] ?? '');
	}

	return result;
}

function frame(next: () => number, width: number, height: number): Step[] {
	const steps: Step[] = [];
	let open = 0;
	const count = Math.floor(next() * 10);
	for (let index = 0; index < count; index++) {
		const roll = next();
		if (roll < 0.2) {
			// A box's row, as Ink writes it: both borders first, then the content touching the left one.
			const x = Math.floor(next() * width) - 1;
			const y = Math.floor(next() * height);
			const content = line(next);
			const border = next() < 0.7 ? '\u001B[36m│\u001B[39m' : '│';
			steps.push(
				{kind: 'write', write: {x, y, text: border}},
				{kind: 'write', write: {x: x + 1 + stringWidth(stripVTControlCharacters(content)), y, text: border}},
				{kind: 'write', write: {x: x + 1, y, text: content}},
			);
		} else if (roll < 0.3) {
			const clip = next() < 0.5
				? {x1: Math.floor(next() * width), x2: Math.floor(next() * width) + 2}
				: {x1: Math.floor(next() * width), x2: Math.floor(next() * width) + 2, y1: Math.floor(next() * height), y2: Math.floor(next() * height) + 1};
			steps.push({kind: 'clip', clip});
			open++;
		} else if (roll < 0.35 && open > 0) {
			steps.push({kind: 'unclip'});
			open--;
		} else {
			steps.push({kind: 'write', write: write(next, width, height)});
		}
	}

	return steps;
}

function output(width: number, height: number, steps: readonly Step[]): InkOutput {
	const result = new Output({width, height});
	for (const step of steps) {
		if (step.kind === 'write') {
			result.operations.push({type: 'write', x: step.write.x, y: step.write.y, text: step.write.text, transformers: step.write.transform ? [step.write.transform] : []});
		} else if (step.kind === 'clip') {
			result.operations.push({type: 'clip', clip: step.clip});
		} else {
			result.operations.push({type: 'unclip'});
		}
	}

	return result;
}

describe('the row cache of Ink\'s frames', () => {
	it('builds every frame exactly as Ink does, over random frames that change a little or a lot from one to the next', () => {
		const seed = Number(process.env.ROW_CACHE_SEED ?? Math.floor(Math.random() * 2 ** 31));
		const next = random(seed);
		let width = 40;
		let height = 8;
		let steps: Step[] = [];
		let cached = 0;
		for (let index = 0; index < 3000; index++) {
			const roll = next();
			if (roll < 0.05) {
				width = 1 + Math.floor(next() * 60);
				height = 1 + Math.floor(next() * 12);
				steps = frame(next, width, height);
			} else if (roll < 0.3 || steps.length === 0) {
				steps = frame(next, width, height);
			} else if (roll < 0.8) {
				// Like a stats tick: one write changes, the rest stays.
				const at = Math.floor(next() * steps.length);
				if (steps[at]!.kind === 'write') {
					steps = steps.with(at, {kind: 'write', write: write(next, width, height)});
				}
			} else {
				cached++;
			}

			const expected = inkGet.call(output(width, height, steps));
			const actual = output(width, height, steps).get();
			expect(actual, `seed ${seed}, frame ${index} (replay: ROW_CACHE_SEED=${seed})`).toEqual(expected);
		}

		expect(cached).toBeGreaterThan(100);
	});

	it('builds the same frame twice in a row from its rows, and a frame with a newline put in by a transformer as Ink does', () => {
		const steps: Step[] = [
			{kind: 'write', write: {x: 0, y: 0, text: '\u001B[31mred\u001B[39m plain', transform: undefined}},
			{kind: 'write', write: {x: 10, y: 0, text: '\u001B[7mrev\u001B[27m'}},
			{kind: 'write', write: {x: 13, y: 0, text: '\u001B[4mtouching\u001B[24m'}},
			{kind: 'write', write: {x: 2, y: 1, text: '漢字🙂 wide'}},
		];
		for (let round = 0; round < 3; round++) {
			expect(output(30, 3, steps).get()).toEqual(inkGet.call(output(30, 3, steps)));
		}

		const withNewline: Step[] = [...steps, {kind: 'write', write: {x: 0, y: 2, text: 'x', transform: () => 'one\ntwo'}}];
		expect(output(30, 3, withNewline).get()).toEqual(inkGet.call(output(30, 3, withNewline)));
	});
});

describe('a line read without tokenizing it', () => {
	// What procui's rows are made of (ASCII, Latin-1, box drawing, braille, shapes, arrows, symbols
	// wide or not in a terminal) and the SGR sequences its colours are: simple, compound, 256-colour,
	// true colour, resets, an empty one.
	const plain = ['a', 'procui 12.5%', ' ', '│', '╰─╯', '⣿⣀⡇', '▸●○◌', '↻↑↓', '·', 'é ß ñ', 'ʰ', '⚠', '⌚', '⚡', '✅', '★', '…', '—'];
	const codes = ['\u001B[31m', '\u001B[39m', '\u001B[1m', '\u001B[2m', '\u001B[22m', '\u001B[7m', '\u001B[27m', '\u001B[0m', '\u001B[m', '\u001B[1;4;36m', '\u001B[38;5;208m', '\u001B[48;2;10;20;30m', '\u001B[49m', '\u001B[90m', '\u001B[24m'];
	// Anything else: the line is left to the tokenizer.
	const other = ['漢', '🙂', 'e\u0301', '\u200D', '\u001B]8;;https://x\u0007', '\u001B[?25h', '\u001B[3', '\u009B31m', '\t', '\u001B'];

	function randomLine(next: () => number, pool: readonly string[]): string {
		let text = '';
		const parts = Math.floor(next() * 12);
		for (let index = 0; index < parts; index++) {
			text += next() < 0.4 ? codes[Math.floor(next() * codes.length)] : pool[Math.floor(next() * pool.length)];
		}

		return text;
	}

	/** What tokenizing the line into styled characters gives, as Ink's serializer writes it. */
	function expected(line: string) {
		const cells = styledCharsFromTokens(tokenize(line));
		return {
			text: cells.length === 0 ? '' : styledCharsToString(cells),
			width: cells.reduce((sum, cell) => sum + Math.max(1, stringWidth(cell.value)), 0),
			firstStyles: cells[0]?.styles ?? [],
			lastStyles: cells.at(-1)?.styles ?? [],
		};
	}

	it('gives the pieces, width and styles that tokenizing gives, and leaves every other line to the tokenizer', () => {
		const seed = Number(process.env.ROW_CACHE_SEED ?? Math.floor(Math.random() * 2 ** 31));
		const next = random(seed);
		let read = 0;
		let left = 0;
		for (let index = 0; index < 5000; index++) {
			const line = randomLine(next, next() < 0.8 ? plain : [...plain, ...other]);
			const segment = plainSegment(line, stringWidth);
			const isPlain = !other.some((piece) => line.includes(piece));
			const where = `seed ${seed}, line ${index} ${JSON.stringify(line)} (replay: ROW_CACHE_SEED=${seed})`;
			if (segment === undefined) {
				expect(isPlain, where).toBe(false);
				left++;
				continue;
			}

			read++;
			const want = expected(line);
			expect({text: segment.head + segment.body + segment.tail, width: segment.width, firstStyles: segment.firstStyles, lastStyles: segment.lastStyles}, where).toEqual(want);
		}

		expect(read).toBeGreaterThan(3000);
		expect(left).toBeGreaterThan(100);
	});
});
