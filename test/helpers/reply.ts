import type {Reply} from '../../source/control/protocol.js';

/** A field of a reply, typed by the caller (replies are Circus's open-ended JSON objects). */
export function field<T>(reply: Reply, name: string): T {
	return (reply as Record<string, unknown>)[name] as T;
}
