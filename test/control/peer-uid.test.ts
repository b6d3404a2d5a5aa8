import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {afterEach, expect, it} from 'vitest';
import {SocketClient} from '../../source/control/client.js';
import {uidsOfSockets} from '../../source/control/peer-uid.js';
import type {ControlServer} from '../../source/control/server.js';
import {startServer} from './helpers.js';

// Rows as the kernel writes them: a listener on 5555 (0x15B3), a client from 41000 (0xA028)
// owned by uid 1000, the server's side of that connection, and a TIME_WAIT leftover.
const table = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:15B3 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1677 1 0000000000000000 100 0 0 10 0
   1: 0100007F:A028 0100007F:15B3 01 00000000:00000000 00:00000000 00000000  1000        0 2001 1 0000000000000000 20 4 30 10 -1
   2: 0100007F:15B3 0100007F:A028 01 00000000:00000000 00:00000000 00000000     0        0 2002 1 0000000000000000 20 4 30 10 -1
   3: 0100007F:A029 0100007F:15B3 06 00000000:00000000 03:00000F8E 00000000     0        0 0 3 0000000000000000
`;

let server: ControlServer | undefined;

afterEach(async () => {
	await server?.close();
	server = undefined;
});

it('finds the uid owning the client end of a connection', () => {
	expect(uidsOfSockets(table, 41_000, 5555)).toEqual([1000]);
});

it('ignores sockets in TIME_WAIT, whose uid the kernel reports as 0', () => {
	expect(uidsOfSockets(table, 41_001, 5555)).toEqual([]);
});

it('serves a TCP client of the same user', async () => {
	server = await startServer('tcp://127.0.0.1:0');
	const client = await SocketClient.connect(server.endpoint);
	expect(await client.call('status')).toMatchObject({status: 'ok'});
	await client.close();
});

it.skipIf(process.getuid?.() !== 0)('refuses a TCP client of another user', async () => {
	server = await startServer('tcp://127.0.0.1:0');
	const port = server.endpoint.transport === 'tcp' ? server.endpoint.port : 0;
	const script = `
		const socket = require('node:net').connect(${port}, '127.0.0.1', () => socket.write('{"id":"x","command":"status"}\\n'));
		socket.setEncoding('utf8');
		let text = '';
		socket.on('data', chunk => { text += chunk; });
		socket.on('close', () => console.log(text.trim()));
	`;
	const child = spawn(process.execPath, ['-e', script], {uid: 65_534, gid: 65_534, stdio: ['ignore', 'pipe', 'inherit']});
	let output = '';
	child.stdout.setEncoding('utf8');
	child.stdout.on('data', (chunk: string) => {
		output += chunk;
	});
	await once(child, 'close');
	const reply = JSON.parse(output) as Record<string, unknown>;
	expect(reply).toMatchObject({id: null, status: 'error'});
	expect(reply.reason).toContain('connection refused');
});
