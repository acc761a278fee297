/**
 * Cluster chains read from a FAT on a ByteSource: the table is read in 64 KiB blocks as chains need them (a
 * small LRU keeps memory flat for large volumes), and chains come back as runs of adjacent clusters.
 * Damage is reported, never followed: a chain that points outside the volume, at a free or bad cluster, or back
 * to a cluster it already used stops there.
 */
import { FindingCode, type Findings } from '../../errors/index.js';
import {
  decodeFatEntry, fatEntryByteOffset, FAT_BAD, FAT_EOC_MIN, type FatGeometry, type FatType,
} from '../../formats/fat/index.js';
import type { ByteSource, ReadOptions } from '../../io/index.js';

const BLOCK_BYTES = 1 << 16;
const MAX_BLOCKS = 64;

/** A run of `count` adjacent clusters from `first` on. */
export interface ClusterRun {
  readonly first: number;
  readonly count: number;
}

export interface Chain {
  readonly runs: readonly ClusterRun[];
  readonly clusterCount: number;
  /** how the walk ended: the end-of-chain mark, the cluster budget, or damage */
  readonly end: 'eoc' | 'limit' | 'broken' | 'loop';
}

export class FatTable {
  private readonly blocks = new Map<number, Uint8Array>();
  private readonly fatByteOffset: number;
  private readonly blockBytes: number;
  readonly lastCluster: number;

  constructor(
    private readonly source: ByteSource,
    readonly geometry: FatGeometry,
    readonly type: FatType,
    activeFat: number,
    private readonly opts: ReadOptions = {},
  ) {
    this.fatByteOffset = geometry.fatByteOffset + activeFat * geometry.fatByteLength;
    // FAT12 entries straddle bytes: its table (at most 6 KiB) is read as one block
    this.blockBytes = type === 'FAT12' ? Math.max(geometry.fatByteLength, 1) : BLOCK_BYTES;
    this.lastCluster = geometry.clusterCount + 1;
  }

  /** The FAT entry of `cluster` when its block is in memory (no LRU update), else undefined. */
  private cachedEntry(cluster: number): number | undefined {
    const at = fatEntryByteOffset(this.type, cluster);
    const index = Math.floor(at / this.blockBytes);
    const block = this.blocks.get(index);
    return block ? decodeFatEntry(this.type, block, at - index * this.blockBytes, cluster) : undefined;
  }

  /** The FAT entry of `cluster` (0 when the table is cut short by the source's end). */
  async entry(cluster: number): Promise<number> {
    const at = fatEntryByteOffset(this.type, cluster);
    const index = Math.floor(at / this.blockBytes);
    let block = this.blocks.get(index);
    if (block) {
      this.blocks.delete(index);
    } else {
      const from = index * this.blockBytes;
      block = await this.source.read(this.fatByteOffset + from, Math.min(this.blockBytes, this.geometry.fatByteLength - from), this.opts);
      if (this.blocks.size >= MAX_BLOCKS) this.blocks.delete(this.blocks.keys().next().value as number);
    }
    this.blocks.set(index, block);
    return decodeFatEntry(this.type, block, at - index * this.blockBytes, cluster);
  }

  /** Where the data of `cluster` starts in the source. */
  clusterByteOffset(cluster: number): number {
    return this.geometry.dataByteOffset + (cluster - 2) * this.geometry.clusterByteLength;
  }

  /**
   * Walk the chain from `first`, at most `maxClusters` clusters. Damage becomes a finding naming `what`; the
   * walk keeps what it had read before.
   */
  async chain(first: number, maxClusters: number, what: string, findings: Findings, entryByteOffset?: number): Promise<Chain> {
    const runs: { first: number; count: number }[] = [];
    let visited: Set<number> | undefined;
    let c = first;
    let n = 0;
    const stop = (end: Chain['end'], message?: string): Chain => {
      if (message) findings.warn(end === 'loop' ? FindingCode.FAT_CHAIN_LOOP : FindingCode.FAT_CHAIN_BROKEN, `${what}: ${message}`, entryByteOffset, 'FatDirectoryEntry');
      return { runs, clusterCount: n, end };
    };
    while (n < maxClusters) {
      const last = runs[runs.length - 1];
      if (last && last.first + last.count === c) last.count++;
      else runs.push({ first: c, count: 1 });
      visited?.add(c);
      n++;
      const next = this.cachedEntry(c) ?? (await this.entry(c));
      if (next >= FAT_EOC_MIN[this.type]) return stop('eoc');
      if (n === maxClusters) return stop('limit');
      if (next === FAT_BAD[this.type]) return stop('broken', `cluster ${c} leads to a cluster marked bad`);
      if (next < 2 || next > this.lastCluster) return stop('broken', `cluster ${c} leads to ${next === 0 ? 'a free cluster' : `cluster ${next}, outside 2 … ${this.lastCluster}`} after ${n} clusters`);
      if (next <= c && !visited) visited = new Set(runs.flatMap((r) => Array.from({ length: r.count }, (_, i) => r.first + i)));
      if (visited?.has(next)) return stop('loop', `cluster ${c} leads back to cluster ${next}, already in the chain`);
      c = next;
    }
    return stop('limit');
  }
}
