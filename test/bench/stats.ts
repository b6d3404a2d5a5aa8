/** Summaries of repeated measurements. */

export function median(values: readonly number[]): number {
	return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100) of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
	if (values.length === 0) {
		throw new RangeError('Expected at least one value, got none');
	}

	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
	return sorted[rank - 1]!;
}

/** `min–max` of a list, for notes. */
export function range(values: readonly number[], format: (value: number) => string): string {
	return values.length === 1 ? format(values[0]!) : `${format(Math.min(...values))}–${format(Math.max(...values))}`;
}
