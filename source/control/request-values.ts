import {boolean, readJsonValue, showJsonValue, wholeNumber, type ValueReader} from '../config/values.js';
import {CommandError} from '../core/errors.js';
import type {Properties} from './protocol.js';

/**
A request's numbers and switches are read by the config's own readers (config/values.ts), so that
`incr`, `kill` or `signal` are held to the rules of the option they stand for: a `graceful_timeout`
a config would refuse is refused in a request too. A bad value is an error reply (Circus's
MESSAGE_ERROR, errno 3) naming the property and the value: ``Expected `nb` to be a whole number
from 1 to 10000, got `-3` ``. Nothing is run.
*/

/** A process id: a whole number ≥ 1. */
export const pid: ValueReader<number> = {read: wholeNumber(1).read, expected: 'a pid (a whole number ≥ 1)'};

/** `key` read by `reader`, or undefined when absent (missing, null or ""); a bad value throws. */
export function optionalProperty<T>(properties: Properties, key: string, reader: ValueReader<T>): T | undefined {
	const value = properties[key];
	if (value === undefined || value === null || value === '') {
		return undefined;
	}

	const read = readJsonValue(value, reader);
	if (read === undefined) {
		throw new CommandError(`Expected \`${key}\` to be ${reader.expected}, got \`${showJsonValue(value)}\``, 'message');
	}

	return read;
}

/** `key` read by `reader`, or `fallback` when absent; a bad value throws. */
export function property<T>(properties: Properties, key: string, reader: ValueReader<T>, fallback: T): T {
	return optionalProperty(properties, key, reader) ?? fallback;
}

/** A switch (`waiting`, `graceful`, `start`, ...): JSON true/false, or the config's spellings. */
export function flag(properties: Properties, key: string, fallback: boolean): boolean {
	return property(properties, key, boolean, fallback);
}
