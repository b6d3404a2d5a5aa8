import {describe, expect, it} from 'vitest';
import {SettleTrim} from '../../source/io/settle-trim.js';
import {waitFor} from '../helpers/daemon.js';

describe('SettleTrim', () => {
	it('arms nothing until something happens', () => {
		const trim = new SettleTrim({collect() {}, quietMs: 10, gapMs: 10});
		expect(trim.pending).toBe(false);
		expect(trim.collected).toBe(0);
	});

	it('runs its series of collections once the events stop, then holds no timer', async () => {
		let collections = 0;
		const trim = new SettleTrim({
			collect() {
				collections++;
			},
			quietMs: 20,
			gapMs: 10,
			collections: 3,
		});
		trim.activity();
		trim.activity();
		expect(trim.pending).toBe(true);
		await waitFor(() => !trim.pending, {what: 'the series to end'});
		expect(collections).toBe(3);
		expect(trim.collected).toBe(3);
	});

	it('starts the series again when an event comes in the middle of it', async () => {
		let collections = 0;
		const trim = new SettleTrim({
			collect() {
				collections++;
				if (collections === 2) {
					// A spawn between two collections: the burst is not over.
					trim.activity();
				}
			},
			quietMs: 20,
			gapMs: 10,
			collections: 3,
		});
		trim.activity();
		await waitFor(() => !trim.pending, {what: 'the series to end'});
		// Two of the first series, then a whole one.
		expect(collections).toBe(5);
	});

	it('collects nothing after close', async () => {
		let collections = 0;
		const trim = new SettleTrim({
			collect() {
				collections++;
			},
			quietMs: 20,
			gapMs: 10,
		});
		trim.activity();
		trim.close();
		expect(trim.pending).toBe(false);
		// A second trim, armed after the first was closed, ends its series: the first had its time.
		const witness = new SettleTrim({collect() {}, quietMs: 40, gapMs: 10, collections: 1});
		witness.activity();
		await waitFor(() => !witness.pending, {what: 'the witness to collect'});
		expect(collections).toBe(0);
	});
});
