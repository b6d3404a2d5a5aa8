/**
When to replace a process that exited on its own: exponential back-off for a crash loop, and
Circus's flapping rule. Pure functions over plain state and a clock, so they are tested without
processes or timers.
*/

/** A process that exits sooner than this after its spawn counts as a crash of its slot. */
export const minUptimeMs = 1000;
/** First back-off delay, doubled per consecutive crash of one slot. */
const backoffBaseMs = 100;
/** Longest back-off delay. */
export const backoffCapMs = 30_000;
/** Longest delay between two failed spawn attempts. */
const spawnRetryCapMs = 5000;

/** One wid's crash history. */
export type SlotHistory = {
	/** Consecutive quick exits. */
	readonly streak: number;
	/** Earliest time (ms) the slot may spawn again. */
	readonly notBefore: number;
};

/** A slot after one of its processes exited on its own. The first crash respawns at once. */
export function afterExit(previous: SlotHistory | undefined, uptimeMs: number, now: number, enabled: boolean): SlotHistory {
	if (!enabled || uptimeMs >= minUptimeMs) {
		return {streak: 0, notBefore: now};
	}

	const streak = (previous?.streak ?? 0) + 1;
	const delay = streak <= 1 ? 0 : Math.min(backoffBaseMs * 2 ** (streak - 2), backoffCapMs);
	return {streak, notBefore: now + delay};
}

/** Delay before retrying after `failures` consecutive spawn failures. */
export function spawnRetryDelay(failures: number): number {
	return failures <= 1 ? 0 : Math.min(backoffBaseMs * 2 ** (failures - 2), spawnRetryCapMs);
}

export type FlappingOptions = {
	readonly attempts: number;
	/** Seconds. */
	readonly window: number;
	/** Seconds. */
	readonly retryIn: number;
	/** -1 = retry forever. */
	readonly maxRetry: number;
};

export type FlappingState = {
	/** Times (ms) of recent exits not asked for, newest last, at most `attempts`. */
	readonly exits: readonly number[];
	/** Flapping episodes in a row. */
	readonly tries: number;
};

type FlappingVerdict =
	| {readonly kind: 'ok'; readonly state: FlappingState}
	| {readonly kind: 'flapping'; readonly state: FlappingState; readonly retryAt: number}
	| {readonly kind: 'give-up'; readonly state: FlappingState};

/**
Circus's flapping plugin: `attempts` exits within `window` seconds stop the watcher, which is
started again after `retry_in` seconds, at most `max_retry` times in a row. Exits spread wider
than the window reset the count of tries.
*/
export function checkFlapping(previous: FlappingState, now: number, options: FlappingOptions): FlappingVerdict {
	const exits = [...previous.exits, now].slice(-Math.max(1, options.attempts));
	if (exits.length < options.attempts) {
		return {kind: 'ok', state: {exits, tries: previous.tries}};
	}

	const span = now - exits[0]!;
	if (span > options.window * 1000) {
		return {kind: 'ok', state: {exits, tries: 0}};
	}

	const tries = previous.tries + 1;
	if (options.maxRetry !== -1 && tries > options.maxRetry) {
		return {kind: 'give-up', state: {exits: [], tries}};
	}

	return {kind: 'flapping', state: {exits: [], tries}, retryAt: now + options.retryIn * 1000};
}
