/**
How long a stress test hammers. Full length by default; `PROCUI_STRESS_SCALE` (0 < scale ≤ 1)
shortens every stress run alike, for the suite's second run in CI (on the next Node version,
where the same invariants are checked over a shorter run so that both runs fit CI's time).
*/
export function stressMs(ms: number): number {
	const raw = process.env.PROCUI_STRESS_SCALE;
	if (raw === undefined || raw === '') {
		return ms;
	}

	const scale = Number(raw);
	if (!Number.isFinite(scale) || scale <= 0 || scale > 1) {
		throw new Error(`PROCUI_STRESS_SCALE must be a number above 0 and at most 1, not ${JSON.stringify(raw)}`);
	}

	// A floor of 2 s: a few rounds of everything, whatever the scale.
	return Math.max(Math.min(ms, 2000), Math.round(ms * scale));
}
