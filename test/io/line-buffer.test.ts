import {Buffer} from 'node:buffer';
import {describe, expect, test} from 'vitest';
import {DEFAULT_LINE_CAPACITY, LineRing} from '../../source/io/line-buffer.js';

function texts(ring: LineRing): string[] {
	return ring.lines().map(line => line.text);
}

describe('LineRing', () => {
	test('assembles stderr apart from stdout, so the two never meet inside a line, and marks its lines', () => {
		const ring = new LineRing();
		ring.push('out par');
		ring.push('err li', 'stderr');
		ring.push('ne\nerr two\n', 'stderr');
		ring.push('tial\n');
		expect(ring.lines()).toEqual([
			{seq: 1, time: expect.any(Number), text: 'err line', stderr: true},
			{seq: 2, time: expect.any(Number), text: 'err two', stderr: true},
			{seq: 3, time: expect.any(Number), text: 'out partial'},
		]);
	});

	test('flushes an unfinished stderr line at the end, marked', () => {
		const ring = new LineRing();
		ring.push('no newline', 'stderr');
		ring.flush();
		expect(ring.lines()).toEqual([{seq: 1, time: expect.any(Number), text: 'no newline', stderr: true}]);
	});

	test('splits a chunk into lines', () => {
		const ring = new LineRing();
		ring.push('one\ntwo\n');
		expect(texts(ring)).toEqual(['one', 'two']);
	});

	test('assembles a line split across chunks', () => {
		const ring = new LineRing();
		ring.push(Buffer.from('hel'));
		ring.push(Buffer.from('lo wor'));
		ring.push(Buffer.from('ld\nnext'));
		expect(texts(ring)).toEqual(['hello world']);
	});

	test('shows the unfinished last line as pending', () => {
		const ring = new LineRing();
		ring.push('done\nworking');
		expect(ring.pending()).toBe('working');
	});

	test('has no pending text after a newline', () => {
		const ring = new LineRing();
		ring.push('done\n');
		expect(ring.pending()).toBe('');
	});

	test('turns the pending line into a line on flush', () => {
		const ring = new LineRing();
		ring.push('no newline at exit');
		ring.flush();
		expect([texts(ring), ring.pending()]).toEqual([['no newline at exit'], '']);
	});

	test('numbers lines from 1 in order', () => {
		const ring = new LineRing();
		ring.push('a\nb\nc\n');
		expect(ring.lines().map(line => line.seq)).toEqual([1, 2, 3]);
		expect([ring.firstSeq, ring.lastSeq]).toEqual([1, 3]);
	});

	test('reports an empty ring as lastSeq 0 and firstSeq 1', () => {
		const ring = new LineRing();
		expect([ring.firstSeq, ring.lastSeq, ring.size]).toEqual([1, 0, 0]);
	});

	test('stamps each line with the time of the push that completed it', () => {
		let now = 1000;
		const ring = new LineRing({now: () => now});
		ring.push('first\nsec');
		now = 2000;
		ring.push('ond\n');
		expect(ring.lines().map(line => line.time)).toEqual([1000, 2000]);
	});

	test('evicts the oldest line beyond its capacity', () => {
		const ring = new LineRing({capacity: 3});
		ring.push('1\n2\n3\n4\n5\n');
		expect(texts(ring)).toEqual(['3', '4', '5']);
		expect([ring.firstSeq, ring.lastSeq]).toEqual([3, 5]);
	});

	test('evicts the oldest lines beyond its byte limit', () => {
		const ring = new LineRing({maxBytes: 10});
		ring.push('aaaa\nbbbb\ncccc\n');
		expect(texts(ring)).toEqual(['bbbb', 'cccc']);
		expect(ring.byteLength).toBe(8);
	});

	test('counts bytes as UTF-8', () => {
		const ring = new LineRing();
		ring.push('é€\n');
		expect(ring.byteLength).toBe(5);
	});

	test('keeps only the last capacity lines of one huge chunk, numbered as if all were kept', () => {
		const ring = new LineRing({capacity: 2});
		ring.push('a\nb\nc\nd\n');
		expect(ring.lines().map(line => [line.seq, line.text])).toEqual([
			[3, 'c'],
			[4, 'd'],
		]);
	});

	test('returns lines from a sequence number, at most a limit', () => {
		const ring = new LineRing();
		ring.push('a\nb\nc\nd\n');
		expect(ring.lines(2, 2).map(line => line.text)).toEqual(['b', 'c']);
	});

	test('starts at the oldest line held when asked for an evicted one', () => {
		const ring = new LineRing({capacity: 2});
		ring.push('a\nb\nc\n');
		expect(ring.lines(1).map(line => line.seq)).toEqual([2, 3]);
	});

	test('returns nothing after the newest line', () => {
		const ring = new LineRing();
		ring.push('a\n');
		expect(ring.lines(2)).toEqual([]);
	});

	test('returns the newest lines with tail', () => {
		const ring = new LineRing();
		ring.push('a\nb\nc\n');
		expect(ring.tail(2).map(line => line.text)).toEqual(['b', 'c']);
		expect(ring.tail(10).map(line => line.text)).toEqual(['a', 'b', 'c']);
		expect(ring.tail(0)).toEqual([]);
	});

	test('wraps around its storage and keeps order', () => {
		const ring = new LineRing({capacity: 3});
		for (let i = 1; i <= 10; i++) {
			ring.push(`${i}\n`);
		}

		expect(texts(ring)).toEqual(['8', '9', '10']);
	});

	test('turns a PTY line ending split across chunks into one newline', () => {
		const ring = new LineRing();
		ring.push('abc\r');
		ring.push('\ndef\r\n');
		expect(texts(ring)).toEqual(['abc', 'def']);
	});

	test('keeps the last frame of a progress bar', () => {
		const ring = new LineRing();
		ring.push('10%\r20%\r');
		ring.push('30%\r\n');
		expect(texts(ring)).toEqual(['30%']);
	});

	test('holds one frame of a progress bar that never prints a newline', () => {
		const ring = new LineRing();
		for (let i = 0; i <= 100; i++) {
			ring.push(`progress ${i}%\r`);
		}

		expect(ring.pending()).toBe('progress 100%');
		expect(ring.size).toBe(0);
	});

	test('keeps colours and removes cursor movement', () => {
		const ring = new LineRing();
		ring.push('\u001B[32mok\u001B[0m\u001B[2K\u001B[1G\n');
		expect(texts(ring)).toEqual(['\u001B[32mok\u001B[0m']);
	});

	test('decodes a character split across chunks', () => {
		const ring = new LineRing();
		const bytes = Buffer.from('né\n');
		ring.push(bytes.subarray(0, 2));
		ring.push(bytes.subarray(2));
		expect(texts(ring)).toEqual(['né']);
	});

	test('cuts an endless line into lines of maxLineBytes', () => {
		const ring = new LineRing({maxLineBytes: 4});
		ring.push('abcdefghij');
		expect([texts(ring), ring.pending()]).toEqual([['abcd', 'efgh'], 'ij']);
	});

	test('cuts an over-long complete line too', () => {
		const ring = new LineRing({maxLineBytes: 4});
		ring.push('abcdefghij\n');
		expect(texts(ring)).toEqual(['abcd', 'efgh', 'ij']);
	});

	test('does not cut a character in two when cutting a line', () => {
		const ring = new LineRing({maxLineBytes: 4});
		ring.push('aaaé€xyz');
		expect(texts(ring).join('') + ring.pending()).toBe('aaaé€xyz');
	});

	test('does not keep a reference to the caller’s buffer', () => {
		const ring = new LineRing();
		const chunk = Buffer.from('abc');
		ring.push(chunk);
		chunk.fill(0x78);
		ring.push('\n');
		expect(texts(ring)).toEqual(['abc']);
	});

	test('holds 10,000 lines by default', () => {
		const ring = new LineRing();
		ring.push('x\n'.repeat(DEFAULT_LINE_CAPACITY + 5));
		expect([ring.size, ring.firstSeq]).toEqual([DEFAULT_LINE_CAPACITY, 6]);
	});

	test('names a bad option in its error', () => {
		expect(() => new LineRing({capacity: -1})).toThrow('Expected `capacity` to be a positive integer, got `-1` (number)');
	});

	test('the unfinished line carries the seq its completed line will have', () => {
		let now = 1000;
		const ring = new LineRing({now: () => now});
		expect(ring.pendingLine()).toBeUndefined();
		ring.push('done\nprogress 10%');
		expect(ring.pendingLine()).toEqual({seq: 2, time: 1000, text: 'progress 10%'});
		now = 2000;
		ring.push('\rprogress 50%');
		expect(ring.pendingLine()).toEqual({seq: 2, time: 2000, text: 'progress 50%'});
		ring.push('\rprogress 100%\n');
		expect(ring.pendingLine()).toBeUndefined();
		expect(ring.lines().at(-1)).toEqual({seq: 2, time: 2000, text: 'progress 100%'});
	});
});

