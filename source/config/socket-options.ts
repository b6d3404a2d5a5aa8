import type {IssueList} from './issues.js';
import {resolveConfigPath, type PathBase} from './relative-path.js';
import type {SectionReader} from './section-reader.js';
import type {SocketConfig} from './types.js';
import {boolean, octal, oneOf, wholeNumber} from './values.js';
import {warnUnknown} from './unknown-options.js';

const families = ['AF_INET', 'AF_INET6', 'AF_UNIX'] as const;
const types = ['SOCK_STREAM', 'SOCK_DGRAM'] as const;
/** Socket types Circus passes to Python's socket module that procui cannot create. */
const unsupportedTypes = ['SOCK_RAW', 'SOCK_RDM', 'SOCK_SEQPACKET'];
/** Read, and refused here with the line: procui binds stream sockets only (the daemon would refuse it at start). */
const unbindableTypes = ['SOCK_DGRAM'];

const known = ['host', 'port', 'family', 'type', 'proto', 'backlog', 'path', 'umask', 'replace', 'interface', 'so_reuseport', 'blocking'];

/**
One `[socket:NAME]` (circus/sockets.py `CircusSocket.load_from_config`): defaults host
`localhost`, port 8080, AF_INET, SOCK_STREAM, backlog 2048, umask 8. `path` makes it a Unix
socket (relative to the directory procui runs in, as in Circus). Family and type are accepted in any case
and without their `AF_` / `SOCK_` prefix. procui reads `umask` as octal; Circus reads it as a
decimal number, which gives the same value for the default.
*/
export function readSocket(name: string, reader: SectionReader, base: PathBase, issues: IssueList): SocketConfig {
	const pathText = reader.text('path')?.trim();
	const socketPath = pathText === undefined || pathText === '' ? undefined : resolveConfigPath(pathText, 'file', base, {origin: reader.originOf('path'), key: 'path'}, issues);
	let family = readPrefixed('family', 'AF_', families, reader, issues) ?? 'AF_INET';
	if (socketPath !== undefined) {
		family = 'AF_UNIX';
	} else if (family === 'AF_UNIX') {
		issues.error(reader.originOf('family'), 'family: AF_UNIX needs `path`');
	}

	const typeEntry = reader.entry('type');
	const typeText = typeEntry === undefined ? '' : reader.substitute(typeEntry).trim().toUpperCase();
	if (typeEntry !== undefined && unsupportedTypes.includes(typeText.startsWith('SOCK_') ? typeText : `SOCK_${typeText}`)) {
		issues.error(typeEntry.origin, `type: ${typeText} is not supported; expected SOCK_STREAM or SOCK_DGRAM`);
	}

	const type = readPrefixed('type', 'SOCK_', types, reader, issues, unsupportedTypes) ?? 'SOCK_STREAM';
	if (typeEntry !== undefined && unbindableTypes.includes(type)) {
		issues.error(typeEntry.origin, `type: ${type} is not supported yet; procui binds SOCK_STREAM sockets`);
	}

	const proto = reader.text('proto')?.trim();
	if (proto !== undefined && proto !== '' && proto !== '0') {
		issues.warn(reader.originOf('proto'), `proto: procui picks the protocol from \`type\`; ${JSON.stringify(proto)} is ignored`);
	}

	const iface = reader.text('interface')?.trim();
	const socket: SocketConfig = {
		name,
		origin: reader.section.origin,
		host: reader.text('host')?.trim() || 'localhost',
		port: reader.read('port', wholeNumber(0, 65_535), 8080),
		...(socketPath === undefined ? {} : {path: socketPath}),
		family,
		type,
		backlog: reader.read('backlog', wholeNumber(0), 2048),
		umask: reader.read('umask', octal, 8),
		replace: reader.read('replace', boolean, false),
		soReuseport: reader.read('so_reuseport', boolean, false),
		blocking: reader.read('blocking', boolean, false),
		...(iface === undefined || iface === '' ? {} : {interface: iface}),
		raw: Object.fromEntries(reader.section.entries.map(entry => [entry.key, entry.value])),
	};
	warnUnknown(reader, known, issues, 'socket option');
	return socket;
}

/** One of `choices`, written with or without `prefix`, any case. `skip`: reported elsewhere. */
function readPrefixed<T extends string>(
	key: string,
	prefix: string,
	choices: readonly T[],
	reader: SectionReader,
	issues: IssueList,
	skip: readonly string[] = [],
): T | undefined {
	const entry = reader.entry(key);
	if (entry === undefined) {
		return undefined;
	}

	const text = reader.substitute(entry).trim().toUpperCase();
	const full = text.startsWith(prefix) ? text : `${prefix}${text}`;
	const value = oneOf(choices).read(full);
	if (value === undefined && !skip.includes(full)) {
		issues.error(entry.origin, `${key}: expected ${choices.join(', ')}, got ${JSON.stringify(reader.substitute(entry))}`);
	}

	return value;
}
