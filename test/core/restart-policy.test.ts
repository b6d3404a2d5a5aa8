import {describe, expect, it} from 'vitest';
import {afterExit, backoffCapMs, checkFlapping, minUptimeMs, spawnRetryDelay, type FlappingOptions} from '../../source/core/restart-policy.js';

const circusDefaults: FlappingOptions = {attempts: 2, window: 1, retryIn: 7, maxRetry: 5};

describe('back-off', () => {
	it('respawns the first crash at once', () => {
		expect(afterExit(undefined, 10, 1000, true)).toEqual({streak: 1, notBefore: 1000});
	});

	it('doubles the delay for each further crash of the same slot, up to the cap', () => {
		let slot = afterExit(undefined, 10, 0, true);
		const delays: number[] = [];
		for (let index = 0; index < 12; index++) {
			slot = afterExit(slot, 10, 0, true);
			delays.push(slot.notBefore);
		}

		expect(delays.slice(0, 4)).toEqual([100, 200, 400, 800]);
		expect(Math.max(...delays)).toBe(backoffCapMs);
	});

	it('resets after a process stayed up', () => {
		const slot = afterExit(afterExit(afterExit(undefined, 10, 0, true), 10, 0, true), minUptimeMs, 5000, true);
		expect(slot).toEqual({streak: 0, notBefore: 5000});
	});

	it('never delays when disabled', () => {
		let slot = afterExit(undefined, 10, 0, false);
		slot = afterExit(slot, 10, 0, false);
		expect(slot.notBefore).toBe(0);
	});

	it('spaces out failed spawns', () => {
		expect([1, 2, 3, 4].map((failures) => spawnRetryDelay(failures))).toEqual([0, 100, 200, 400]);
	});
});

describe('flapping (Circus rule)', () => {
	it('is not flapping after a single exit', () => {
		expect(checkFlapping({exits: [], tries: 0}, 0, circusDefaults).kind).toBe('ok');
	});

	it('flaps when attempts exits fall within the window, and retries after retry_in', () => {
		const first = checkFlapping({exits: [], tries: 0}, 0, circusDefaults);
		const second = checkFlapping(first.state, 500, circusDefaults);
		expect(second).toEqual({kind: 'flapping', state: {exits: [], tries: 1}, retryAt: 7500});
	});

	it('resets the tries when exits are spread wider than the window', () => {
		const state = {exits: [0], tries: 3};
		expect(checkFlapping(state, 5000, circusDefaults)).toEqual({kind: 'ok', state: {exits: [0, 5000], tries: 0}});
	});

	it('gives up after max_retry flapping episodes', () => {
		const verdict = checkFlapping({exits: [0], tries: 5}, 100, circusDefaults);
		expect(verdict.kind).toBe('give-up');
	});

	it('retries forever with max_retry -1', () => {
		const verdict = checkFlapping({exits: [0], tries: 1000}, 100, {...circusDefaults, maxRetry: -1});
		expect(verdict.kind).toBe('flapping');
	});
});
