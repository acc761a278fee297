// AssemblyScript (wasm/list-rows.ts): the names of the directory being read, to find one given twice.
import { b8 } from './memory';


/** name set of the directory being read: per slot u32 generation, u32 hash, u32 offset, u32 length */
export const SLOT: usize = 16;
export let generation: u32 = 0;
export let setPtr: usize = 0;
export let setCap: u32 = 0;
export let setCount: u32 = 0;
/** names given by addName (their bytes outlive the call) */
export let namesPtr: usize = 0;
export let namesCap: usize = 0;
export let namesLen: usize = 0;

/** Add a name to the directory's set; false when it is there already. */
export function addToSet(p: usize, n: u32): bool {
  if ((setCount + 1) * 2 > setCap) growSet();
  let h: u32 = 0x811c9dc5;
  for (let i: usize = 0; i < <usize>n; i++) h = (h ^ b8(p + i)) * 0x01000193;
  return insert(h, p, n);
}

export function insert(h: u32, p: usize, n: u32): bool {
  const mask = setCap - 1;
  let slot = h & mask;
  while (true) {
    const e = setPtr + <usize>slot * SLOT;
    if (load<u32>(e) != generation) {
      store<u32>(e, generation);
      store<u32>(e + 4, h);
      store<u32>(e + 8, <u32>p);
      store<u32>(e + 12, n);
      setCount++;
      return true;
    }
    if (load<u32>(e + 4) == h && load<u32>(e + 12) == n && memory.compare(<usize>load<u32>(e + 8), p, n) == 0) return false;
    slot = (slot + 1) & mask;
  }
  return false;
}

export function growSet(): void {
  const oldPtr = setPtr, oldCap = setCap;
  setCap = oldCap * 2;
  setPtr = heap.alloc(<usize>setCap * SLOT);
  memory.fill(setPtr, 0, <usize>setCap * SLOT);
  setCount = 0;
  for (let i: u32 = 0; i < oldCap; i++) {
    const e = oldPtr + <usize>i * SLOT;
    if (load<u32>(e) == generation) insert(load<u32>(e + 4), <usize>load<u32>(e + 8), load<u32>(e + 12));
  }
}

/** A name of a record read by the JavaScript code (UTF-8 at namesBuffer); false when the directory has it. */
export function addName(length: u32): bool {
  const p = namesPtr + namesLen;
  namesLen += length;
  return addToSet(p, length);
}

/** Room for a name given to addName; returns where to put it (valid until the next call). */
export function namesBuffer(length: u32): usize {
  if (namesLen + length > namesCap) {
    // names already in the set point into the old buffer, which stays
    namesPtr = heap.alloc(namesCap * 2 + length + 4096);
    namesCap = namesCap * 2 + length + 4096;
    namesLen = 0;
  }
  return namesPtr + namesLen;
}

/** Empty the set for the next directory. */
export function resetNames(): void {
  namesLen = 0;
  setCount = 0;
  // slots of an earlier directory are told apart by their generation: nothing to clear
  generation++;
  if (setCap == 0 || setCap > 8192) {
    setCap = 64;
    setPtr = heap.alloc(<usize>setCap * SLOT);
    memory.fill(setPtr, 0, <usize>setCap * SLOT);
  }
}
