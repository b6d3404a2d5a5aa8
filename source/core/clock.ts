/**
The time the core reads and the timers it arms. Production uses the real clock; the kernel tests
pass a fake one (test/core/fakes.ts), so back-off, flapping, max_age and graceful stops run in
milliseconds and in a fixed order.
*/

/** A timer armed on a Clock; cancel it through the same clock. */
export type TimerHandle = {
	/** Do not keep the process alive for this timer. */
	unref(): unknown;
};

export type Clock = {
	/** Milliseconds since the epoch, as Date.now(). */
	now(): number;
	setTimeout(fn: () => void, ms: number): TimerHandle;
	clearTimeout(timer: TimerHandle | undefined): void;
	setInterval(fn: () => void, ms: number): TimerHandle;
	clearInterval(timer: TimerHandle | undefined): void;
};

/** Date.now() and Node's timers. */
export const realClock: Clock = {
	now: () => Date.now(),
	setTimeout: (fn, ms) => setTimeout(fn, ms),
	clearTimeout(timer) {
		clearTimeout(timer as NodeJS.Timeout | undefined);
	},
	setInterval: (fn, ms) => setInterval(fn, ms),
	clearInterval(timer) {
		clearInterval(timer as NodeJS.Timeout | undefined);
	},
};
