/**
Circus's `logoutput = syslog://…` (Python's SysLogHandler): `syslog://HOST[:PORT]?FACILITY` is UDP
to HOST (port 514 unless given), `syslog:///PATH?FACILITY` the local datagram socket at PATH
(`/dev/log`). A facility that is not one is `user`, as in Circus (the config warns).
*/

/** Facility codes by the names Python's SysLogHandler knows. */
export const syslogFacilities: Readonly<Record<string, number>> = {
	kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10, ftp: 11, ntp: 12, security: 13, console: 14, 'solaris-cron': 15,
	local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
};

export type SyslogAddress = {readonly kind: 'udp'; readonly host: string; readonly port: number} | {readonly kind: 'unix'; readonly path: string};

export type SyslogTarget = {
	readonly address: SyslogAddress;
	readonly facility: string;
	readonly facilityCode: number;
	/** A facility name that is not one: the target uses `user`, as Circus does, and this is warned. */
	readonly unknownFacility?: string;
};

/** Read a `syslog://` URL: the target, or why it is not one. */
export function parseSyslogUrl(text: string): SyslogTarget | {readonly error: string} {
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return {error: `${JSON.stringify(text)} is not a URL (syslog://HOST[:PORT]?FACILITY or syslog:///PATH?FACILITY)`};
	}

	const query = decodeURIComponent(url.search.slice(1));
	const known = query === '' || Object.hasOwn(syslogFacilities, query);
	const facility = known && query !== '' ? query : 'user';
	const unknown = known ? {} : {unknownFacility: query};
	const facilityCode = syslogFacilities[facility]!;
	if (url.hostname !== '') {
		const port = url.port === '' ? 514 : Number(url.port);
		return {address: {kind: 'udp', host: url.hostname.replace(/^\[(.*)]$/, '$1'), port}, facility, facilityCode, ...unknown};
	}

	const file = decodeURIComponent(url.pathname);
	if (!file.startsWith('/') || file === '/') {
		return {error: `${JSON.stringify(text)} names neither a host nor a socket path (syslog://HOST[:PORT]?FACILITY or syslog:///PATH?FACILITY)`};
	}

	return {address: {kind: 'unix', path: file}, facility, facilityCode, ...unknown};
}
