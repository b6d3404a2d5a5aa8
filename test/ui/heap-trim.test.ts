import v8 from 'node:v8';
import {describe, expect, it} from 'vitest';
import {collectGarbage} from '../../source/io/memory.js';
import {HeapTrim} from '../../source/ui/live/heap-trim.js';

const mib = 1024 * 1024;

/** A HeapTrim over a heap size the test sets, counting collections, on a clock the test moves. */
function trimOver(sizes: {size: number}, clock: {now: number}) {
	let collections = 0;
	const trim = new HeapTrim({
		collect() {
			collections++;
			sizes.size = 60 * mib;
		},
		heapSize: () => sizes.size,
		now: () => clock.now,
	});
	return {trim, collections: () => collections};
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

		// Over: steady for three checks, then collected once.
		const results = [11, 12, 13, 14].map((second) => {
			clock.now = second * 1000;
			return trim.check();
		});
		expect(results).toEqual([false, false, true, false]);
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

		// It stops: three quiet checks, then collected.
		const results = [11, 12, 13, 14].map((second) => {
			clock.now = second * 1000;
			return trim.check(second === 11 ? 10 : 0);
		});
		expect(results).toEqual([false, false, true, false]);
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

		expect(collectedAt).toBe(14);
		// The next burst right after: no collection until 30 s have passed since the last.
		heap.size = 120 * mib;
		const again: number[] = [];
		for (let second = 15; second <= 50; second++) {
			clock.now = second * 1000;
			if (trim.check()) {
				again.push(second);
			}
		}

		expect(again).toEqual([44]);
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
});
