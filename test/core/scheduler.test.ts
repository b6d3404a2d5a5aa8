import {describe, expect, it} from 'vitest';
import {BusyError, Scheduler} from '../../source/core/scheduler.js';

function makeScheduler(limit?: number): {scheduler: Scheduler; errors: string[]} {
	const errors: string[] = [];
	const scheduler = new Scheduler({
		limit,
		onError: (command, error) => {
			errors.push(`${command.label}: ${String(error)}`);
		},
	});
	return {scheduler, errors};
}

describe('Scheduler', () => {
	it('runs commands one at a time in the order they were queued', async () => {
		const {scheduler} = makeScheduler();
		const order: number[] = [];
		for (let index = 0; index < 5; index++) {
			scheduler.enqueue({label: `c${index}`, run: () => order.push(index)});
		}

		await scheduler.onIdle();
		expect(order).toEqual([0, 1, 2, 3, 4]);
	});

	it('queues a command enqueued while another runs instead of refusing it', async () => {
		const {scheduler} = makeScheduler();
		const order: string[] = [];
		scheduler.enqueue({
			label: 'outer',
			run() {
				order.push('outer start');
				scheduler.enqueue({label: 'inner', run: () => order.push('inner')});
				order.push('outer end');
			},
		});
		await scheduler.onIdle();
		expect(order).toEqual(['outer start', 'outer end', 'inner']);
	});

	it('coalesces commands with the same key while one is queued', async () => {
		const {scheduler} = makeScheduler();
		let runs = 0;
		const added = [1, 2, 3].map(() => scheduler.enqueue({label: 'tick', coalesceKey: 'tick', run: () => runs++}));
		await scheduler.onIdle();
		expect(added).toEqual([true, false, false]);
		expect(runs).toBe(1);
		scheduler.enqueue({label: 'tick', coalesceKey: 'tick', run: () => runs++});
		await scheduler.onIdle();
		expect(runs).toBe(2);
	});

	it('tells a queued command it was superseded by a later one with the same intent', async () => {
		const {scheduler} = makeScheduler();
		const events: string[] = [];
		scheduler.enqueue({label: 'start web', intentKey: 'web', run: () => events.push('started'), superseded: (by) => events.push(`superseded by ${by}`)});
		scheduler.enqueue({label: 'stop web', intentKey: 'web', run: () => events.push('stopped')});
		await scheduler.onIdle();
		expect(events).toEqual(['superseded by stop web', 'stopped']);
	});

	it('refuses client commands with a busy error when the queue is full, but never internal ones', () => {
		const {scheduler} = makeScheduler(2);
		scheduler.enqueue({label: 'a', run() {}});
		scheduler.enqueue({label: 'b', run() {}});
		expect(() => scheduler.enqueue({label: 'c', run() {}})).toThrow(BusyError);
		expect(scheduler.enqueue({label: 'exit', internal: true, run() {}})).toBe(true);
	});

	it('reports a command that throws and keeps running the next ones', async () => {
		const {scheduler, errors} = makeScheduler();
		let ran = false;
		scheduler.enqueue({label: 'bad', run() {
			throw new Error('boom');
		}});
		scheduler.enqueue({label: 'good', run() {
			ran = true;
		}});
		await scheduler.onIdle();
		expect(errors).toEqual(['bad: Error: boom']);
		expect(ran).toBe(true);
	});
});
