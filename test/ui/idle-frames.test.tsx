/**
An idle UI draws nothing: each frame costs Ink the whole screen, so with the data fresh and no
key pressed no timer may re-render it. The clock still wakes when something on screen depends on
it: the header's "no update for N s" once the stats stop.
*/
import {expect, test} from 'vitest';
import {sampleOverview, until} from './fixtures.js';
import {mountApp} from './mount-app.js';

/** The header calls the data stale after this long without stats (Header's staleAfterMs). */
const staleAfterMs = 3000;

test('with fresh data and no key, no frame is drawn; once stats stop, the header says so', async () => {
	const mounted = await mountApp({columns: 100, rows: 24});
	try {
		// The overview and the first log lines are on screen; then fresh stats, so that the watch below
		// runs on fresh data however long the mount took, and the frame those stats cause.
		await mounted.ui.waitForFrame((frame) => frame.includes('worker'), 10_000);
		const statsBefore = mounted.store.getSnapshot().statsAt;
		const framesBefore = mounted.ui.frameCount();
		mounted.client.emit('stats', sampleOverview());
		await until(() => mounted.store.getSnapshot().statsAt >= statsBefore && mounted.ui.frameCount() > framesBefore, 10_000);
		const before = mounted.ui.frameCount();
		// Watch until just before the data turns stale: a clock ticking each second draws at least once here.
		const statsAt = mounted.store.getSnapshot().statsAt;
		const watchMs = statsAt + staleAfterMs - 200 - Date.now();
		expect(watchMs, 'the frame after fresh stats took seconds to come').toBeGreaterThan(1200);
		await new Promise((resolve) => {
			setTimeout(resolve, watchMs);
		});
		expect(mounted.ui.frameCount() - before).toBe(0);
		// No stats since the first overview: the clock wakes for the warning.
		await mounted.ui.waitForFrame((frame) => /no update for \d+ s/u.test(frame), 10_000);
	} finally {
		await mounted.unmount();
	}
}, 30_000);
