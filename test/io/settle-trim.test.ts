import {describe, expect, it} from 'vitest';
import {SettleTrim} from '../../source/io/settle-trim.js';
import {waitFor} from '../helpers/daemon.js';

type Timing = {quietMs: number; gapMs: number; collections?: number};

/** A trim that counts its collections; `during` runs at each (with the count so far). */
function counting(timing: Timing, during?: (count: number, trim: SettleTrim) => void): {trim: SettleTrim; count: () => number} {
	let collections = 0;
	const trim: SettleTrim = new SettleTrim({
		collect() {
			collections++;
			during?.(collections, trim);
		},
		...timing,
	});
	return {trim, count: () => collections};
}

describe('SettleTrim', () => {
	it('arms nothing until something happens', () => {
		const trim = new SettleTrim({collect() {}, quietMs: 10, gapMs: 10});
		expect(trim.pending).toBe(false);
		expect(trim.collected).toBe(0);
	});

	it('runs its series of collections once the events stop, then holds no timer', async () => {
		const {trim, count} = counting({quietMs: 20, gapMs: 10, collections: 3});
		trim.activity();
		trim.activity();
		expect(trim.pending).toBe(true);
		await waitFor(() => !trim.pending, {what: 'the series to end'});
		expect(count()).toBe(3);
		expect(trim.collected).toBe(3);
	});

	it('starts the series again when an event comes in the middle of it', async () => {
		const {trim, count} = counting({quietMs: 20, gapMs: 10, collections: 3}, (collections, self) => {
			if (collections === 2) {
				// A spawn between two collections: the burst is not over.
				self.activity();
			}
		});
		trim.activity();
		await waitFor(() => !trim.pending, {what: 'the series to end'});
		// Two of the first series, then a whole one.
		expect(count()).toBe(5);
	});

	it('collects nothing after close', async () => {
		const {trim, count} = counting({quietMs: 20, gapMs: 10});
		trim.activity();
		trim.close();
		expect(trim.pending).toBe(false);
		// A second trim, armed after the first was closed, ends its series: the first had its time.
		const witness = new SettleTrim({collect() {}, quietMs: 40, gapMs: 10, collections: 1});
		witness.activity();
		await waitFor(() => !witness.pending, {what: 'the witness to collect'});
		expect(count()).toBe(0);
	});
});
