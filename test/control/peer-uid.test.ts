import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {afterEach, expect, it} from 'vitest';
import {SocketClient} from '../../source/control/client.js';
import {peerOwner} from '../../source/control/peer-uid.js';
import type {ControlServer} from '../../source/control/server.js';
import {startServer} from './helpers.js';

// Rows as the kernel writes them: a listener on 5555 (0x15B3); a client from 41000 (0xA028)
// owned by uid 1000 (inode 2001) and the server's side of it (inode 2002); an orphaned client
// from 41001 (0xA029, closed by its process: inode 0, uid 0) and the server's side (2004); a
// client from 41002 (0xA02A) in TIME_WAIT and the server's side (2006).
const table = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:15B3 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1677 1 0000000000000000 100 0 0 10 0
   1: 0100007F:A028 0100007F:15B3 01 00000000:00000000 00:00000000 00000000  1000        0 2001 1 0000000000000000 20 4 30 10 -1
   2: 0100007F:15B3 0100007F:A028 01 00000000:00000000 00:00000000 00000000     0        0 2002 1 0000000000000000 20 4 30 10 -1
   3: 0100007F:A029 0100007F:15B3 05 00000000:00000000 00:00000000 00000000     0        0 0 1 0000000000000000 20 4 30 10 -1
   4: 0100007F:15B3 0100007F:A029 08 00000000:00000000 00:00000000 00000000     0        0 2004 1 0000000000000000 20 4 30 10 -1
   5: 0100007F:A02A 0100007F:15B3 06 00000000:00000000 03:00000F8E 00000000     0        0 0 3 0000000000000000
   6: 0100007F:15B3 0100007F:A02A 08 00000000:00000000 00:00000000 00000000     0        0 2006 1 0000000000000000 20 4 30 10 -1
`;
const rows = [table];

it('finds the uid owning the other end of the server\'s socket', () => {
	expect(peerOwner(rows, 2002)).toEqual({uid: 1000});
});

it('does not trust the uid of a client socket its process has closed, which reads 0', () => {
	expect(peerOwner(rows, 2004)).toMatchObject({unknown: expect.stringContaining('closed its socket') as unknown});
});

it('does not trust a peer in TIME_WAIT', () => {
	expect(peerOwner(rows, 2006)).toHaveProperty('unknown');
});

it('refuses when two sockets match the addresses', () => {
	const doubled = [`${table}   7: 0100007F:A028 0100007F:15B3 01 00000000:00000000 00:00000000 00000000     0        0 2007 1 0000000000000000 20 4 30 10 -1\n`];
	expect(peerOwner(doubled, 2002)).toMatchObject({unknown: '2 sockets match its addresses'});
});

it('reads a row the kernel repeated (a table read while sockets change) as one', () => {
	expect(peerOwner([`${table}   1: 0100007F:A028 0100007F:15B3 01 00000000:00000000 00:00000000 00000000  1000        0 2001 1 0000000000000000 20 4 30 10 -1\n`], 2002)).toEqual({uid: 1000});
});

it('refuses when its own socket is not in the table', () => {
	expect(peerOwner(rows, 9999)).toHaveProperty('unknown');
});

let server: ControlServer | undefined;

afterEach(async () => {
	await server?.close();
	server = undefined;
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
