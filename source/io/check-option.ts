/** Validation of numeric options; the message names the option and the bad value. */

function describe(value: unknown): string {
	return `\`${String(value)}\` (${typeof value})`;
}

/** `value` as a positive integer, or `fallback` when absent. */
export function positiveInteger(name: string, value: number | undefined, fallback: number): number {
	if (value === undefined) {
		return fallback;
	}

	if (!Number.isSafeInteger(value) || value <= 0) {
		throw new TypeError(`Expected \`${name}\` to be a positive integer, got ${describe(value)}`);
	}

	return value;
}

/** `value` as a non-negative integer, or `fallback` when absent. */
export function nonNegativeInteger(name: string, value: number | undefined, fallback: number): number {
	if (value === undefined) {
		return fallback;
	}

	if (!Number.isSafeInteger(value) || value < 0) {
		throw new TypeError(`Expected \`${name}\` to be a non-negative integer, got ${describe(value)}`);
	}

	return value;
}
