import net from 'node:net';
import type {SocketConfig} from '../config/types.js';
import {plainValue} from './systemd-quote.js';
import {UnitText, type ExportWarning} from './unit-text.js';

/** A configuration systemd cannot take at all (an address it cannot parse). */
export class ExportError extends Error {}

/**
`NAME.socket` for one `[socket:NAME]`: systemd binds it, and passes it (Accept=no: the listening
socket itself, as procui does) to `service`, the instance it activates on the first connection,
and to every unit that names it in `Sockets=`. `FileDescriptorName=` is the socket's name, so a
program given several can tell them apart through `$LISTEN_FDNAMES`.
*/
export function socketUnit(socket: SocketConfig, service: string, source: string, warnings: ExportWarning[]): string {
	const unit = new UnitText(`socket ${socket.name}`, socket.origin, warnings);
	const set = (key: string): boolean => Object.hasOwn(socket.raw, key);
	unit.comment(`procui socket "${socket.name}" from ${source}, exported by \`procui export systemd\`.`);
	unit.set('Unit', 'Description', `procui socket ${plainValue(socket.name)}`);
	const listen = socket.type === 'SOCK_DGRAM' ? 'ListenDatagram' : 'ListenStream';
	unit.set('Socket', listen, plainValue(address(socket)));
	unit.set('Socket', 'Accept', 'no');
	unit.set('Socket', 'Service', service);
	unit.set('Socket', 'FileDescriptorName', socket.name);
	unit.set('Socket', 'Backlog', String(socket.backlog));
	if (socket.path !== undefined) {
		// Circus creates the file with mode 0777 & ~umask.
		unit.set('Socket', 'SocketMode', (0o777 & ~socket.umask).toString(8).padStart(4, '0'));
		unit.note('Socket', 'systemd replaces an old socket file when it binds, as replace = true does');
		unit.set('Socket', 'RemoveOnStop', 'yes');
	}

	if (socket.soReuseport) {
		unit.set('Socket', 'ReusePort', 'yes');
	}

	if (socket.interface !== undefined) {
		unit.set('Socket', 'BindToDevice', plainValue(socket.interface));
	}

	if (socket.blocking) {
		unit.gap('Socket', 'blocking = true: systemd passes the socket as it made it; the program must make it blocking itself', set('blocking'));
	}

	// sockets.target exists for the system and for each user manager alike.
	unit.set('Install', 'WantedBy', 'sockets.target');
	return unit.render();
}

/** The address as `ListenStream=` takes it: a path, `IP:PORT` or `[IPv6]:PORT`. */
function address(socket: SocketConfig): string {
	if (socket.path !== undefined) {
		return socket.path;
	}

	let host = socket.host;
	if (host === 'localhost') {
		host = socket.family === 'AF_INET6' ? '::1' : '127.0.0.1';
	}

	if (net.isIPv6(host)) {
		return `[${host}]:${socket.port}`;
	}

	if (net.isIPv4(host)) {
		return `${host}:${socket.port}`;
	}

	throw new ExportError(`socket ${socket.name}: host = ${host} is a name, and systemd's ListenStream= takes an IP address; write the address (host = 127.0.0.1)`);
}
