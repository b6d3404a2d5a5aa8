import path from 'node:path';
import {afterEach, beforeEach, expect, it} from 'vitest';
import {droppedEvent} from '../../source/control/protocol.js';
import {defaultMaxQueuedBytes, type ControlServer} from '../../source/control/server.js';
import {makeTempDir, RawClient, startServer} from './helpers.js';

const eventCount = 100_000;

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let server: ControlServer;
let subscriber: RawClient;

beforeEach(async () => {
	temp = await makeTempDir();
	server = await startServer(`ipc://${path.join(temp.directory, 'procui.sock')}`);
	subscriber = await RawClient.connect(server);
	subscriber.sendJson({id: 's', command: 'subscribe', properties: {topics: ['logs.web']}});
	await subscriber.next();
	// From here on the subscriber reads nothing, until a test resumes it.
	subscriber.socket.pause();
});

afterEach(async () => {
	subscriber.destroy();
	await server.close();
	await temp.remove();
});

function publishAll(): number {
	let largestQueue = 0;
	for (let index = 0; index < eventCount; index++) {
		server.publish({event: 'logs.web', data: {index, line: 'GET /index.html 200 0.4ms'}, time: 1});
		largestQueue = Math.max(largestQueue, server.stats().queuedBytes);
	}

	return largestQueue;
}

it('keeps a subscriber that never reads within its queue limit and counts what it drops', () => {
	const largestQueue = publishAll();
	const eventBytes = JSON.stringify({event: 'logs.web', data: {index: eventCount, line: 'GET /index.html 200 0.4ms'}, time: 1}).length + 1;
	expect(largestQueue).toBeLessThanOrEqual(defaultMaxQueuedBytes + eventBytes);
	expect(server.stats().droppedEvents).toBeGreaterThan(0);
});

it('tells a slow subscriber how many events it lost once it catches up', async () => {
	publishAll();
	const dropped = server.stats().droppedEvents;
	subscriber.socket.resume();
	const messages = await subscriber.until(message => message.event === droppedEvent);
	const notice = messages.at(-1)!;
	expect(notice.data).toEqual({count: dropped});
	expect(messages.length - 1 + dropped).toBe(eventCount);
});

it('still answers a subscriber that has fallen behind', async () => {
	publishAll();
	subscriber.sendJson({id: 'late', command: 'status'});
	subscriber.socket.resume();
	const messages = await subscriber.until(message => message.id === 'late');
	expect(messages.at(-1)).toMatchObject({id: 'late', status: 'ok'});
});
