// Raw memory helpers. The engine runs on the stub runtime: buffers are bump-allocated for one call and the whole
// heap is reset before the next, so nothing is ever freed one by one.

/** Allocates `bytes` (at least 8) of zeroed, 16-byte aligned memory. */
export function allocZeroed(bytes: usize): usize {
  const size: usize = bytes < 8 ? <usize>8 : bytes;
  const p = heap.alloc(size);
  memory.fill(p, 0, size);
  return p;
}

/** Allocates `bytes` (at least 8) of uninitialised, 16-byte aligned memory. */
export function allocRaw(bytes: usize): usize {
  return heap.alloc(bytes < 8 ? <usize>8 : bytes);
}

// @ts-ignore: decorator
@inline export function getI64(base: usize, i: i32): i64 {
  return load<i64>(base + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline export function setI64(base: usize, i: i32, v: i64): void {
  store<i64>(base + (<usize>i << 3), v);
}
// @ts-ignore: decorator
@inline export function getU64(base: usize, i: i32): u64 {
  return load<u64>(base + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline export function setU64(base: usize, i: i32, v: u64): void {
  store<u64>(base + (<usize>i << 3), v);
}
// @ts-ignore: decorator
@inline export function getF64(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline export function setF64(base: usize, i: i32, v: f64): void {
  store<f64>(base + (<usize>i << 3), v);
}
// @ts-ignore: decorator
@inline export function getI32(base: usize, i: i32): i32 {
  return load<i32>(base + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline export function setI32(base: usize, i: i32, v: i32): void {
  store<i32>(base + (<usize>i << 2), v);
}
// @ts-ignore: decorator
@inline export function getU16(base: usize, i: i32): i32 {
  return <i32>load<u16>(base + (<usize>i << 1));
}
// @ts-ignore: decorator
@inline export function setU16(base: usize, i: i32, v: i32): void {
  store<u16>(base + (<usize>i << 1), <u16>v);
}
// @ts-ignore: decorator
@inline export function getU8(base: usize, i: i32): bool {
  return load<u8>(base + <usize>i) != 0;
}
// @ts-ignore: decorator
@inline export function setU8(base: usize, i: i32, v: bool): void {
  store<u8>(base + <usize>i, v ? 1 : 0);
}

/**
 * min and max of two non-negative doubles. Their bit patterns order as i64, and the integer select compiles to a
 * conditional move: V8's f64.min branches on the comparison, which costs a misprediction per entry where the
 * order is random (clipping a weight to its consensus).
 */
// @ts-ignore: decorator
@inline export function minNonNeg(a: f64, b: f64): f64 {
  return reinterpret<f64>(min<i64>(reinterpret<i64>(a), reinterpret<i64>(b)));
}
// @ts-ignore: decorator
@inline export function maxNonNeg(a: f64, b: f64): f64 {
  return reinterpret<f64>(max<i64>(reinterpret<i64>(a), reinterpret<i64>(b)));
}
