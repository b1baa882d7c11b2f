/*
 * Kaplan et al. 2020's scaling law as the 2022 core validator applies it (validator-sdk-spec.md §6.3):
 * L(N) = (N_c / N)^0.076 with N_c = 8.8e13, inverted, with the loss clamped below at the floor.
 */

/** N_c of Kaplan et al. (parameters). */
export const SCALING_LAW_NC = 8.8e13;
/** The exponent α_N of Kaplan et al. */
export const SCALING_LAW_ALPHA = 0.076;

/** N(L) = exp(ln(8.8e13) − ln(max(L, lossFloor)) / 0.076), i.e. 8.8e13 · max(L, lossFloor)^(−1/0.076). */
export function scalingLawParams(loss: number, lossFloor: number): number {
  return Math.exp(Math.log(SCALING_LAW_NC) - Math.log(Math.max(loss, lossFloor)) / SCALING_LAW_ALPHA);
}
