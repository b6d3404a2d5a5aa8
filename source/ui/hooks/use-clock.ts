import {useEffect, useState} from 'react';

/** The time, refreshed every `intervalMs` (for countdowns, spinners, "no data for 5 s"). */
export function useClock(intervalMs: number): number {
	const [now, setNow] = useState(Date.now);
	useEffect(() => {
		const timer = setInterval(() => {
			setNow(Date.now());
		}, intervalMs);
		return () => {
			clearInterval(timer);
		};
	}, [intervalMs]);
	return now;
}
