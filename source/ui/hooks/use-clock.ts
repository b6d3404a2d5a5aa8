import {useEffect, useState} from 'react';

/**
The time, refreshed every `intervalMs` (for countdowns, spinners, "no data for 5 s"). With
`quietUntil` (ms since the epoch), not before then: a frame costs the whole screen, so an idle UI
must not draw one a second only to show the same picture. Moving `quietUntil` (a new stats event)
restarts the wait; an infinite one never ticks.
*/
export function useClock(intervalMs: number, quietUntil?: number): number {
	const [now, setNow] = useState(Date.now);
	useEffect(() => {
		let interval: NodeJS.Timeout | undefined;
		const tick = (): void => {
			setNow(Date.now());
		};

		const start = (): void => {
			tick();
			interval = setInterval(tick, intervalMs);
		};

		if (quietUntil === Number.POSITIVE_INFINITY) {
			return undefined;
		}

		const wait = quietUntil === undefined ? 0 : quietUntil - Date.now();
		const delay = wait > 0 ? setTimeout(start, wait) : undefined;
		if (delay === undefined) {
			interval = setInterval(tick, intervalMs);
		}

		return () => {
			clearTimeout(delay);
			clearInterval(interval);
		};
	}, [intervalMs, quietUntil]);
	return now;
}
