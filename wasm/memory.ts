// AssemblyScript (wasm/list-rows.ts): memory helpers. A bump heap (runtime stub): a region grows into a
// new block and the old one is left.

/** Copy n bytes (a short run: words, then bytes; memory.copy costs a call). */
@inline export function copyBytes(to: usize, from: usize, n: u32): void {
  if (n > 256) {
    memory.copy(to, from, n);
    return;
  }
  let i: usize = 0;
  const m = <usize>n;
  for (; i + 8 <= m; i += 8) store<u64>(to + i, load<u64>(from + i));
  for (; i < m; i++) store<u8>(to + i, load<u8>(from + i));
}

/** A block of `size` bytes holding the first `keep` bytes of `ptr` (the old block is left). */
export function resize(ptr: usize, keep: usize, size: usize): usize {
  const next = heap.alloc(size);
  if (keep > 0) memory.copy(next, ptr, keep);
  return next;
}

/** A capacity of at least `need`, doubling from `cap`. */
export function capacity(cap: usize, need: usize): usize {
  let n = cap < 4096 ? <usize>4096 : cap * 2;
  while (n < need) n *= 2;
  return n;
}

@inline export function b8(p: usize): u32 {
  return <u32>load<u8>(p);
}
@inline export function le32(p: usize): u32 {
  return load<u32>(p);
}
@inline export function be32(p: usize): u32 {
  return bswap<u32>(load<u32>(p));
}