describe('LineRing keeps raw blocks and splits them when read', () => {
	test('splits a line begun in one chunk and ended in a large one when read', () => {
		const ring = new LineRing();
		ring.push('start of a ');
		const big = Buffer.from(`long line\n${'x'.repeat(1000)}\nlast\ntail`);
		ring.push(big);
		expect(texts(ring)).toEqual(['start of a long line', 'x'.repeat(1000), 'last']);
		expect(ring.pending()).toBe('tail');
		expect(ring.lines(2, 1).map(line => line.seq)).toEqual([2]);
	});

	test('decodes a character split between the pending line and a large chunk', () => {
		const ring = new LineRing();
		const bytes = Buffer.from(`prix 10 €\n${'y'.repeat(700)}\n`);
		const cut = bytes.indexOf(0xe2) + 1;
		ring.push(bytes.subarray(0, cut));
		ring.push(Buffer.from(bytes.subarray(cut)));
		expect(texts(ring)).toEqual(['prix 10 €', 'y'.repeat(700)]);
		expect(ring.byteLength).toBe(Buffer.byteLength('prix 10 €') + 700);
	});

	test('evicts by bytes across blocks, down to the line, as if line by line', () => {
		const ring = new LineRing({maxBytes: 2000});
		ring.push(`${'a'.repeat(999)}\n${'b'.repeat(999)}\n`);
		ring.push(`${'c'.repeat(999)}\n${'d'.repeat(99)}\n`);
		// Only c and d (1,098 bytes) fit in 2,000: a and b go, from the first block only.
		expect(texts(ring).map(text => text[0])).toEqual(['c', 'd']);
		expect([ring.firstSeq, ring.lastSeq, ring.size, ring.byteLength]).toEqual([3, 4, 2, 1098]);
		ring.push(`${'e'.repeat(1300)}\n`);
		expect(texts(ring).map(text => text[0])).toEqual(['d', 'e']);
		expect(ring.byteLength).toBe(1399);
	});

	test('keeps part of a large block when only its first lines must go', () => {
		const ring = new LineRing({capacity: 5});
		ring.push(Buffer.from(Array.from({length: 100}, (_, i) => `line ${String(i).padStart(3, '0')} ${'-'.repeat(20)}`).join('\n') + '\n'));
		ring.push('one more\n');
		expect(ring.lines().map(line => [line.seq, line.text.slice(0, 8)])).toEqual([
			[97, 'line 096'], [98, 'line 097'], [99, 'line 098'], [100, 'line 099'], [101, 'one more'],
		]);
	});

	test('shows a partial line at the end of the ring as it arrives, and not as a line', () => {
		const ring = new LineRing();
		ring.push(Buffer.from(`${'z'.repeat(600)}\nprompt> `));
		expect(ring.size).toBe(1);
		expect(ring.pendingLine()).toEqual({seq: 2, time: expect.any(Number), text: 'prompt> '});
		ring.push('yes');
		expect(ring.pendingLine()?.text).toBe('prompt> yes');
		ring.push('\n');
		expect(ring.lines(2)).toEqual([{seq: 2, time: expect.any(Number), text: 'prompt> yes'}]);
	});

	test('keeps a large chunk by reference and copies a small one', () => {
		const ring = new LineRing();
		const small = Buffer.from('small\n');
		const large = Buffer.from(`${'l'.repeat(600)}\n`);
		ring.push(small);
		ring.push(large);
		small.fill(0x2d);
		// Handed over: a caller must not change it, and the ring reads what it holds.
		large.fill(0x2d, 0, 600);
		expect(texts(ring)).toEqual(['small', '-'.repeat(600)]);
	});

	test('cuts an over-long line in the middle of a block, keeping the lines around it', () => {
		const ring = new LineRing({maxLineBytes: 4});
		ring.push('ab\nabcdefghij\ncd\n');
		expect(ring.lines().map(line => [line.seq, line.text])).toEqual([[1, 'ab'], [2, 'abcd'], [3, 'efgh'], [4, 'ij'], [5, 'cd']]);
	});

	test('cuts a line of multi-byte characters even when maxLineBytes is smaller than one', () => {
		const ring = new LineRing({maxLineBytes: 1});
		ring.push('ab\n');
		expect(texts(ring)).toEqual(['a', 'b']);
		ring.push('€\n');
		expect(ring.size).toBe(5);
	});

	test('matches a line-by-line model over random pushes, bounds and reads', () => {
		let state = 12_345;
		const random = (n: number): number => {
			state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
			return state % n;
		};

		const alphabet = ['a', 'b', 'c', '\n', '\n', 'é', 'x'];
		for (let round = 0; round < 150; round++) {
			const capacity = 1 + random(30);
			const maxBytes = 8 + random(400);
			const maxLineBytes = Math.min(4 + random(60), maxBytes);
			let now = 0;
			const ring = new LineRing({capacity, maxBytes, maxLineBytes, now: () => now});
			// The model: every line ever, with its time; the ring holds the newest that fit both bounds.
			const all: Array<{text: string; time: number; stderr: boolean}> = [];
			let pending = '';
			let errPending = '';
			const addLine = (text: string, time: number, stderr: boolean): void => {
				let rest = Buffer.from(text);
				while (rest.length > maxLineBytes) {
					let cut = maxLineBytes;
					while (cut > 0 && (rest[cut]! & 0xc0) === 0x80) {
						cut--;
					}

					cut = cut > 0 ? cut : maxLineBytes;
					all.push({text: rest.subarray(0, cut).toString(), time, stderr});
					rest = rest.subarray(cut);
				}

				all.push({text: rest.toString(), time, stderr});
			};

			for (let step = 0; step < 40; step++) {
				now += 1 + random(3);
				const length = random(5) === 0 ? random(2000) : random(40);
				const text = Array.from({length}, () => alphabet[random(alphabet.length)]).join('');
				const stderr = random(6) === 0;
				ring.push(Buffer.from(text), stderr ? 'stderr' : 'stdout');
				const parts = ((stderr ? errPending : pending) + text).split('\n');
				const unfinished = parts.pop()!;
				for (const part of parts) {
					addLine(part, now, stderr);
				}

				// An unfinished line longer than maxLineBytes is emitted in pieces as it grows.
				let rest = Buffer.from(unfinished);
				if (!stderr) {
					while (rest.length > maxLineBytes) {
						let cut = maxLineBytes;
						while (cut > 0 && (rest[cut]! & 0xc0) === 0x80) {
							cut--;
						}

						cut = cut > 0 ? cut : maxLineBytes;
						all.push({text: rest.subarray(0, cut).toString(), time: now, stderr});
						rest = rest.subarray(cut);
					}
				} else if (rest.length > maxLineBytes) {
					addLine(rest.toString(), now, stderr);
					rest = Buffer.alloc(0);
				}

				if (stderr) {
					errPending = rest.toString();
				} else {
					pending = rest.toString();
				}

				if (random(4) === 0) {
					let held = 0;
					let bytes = 0;
					while (held < all.length && held < capacity && bytes + Buffer.byteLength(all.at(-1 - held)!.text) <= maxBytes) {
						bytes += Buffer.byteLength(all.at(-1 - held)!.text);
						held++;
					}

					const expected = all.slice(all.length - held).map((line, i) => ({
						seq: all.length - held + i + 1, time: line.time, text: line.text, ...(line.stderr ? {stderr: true} : {}),
					}));
					const from = random(all.length + 2);
					expect(ring.lines(from), `round ${round} step ${step}`).toEqual(expected.filter(line => line.seq >= from));
					expect([ring.size, ring.firstSeq, ring.lastSeq, ring.byteLength]).toEqual([held, all.length - held + 1, all.length, bytes]);
					expect(ring.pending()).toBe(pending);
				}
			}
		}
	});
});
