import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import v8 from 'node:v8';
import {describe, expect, it} from 'vitest';
import {collectGarbage} from '../../source/io/memory.js';
import {HeapTrim} from '../../source/ui/live/heap-trim.js';

const mib = 1024 * 1024;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A HeapTrim over a heap size the test sets, counting collections, on a clock the test moves. */
function trimOver(sizes: {size: number}, clock: {now: number}) {
	let collections = 0;
	const kinds: string[] = [];
	const trim = new HeapTrim({
		collect(kind) {
			kinds.push(kind);
			if (kind === 'full') {
				collections++;
				sizes.size = 60 * mib;
			}
		},
		heapSize: () => sizes.size,
		now: () => clock.now,
	});
	return {trim, collections: () => collections, kinds};
}

describe('HeapTrim', () => {
	it('collects once a burst has grown the heap and stopped growing it, and not while it grows', () => {
		const heap = {size: 50 * mib};
		const clock = {now: 0};
		const {trim, collections} = trimOver(heap, clock);
		trim.check();
		// A flood: the heap grows every second.
		for (let second = 1; second <= 10; second++) {
			clock.now = second * 1000;
			heap.size += 10 * mib;
			expect(trim.check()).toBe(false);
		}

		// Over: steady for two checks, then collected once.
		const results = [11, 12, 13, 14].map((second) => {
			clock.now = second * 1000;
			return trim.check();
		});
		expect(results).toEqual([false, true, false, false]);
		expect(collections()).toBe(1);
		expect(trim.trims).toBe(1);
	});

	it('waits while log lines keep coming, although the heap has stopped growing', () => {
		const heap = {size: 50 * mib};
		const clock = {now: 0};
		const {trim, collections} = trimOver(heap, clock);
		trim.check();
		heap.size = 100 * mib;
		// A flood that goes on: the heap stays at one size, lines keep coming.
		for (let second = 1; second <= 10; second++) {
			clock.now = second * 1000;
			expect(trim.check(5000)).toBe(false);
		}

		// It stops: two quiet checks, then collected.
		const results = [11, 12, 13, 14].map((second) => {
			clock.now = second * 1000;
			return trim.check(second === 11 ? 10 : 0);
		});
		expect(results).toEqual([false, true, false, false]);
		expect(collections()).toBe(1);
	});

	it('leaves a heap alone that grew less than the threshold, and collects at most once per 30 s', () => {
		const heap = {size: 50 * mib};
		const clock = {now: 0};
		const {trim} = trimOver(heap, clock);
		trim.check();
		heap.size += 10 * mib;
		for (let second = 1; second <= 10; second++) {
			clock.now = second * 1000;
			expect(trim.check()).toBe(false);
		}

		// From the 60 MiB it was left at, another burst of 40 MiB: collected once it stops.
		heap.size = 100 * mib;
		let collectedAt: number | undefined;
		for (let second = 11; second <= 20 && collectedAt === undefined; second++) {
			clock.now = second * 1000;
			collectedAt = trim.check() ? second : undefined;
		}

		expect(collectedAt).toBe(13);
		// The next burst right after: no collection until 30 s have passed since the last.
		heap.size = 120 * mib;
		const again: number[] = [];
		for (let second = 15; second <= 50; second++) {
			clock.now = second * 1000;
			if (trim.check()) {
				again.push(second);
			}
		}

		expect(again).toEqual([43]);
	});

	it('after a full collection, collects the young generation at each of the next eight quiet checks, and stops when output comes again', () => {
		const heap = {size: 50 * mib};
		const clock = {now: 0};
		const {trim, kinds} = trimOver(heap, clock);
		trim.check();
		heap.size = 100 * mib;
		for (let second = 1; second <= 3; second++) {
			clock.now = second * 1000;
			trim.check();
		}

		expect(kinds).toEqual(['full']);
		for (let second = 4; second <= 20; second++) {
			clock.now = second * 1000;
			trim.check();
		}

		expect(kinds).toEqual(['full', ...Array.from({length: 8}, () => 'young')]);
		// The next burst is over 40 s later: two quiet checks after its collection, then output again.
		heap.size = 100 * mib;
		kinds.length = 0;
		const lines = [0, 0, 0, 0, 0, 500, 0, 0];
		for (const [index, count] of lines.entries()) {
			clock.now = (50 + index) * 1000;
			trim.check(count);
		}

		expect(kinds).toEqual(['full', 'young', 'young']);
	});

	it('collectGarbage reaches V8\'s full collection without --expose-gc at start, and it frees unreachable objects', () => {
		expect(collectGarbage()).toBe(true);
		const before = v8.getHeapStatistics().used_heap_size;
		let garbage: string[] | undefined = Array.from({length: 200_000}, (_, index) => `garbage line ${index} ${'x'.repeat(40)}`);
		expect(garbage.length).toBe(200_000);
		const full = v8.getHeapStatistics().used_heap_size;
		expect(full - before).toBeGreaterThan(10 * mib);
		garbage = undefined;
		collectGarbage();
		expect(v8.getHeapStatistics().used_heap_size - before).toBeLessThan(4 * mib);
		expect(garbage).toBeUndefined();
	});

	it('collectGarbage gives the young generation back at once, through procui-memory.node (V8\'s low-memory notification)', () => {
		expect(fs.existsSync(path.join(repoRoot, 'dist', 'procui-memory.node'))).toBe(true);
		const youngSize = (): number => v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')!.space_size;
		// A burst of short-lived objects grows the young generation (if earlier work had not).
		let made = 0;
		for (let round = 0; round < 200; round++) {
			made += Array.from({length: 20_000}, (_, index) => ({index, text: `line ${index} of round ${round}`})).length;
		}

		expect(made).toBe(4_000_000);
		const grown = youngSize();
		expect(grown).toBeGreaterThanOrEqual(8 * mib);
		expect(collectGarbage()).toBe(true);
		// JavaScript's gc() alone leaves it at its grown size (Node 20) until V8's memory reducer runs.
		expect(youngSize()).toBeLessThanOrEqual(grown / 4);
	});
});
